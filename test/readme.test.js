// The README's API example, run as it is written, so that the front door cannot drift from the
// code. It runs in a child process: it fills 1e8 elements and keeps them, as a script may, which
// the other suites' arena should not inherit. Every line whose comment says what it gives is
// checked against what that line gave:
//   "// returns 32"                        exactly that number;
//   "// returns Float64Array [32, 5]"      a typed array of that type and those elements;
//   "// Float64Array [0, 1, …] …"          (of a declaration) that type, starting with those;
//   "// ≈ 3.33333328333e+23"               that value to the digits written;
//   "// the same …"                        the same bits as the line before;
//   "…, the same bits as dot(x, x)"        the same bits as that expression.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The first js block after the heading `## API`. */
function apiExample() {
  const api = readme.indexOf("\n## API\n");
  const open = readme.indexOf("```js\n", api);
  const close = readme.indexOf("\n```", open + 6);
  assert.ok(api >= 0 && open > api && close > open, "README has a js block under ## API");
  return readme.slice(open + 6, close).split("\n");
}

/** A statement, or a declaration, with a claim in its comment. */
const CLAIMED = /^(?:const (?<name>\w+) = )?(?<code>.+?);\s*\/\/\s*(?<claim>returns .*|≈ .*|the same.*|Float(?:64|32)Array \[.*)$/;
const SAME_BITS_AS = /, the same bits as (?<expression>.+)$/;

/**
 * The example with each claimed value recorded, and what each claim expects. The module imports
 * "kernelpool", as a user does: run from the package's root, that resolves through
 * package.json's exports to what the package ships.
 */
function instrument(lines) {
  const claims = [];
  const body = lines.map((line) => {
    const match = CLAIMED.exec(line);
    if (match === null) return line;
    const { name, code, claim } = match.groups;
    const record = (value) => `__seen.push(__show(${value}));`;
    claims.push({ line: line.trim(), claim });
    let instrumented = name === undefined ? record(`await (${code})`) : `const ${name} = ${code}; ${record(name)}`;
    const also = SAME_BITS_AS.exec(claim);
    if (also !== null) {
      claims.push({ line: line.trim(), claim: `the same bits as ${also.groups.expression}` });
      instrumented += ` ${record(`await (${also.groups.expression})`)}`;
    }
    return instrumented;
  });
  // Typed arrays by their type, length and first elements: the example's arange has 1e8.
  const prelude = "const __seen = []; const __show = (v) => ArrayBuffer.isView(v) ? { type: v.constructor.name, length: v.length, head: [...v.subarray(0, 8)] } : v;";
  return { source: [prelude, ...body, "console.log(JSON.stringify(__seen));"].join("\n"), claims };
}

/** `Float64Array [32, 5]`, or with `…` after the elements only the first ones, as a __show'n value's parts. */
function typedClaim(text) {
  const typed = /^(?<type>Float64Array|Float32Array) \[(?<list>[^\]]*)\]/.exec(text);
  if (typed === null) return undefined;
  const items = typed.groups.list.split(",").map((item) => item.trim());
  const open = items.at(-1) === "…";
  return { type: typed.groups.type, head: items.slice(0, open ? -1 : undefined).map(Number), open };
}

/** Checks one value against its claim; `before` is the value recorded before it. */
function check({ line, claim }, got, before) {
  const typed = typedClaim(claim.replace(/^returns /, ""));
  if (typed !== undefined) {
    assert.is(got?.type, typed.type, line);
    if (!typed.open) assert.is(got.length, typed.head.length, line);
    assert.equal(got.head.slice(0, typed.head.length), typed.head, line);
  } else if (claim.startsWith("returns ")) {
    assert.is(got, Number(/^returns (?<number>[-+\d.e]+)/.exec(claim)?.groups.number), line);
  } else if (claim.startsWith("≈ ")) {
    const written = /^≈ (?<mantissa>\d\.(?<decimals>\d+))e(?<exponent>[-+]\d+)/.exec(claim);
    assert.ok(written !== null, `${line}: a claim "≈ d.ddde±x"`);
    assert.is(got.toPrecision(written.groups.decimals.length + 1), `${written.groups.mantissa}e${written.groups.exponent}`, line);
  } else {
    assert.ok(Object.is(got, before), `${line} (${claim}): ${got}, against ${before}`);
  }
}

test("the README's API example runs as written and gives what its comments say", () => {
  const { source, claims } = instrument(apiExample());
  // A rewrite that left the example's comments in another form would otherwise check nothing.
  assert.ok(claims.length >= 7, `claims found: ${claims.map((c) => c.line).join(" | ")}`);
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", source], { cwd: root, encoding: "utf8", timeout: 120_000 });
  assert.is(run.status, 0, run.stderr);
  const seen = JSON.parse(run.stdout.trim().split("\n").at(-1));
  assert.is(seen.length, claims.length, "every claimed line ran");
  claims.forEach((claim, k) => check(claim, seen[k], seen[k - 1]));
});

test.run();
