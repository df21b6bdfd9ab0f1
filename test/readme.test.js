// The README's API example, run as it is written, so that the front door cannot drift from the
// code. It runs in a child process: it fills 1e8 elements and keeps them, as a script may, which
// the other suites' arena should not inherit. Every line whose comment says what it gives is
// checked against what that line gave:
//   "// returns 32"                       exactly that number, or a typed array and its elements;
//   "// ≈ 3.33333328333e+23"              that value to the digits written;
//   "// the same …"                       the same bits as the line before.
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

/** A statement with a claim in its comment: `code; // claim`. */
const CLAIMED = /^(?<code>[^/]+?);\s*\/\/\s*(?<claim>returns .*|≈ .*|the same.*)$/;

/**
 * The example with each claimed statement's value recorded, and what each claim expects. The
 * module imports "kernelpool", as a user does: run from the package's root, that resolves
 * through package.json's exports to what the package ships.
 */
function instrument(lines) {
  const claims = [];
  const body = lines.map((line) => {
    const match = CLAIMED.exec(line);
    if (match === null) return line;
    claims.push({ line: line.trim(), claim: match.groups.claim });
    return `__seen.push(__show(await (${match.groups.code})));`;
  });
  const prelude = "const __seen = []; const __show = (v) => ArrayBuffer.isView(v) ? { type: v.constructor.name, values: [...v] } : v;";
  return { source: [prelude, ...body, "console.log(JSON.stringify(__seen));"].join("\n"), claims };
}

/** Checks one value against its claim; `before` is the value of the claim before it. */
function check({ line, claim }, got, before) {
  const returns = /^returns (?:(?<type>Float64Array|Float32Array) (?<list>\[[^\]]*\])|(?<number>[-+\d.e]+))/.exec(claim);
  if (returns?.groups.type !== undefined) {
    assert.equal(got, { type: returns.groups.type, values: JSON.parse(returns.groups.list) }, line);
  } else if (returns !== null) {
    assert.is(got, Number(returns.groups.number), line);
  } else if (claim.startsWith("≈ ")) {
    const written = /^≈ (?<mantissa>\d\.(?<decimals>\d+))e(?<exponent>[-+]\d+)/.exec(claim);
    assert.ok(written !== null, `${line}: a claim "≈ d.ddde±x"`);
    assert.is(got.toPrecision(written.groups.decimals.length + 1), `${written.groups.mantissa}e${written.groups.exponent}`, line);
  } else {
    assert.ok(Object.is(got, before), `${line}: ${got}, the same as ${before}`);
  }
}

test("the README's API example runs as written and gives what its comments say", () => {
  const { source, claims } = instrument(apiExample());
  // A rewrite that left the example's comments in another form would otherwise check nothing.
  assert.ok(claims.length >= 5, `claims found: ${claims.map((c) => c.line).join(" | ")}`);
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", source], { cwd: root, encoding: "utf8", timeout: 120_000 });
  assert.is(run.status, 0, run.stderr);
  const seen = JSON.parse(run.stdout.trim().split("\n").at(-1));
  assert.is(seen.length, claims.length, "every claimed line ran");
  claims.forEach((claim, k) => check(claim, seen[k], seen[k - 1]));
});

test.run();
