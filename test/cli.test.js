// The main job (`npm start` = `kernelpool dot`): its output, its flags and their errors, and
// the shrinking of n when memory is short.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseDotJobArgs } from "../dist/cli/args.js";
import { fitLength, MOST_ELEMENTS } from "../dist/cli/memory.js";
import { timeCalls } from "../dist/cli/time-calls.js";
import { dot, f64, free } from "../dist/index.js";
import { withClock } from "./support/clock.js";

const main = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const run = (...args) => spawnSync(process.execPath, [main, ...args], { encoding: "utf8", timeout: 60_000 });

test("kernelpool dot prints each product, its error against the exact Σi², the times and the speed-up", () => {
  const n = 100_000;
  const { status, stdout, stderr } = run("dot", "--n", "1e5", "--count", "3", "--threads", "2");
  assert.is(status, 0, stderr);
  assert.ok(stdout.includes("3 dot products of two float64 vectors of 100,000 elements (0.00 GB) on 2 threads"), stdout);
  assert.ok(stdout.includes("a = b = arange(n), filled in "), stdout);
  const exact = Number((BigInt(n - 1) * BigInt(n) * BigInt(2 * n - 1)) / 6n);
  for (let k = 1; k <= 3; k++) {
    // Σi² < 2⁵³ here and every term is an exact integer, so the sum is exact.
    assert.ok(stdout.includes(`dot #${k} = ${exact.toExponential(15)}  (same bits as one thread; relative error 0.0e+0)`), stdout);
  }
  assert.not.ok(stdout.includes("dot #4"), "exactly --count products");
  assert.match(stdout, /one thread {2}CPU times: user \d+ ms, sys \d+ ms, total \d+ ms {2}Wall time: [\d.]+ ms/);
  assert.match(stdout, /pool {8}CPU times: user \d+ ms/);
  assert.match(stdout, /speed-up: [\d.]+×/);
});

test("one product, element or thread is said in the singular; a closed pipe ends the job quietly", () => {
  const { status, stdout, stderr } = run("dot", "--n", "1e+3", "--count", "1", "--threads", "1");
  assert.is(status, 0, stderr);
  assert.ok(stdout.includes("1 dot product of two float64 vectors of 1,000 elements (0.00 GB) on 1 thread\n"), stdout);
  assert.ok(run("dot", "--n", "1", "--count", "1", "--threads", "1").stdout.includes("vectors of 1 element (0.00 GB)"));
  // The two loops' lines line up.
  assert.ok(stdout.includes("\none thread done: 1 product in ") && stdout.includes("\npool (1)   done: 1 product in "), stdout);
  const piped = spawnSync("bash", ["-c", `set -o pipefail; "${process.execPath}" "${main}" dot --n 1e5 --count 50 --threads 1 | head -c 1`], { encoding: "utf8", timeout: 60_000 });
  assert.is(piped.status, 0);
  assert.not.ok(piped.stderr.includes("EPIPE"), piped.stderr);
});

test("at n = 1 the exact Σi² is 0, so the error printed is absolute, never NaN", () => {
  const { status, stdout, stderr } = run("dot", "--n", "1", "--count", "1", "--threads", "1");
  assert.is(status, 0, stderr);
  assert.ok(stdout.includes("dot #1 = 0.000000000000000e+0  (same bits as one thread; error 0.0e+0)"), stdout);
  assert.not.ok(stdout.includes("NaN"), stdout);
});

test("bad flags exit with status 2 and a message naming the flag and its rule", () => {
  for (const [args, expected] of [
    [["--n", "abc"], "--n must be an integer from 1 to 264241152"],
    [["--n", "0"], "--n must be an integer from 1 to 264241152"],
    [["--count", "2.5"], "--count must be an integer from 1 to 1000"],
    [["--threads", "0"], "--threads must be an integer from 1 to 256"],
    [["--n", "0x10"], "--n must be an integer from 1 to 264241152"],
    [["--n", " 7 "], "--n must be an integer from 1 to 264241152"],
  ]) {
    const { status, stderr } = run("dot", ...args);
    assert.is(status, 2, args.join(" "));
    assert.ok(stderr.includes(expected), `${args.join(" ")}: ${stderr}`);
  }
  // A flag given twice, or given no value, is a bad word too: the last would have won unchecked.
  for (const [args, expected] of [
    [["--n", "abc", "--n", "5"], "kernelpool: Option '--n' is given twice: give each option once"],
    [["--count=3", "--count", "1"], "kernelpool: Option '--count' is given twice"],
    [["--n", "--count", "5"], "kernelpool: Option '--n' needs a value"],
    [["--threads"], "kernelpool: Option '--threads' needs a value"],
  ]) {
    const { status, stderr } = run("dot", ...args);
    assert.is(status, 2, args.join(" "));
    assert.ok(stderr.startsWith(expected) && stderr.includes("usage: kernelpool dot"), `${args.join(" ")}: ${stderr}`);
  }
  const unknown = run("dot", "--size", "5");
  assert.is(unknown.status, 2);
  assert.ok(unknown.stderr.startsWith("kernelpool: Unknown option '--size'") && unknown.stderr.includes("usage: kernelpool dot"), unknown.stderr);
});

test("past 2⁵³ the error printed is against the exact Σi², not against it rounded to a double", () => {
  const n = 1_000_000;
  const { status, stdout, stderr } = run("dot", "--n", "1e6", "--count", "1", "--threads", "2");
  assert.is(status, 0, stderr);
  const x = f64(n);
  for (let i = 0; i < n; i++) x[i] = i;
  const value = dot(x, x);
  free(x);
  const exact = (BigInt(n - 1) * BigInt(n) * BigInt(2 * n - 1)) / 6n;
  const error = (Number(BigInt(value) - exact) / Number(exact)).toExponential(1);
  // The exact sum rounds to the result's double, so an error taken from that rounding reads 0.
  assert.is.not(error, "0.0e+0");
  assert.ok(stdout.includes(`dot #1 = ${value.toExponential(15)}  (same bits as one thread; relative error ${error})`), stdout);
});

test("one-letter options are refused, with the usage: -n is not --n", () => {
  for (const args of [["-n", "5"], ["-n5"], ["-c", "1"], ["--n", "5", "-t", "1"]]) {
    const { status, stderr } = run("dot", ...args);
    assert.is(status, 2, args.join(" "));
    const flag = args.find((arg) => /^-[^-]/.test(arg));
    assert.ok(stderr.startsWith(`kernelpool: Unknown option '${flag}': the options are --n, --count, --threads, with two dashes`), stderr);
    assert.ok(stderr.includes("usage: kernelpool dot"), stderr);
  }
});

test("the default --threads is createPool's, at most 256 on a machine with more hardware threads", () => {
  const manyCpus = ["--import", fileURLToPath(new URL("support/many-cpus.js", import.meta.url))];
  const parse = `import("${new URL("../dist/cli/args.js", import.meta.url)}").then((m) => process.stdout.write(String(m.parseDotJobArgs([]).threads)))`;
  const parsed = spawnSync(process.execPath, [...manyCpus, "-e", parse], { encoding: "utf8", timeout: 60_000 });
  assert.is(parsed.stdout, "256", parsed.stderr);
  const usage = spawnSync(process.execPath, [...manyCpus, main, "--help"], { encoding: "utf8", timeout: 60_000 });
  assert.ok(usage.stdout.startsWith("usage: kernelpool dot [--n 1e8] [--count 10] [--threads 256]"), usage.stdout);
});

test("no command or --help prints the usage with status 0; an unknown command exits with 2, --help or not", () => {
  for (const args of [[], ["--help"], ["dot", "--help"], ["dot", "-h"], ["dot", "help"], ["dot", "--n", "5", "--help"], ["dot", "--threads", "--help"]]) {
    const { status, stdout } = run(...args);
    assert.is(status, 0, args.join(" "));
    assert.ok(stdout.startsWith("usage: kernelpool dot [--n 1e8] [--count 10]"), stdout);
    assert.ok(stdout.includes("\n--n 1 to 264241152, --count 1 to 1000, --threads 1 to 256.\n"), stdout);
  }
  for (const args of [["fly"], ["fly", "--help"]]) {
    const unknown = run(...args);
    assert.is(unknown.status, 2, args.join(" "));
    assert.ok(unknown.stderr.startsWith('kernelpool: unknown command "fly"\n\nusage: kernelpool dot'), unknown.stderr);
  }
  // --help or -h is a request only where an option may stand: as a flag's value, or after "--", it is a bad word.
  for (const [args, expected] of [
    [["dot", "--n", "help"], '--n must be an integer from 1 to 264241152 (1e8 style is fine); got the string "help"'],
    [["dot", "--count", "-h"], '--count must be an integer from 1 to 1000; got the string "-h"'],
    [["dot", "--n", "5", "--", "--help"], "kernelpool: Unexpected argument '--help'"],
    // Past "--" words are refused as typed, not joined to a flag or taken for short options.
    [["dot", "--", "--n", "5"], "kernelpool: Unexpected argument '--n'."],
    [["dot", "--", "-x"], "kernelpool: Unexpected argument '-x'."],
    [["--version", "extra"], 'kernelpool: --version takes nothing after it; got "extra"'],
  ]) {
    const { status, stdout, stderr } = run(...args);
    assert.is(status, 2, args.join(" "));
    assert.is(stdout, "", args.join(" "));
    assert.ok(stderr.includes(expected), stderr);
  }
  const early = run("--n", "5", "dot");
  assert.is(early.status, 2);
  assert.ok(early.stderr.startsWith('kernelpool: unknown command "--n" (options follow the command: kernelpool dot --n …)'), early.stderr);
});

test("--version prints the package's version", () => {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const { status, stdout } = run("--version");
  assert.is(status, 0);
  assert.is(stdout, `kernelpool ${version}\n`);
});

test("a flag's value is read from its digits, so a value that Number() would round to an integer is refused", () => {
  const n = (text) => parseDotJobArgs(["--n", text, "--threads", "1"]).n;
  assert.is(n("1e8"), 1e8);
  assert.is(n("1.5e1"), 15);
  assert.is(n("1.50E+1"), 15);
  assert.is(n("10.000"), 10);
  assert.is(n("0001"), 1);
  for (const text of ["1.0000000000000001", "264241152.00000001", "1.05e1", "2.5"]) {
    assert.throws(() => n(text), (error) => error instanceof RangeError && error.message.includes(`--n must be an integer from 1 to 264241152 (1e8 style is fine); got the string "${text}"`), text);
  }
  assert.throws(() => n("1e999"), /--n must be an integer from 1 to 264241152/, "past the range, not an integer test");
});

test("a value that starts with a dash is refused by the flag's rule, not as an ambiguous or unknown option", () => {
  for (const [args, expected] of [
    [["--n", "-5"], '--n must be an integer from 1 to 264241152 (1e8 style is fine); got the string "-5"'],
    [["--count", "-1"], '--count must be an integer from 1 to 1000; got the string "-1"'],
    [["--n", "-inf"], '--n must be an integer from 1 to 264241152 (1e8 style is fine); got the string "-inf"'],
    [["--threads", "-.5"], "--threads must be an integer from 1 to 256"],
  ]) {
    const { status, stderr } = run("dot", ...args);
    assert.is(status, 2, args.join(" "));
    assert.ok(stderr.includes(expected), stderr);
  }
});

test("output that cannot be written ends the job with one line and status 1, not a stack trace", () => {
  const full = spawnSync("bash", ["-c", `"${process.execPath}" "${main}" dot --n 10 --count 1 --threads 1 > /dev/full`], { encoding: "utf8", timeout: 60_000 });
  assert.is(full.status, 1);
  assert.is(full.stderr, "kernelpool: cannot write the output: ENOSPC\n");
});

test("on a terminal the bar redraws a few times a second, not after every product", () => {
  // A terminal faked for the child: 1000 products of 1e3 take a few ms a loop, where a redraw
  // after each, a blocking write on a real terminal, made short products look 4–6 times slower.
  const fake = "process.stdout.isTTY = true;";
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(fake)}`, main, "dot", "--n", "1e3", "--count", "1000", "--threads", "2"], { encoding: "utf8", timeout: 60_000 });
  assert.is(status, 0, stderr);
  const redraws = stdout.split("\r").length - 1;
  assert.ok(redraws >= 2 && redraws <= 2 * 6, `${redraws} redraws`); // per loop: the first, the clear, and a few between
});

test("a loop too short to compare says what to raise: not --count where it is at its most", () => {
  for (const [count, advice] of [["999", "raise --count or --n"], ["1000", "raise --n"]]) {
    const { status, stdout, stderr } = run("dot", "--n", "100", "--count", count, "--threads", "1");
    assert.is(status, 0, stderr);
    assert.ok(stdout.includes(`(a loop took under 10 ms: too short to compare; ${advice})\n`), stdout);
  }
  // A product of 100 takes well under 0.01 ms: its time shows three digits, not "0.00".
  assert.match(run("dot", "--n", "100", "--count", "3", "--threads", "1").stdout, /\((\d\.\d\de-\d|0\.\d*[1-9]\d\d) ms a product, /);
});

test("on a terminal, a call that fails takes the bar off its line before the error is printed", () => {
  // A terminal faked for the child, and pool.dot made to fail once its loop's bar is drawn.
  const pool = new URL("../dist/pool/pool.js", import.meta.url).href;
  const fake = `process.stdout.isTTY = true;
    const { Pool } = await import(${JSON.stringify(pool)});
    let drawn = false;
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk, ...rest) => ((drawn ||= String(chunk).startsWith("\\rpool")), write(chunk, ...rest));
    const dot = Pool.prototype.dot;
    Pool.prototype.dot = function (...args) { return drawn ? Promise.reject(new Error("a simulated loss")) : dot.apply(this, args); };`;
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(fake)}`, main, "dot", "--n", "1e3", "--count", "1000", "--threads", "2"], { encoding: "utf8", timeout: 60_000 });
  assert.is(status, 1, stdout + stderr);
  assert.is(stderr, "kernelpool: the job failed: a simulated loss\n");
  assert.match(stdout, /\rpool \(2\)   \[[^\r]*\] \d+\/1000\r\x1b\[2K$/);
});

test("a loop's time is its calls' own: what runs between them is not counted", async () => {
  // A clock and a CPU meter the test moves: each call takes 1 ms of wall time and 0.75 ms of CPU
  // (0.5 user, 0.25 system), and what runs between calls 5 ms of each. Real time made this test
  // fail on a loaded machine, where a descheduled call took 60 ms.
  let now = 0;
  let user = 0;
  let system = 0;
  const spend = (wallMs, userMs, systemMs) => {
    now += wallMs;
    user += userMs * 1000;
    system += systemMs * 1000;
  };
  const realCpuUsage = process.cpuUsage;
  process.cpuUsage = (previous) => ({ user: user - (previous?.user ?? 0), system: system - (previous?.system ?? 0) });
  let calls = 0;
  const run = async () => (spend(1, 0.5, 0.25), ++calls);
  try {
    const { results, wallMs, cpuMs } = await withClock(() => now, () => timeCalls(20, run, () => spend(5, 5, 5)));
    assert.equal(results, Array.from({ length: 20 }, (_, i) => i + 1));
    // Counted, the 100 ms between the calls would make 120 ms, 110 of user and 105 of system time.
    assert.is(wallMs, 20);
    assert.equal(cpuMs, { user: 10, system: 5 });
  } finally {
    process.cpuUsage = realCpuUsage;
  }
});

test("n is fitted to the memory left once the pool's workers run", () => {
  // Free memory faked for the child: 1.6 GB before the first worker starts and 160 MB after, so
  // fitting n before the pool would take 60 000 000 where 6 000 000 is right.
  const fake = `import os from "node:os"; import wt from "node:worker_threads"; import { syncBuiltinESMExports } from "node:module";
    let started = false; const Worker = wt.Worker; wt.Worker = class extends Worker { constructor(...args) { super(...args); started = true; } };
    os.freemem = () => (started ? 160e6 : 1.6e9); process.constrainedMemory = () => 0; syncBuiltinESMExports();`;
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(fake)}`, main, "dot", "--n", "1e8", "--count", "1", "--threads", "2"], { encoding: "utf8", timeout: 120_000 });
  assert.is(status, 0, stderr);
  assert.ok(stdout.startsWith("memory is short: two vectors of 100,000,000 need 1.6 GB, and the job takes at most 60% of the 160 MB available; using n = 6,000,000\n"), stdout);
});

test("memory is fitted to what a container's limit leaves this process, where the host has more free", () => {
  const fake = `import os from "node:os"; import { syncBuiltinESMExports } from "node:module";
    process.constrainedMemory = () => 1e9; process.memoryUsage.rss = () => 800e6; os.freemem = () => 20e9; syncBuiltinESMExports();`;
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(fake)}`, main, "dot", "--n", "1e8", "--count", "1", "--threads", "1"], { encoding: "utf8", timeout: 120_000 });
  assert.is(status, 0, stderr);
  assert.ok(stdout.startsWith("memory is short: two vectors of 100,000,000 need 1.6 GB, and the job takes at most 60% of the 200 MB available under the container's limit of 1.0 GB; using n = 7,500,000\n"), stdout);
});

test("--n goes up to two vectors that fill the 4 GiB arena less 64 MiB, and no further", () => {
  assert.is(MOST_ELEMENTS, 264241152); // (2³² − 2²⁶) / 16
  assert.is(parseDotJobArgs(["--n", String(MOST_ELEMENTS), "--threads", "1"]).n, MOST_ELEMENTS);
  assert.throws(() => parseDotJobArgs(["--n", String(MOST_ELEMENTS + 1)]), /--n must be an integer from 1 to 264241152/);
  assert.equal(fitLength(1000), { n: 1000 });
});

test("with no memory free, the job fails with status 1 and a RangeError's message before any worker starts", () => {
  // os.freemem() made 0 in the child, before the CLI reads it; a worker started throws.
  const fake = `import os from "node:os"; import wt from "node:worker_threads"; import { syncBuiltinESMExports } from "node:module";
    process.constrainedMemory = () => 0; os.freemem = () => 0; wt.Worker = class { constructor() { throw new Error("a worker started"); } }; syncBuiltinESMExports();`;
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(fake)}`, main, "dot", "--n", "5", "--count", "1"], { encoding: "utf8" });
  assert.is(status, 1, stdout + stderr);
  assert.is(stdout, "");
  assert.ok(stderr.startsWith("kernelpool: memory is short: only 0 MB is available, and not even vectors of one element fit."), stderr);
});

test("a job that fails for a reason of the machine's, not of the words, exits with status 1 and says so in one line", () => {
  const fake = `import wt from "node:worker_threads"; import { syncBuiltinESMExports } from "node:module";
    wt.Worker = class { constructor() { throw new Error("spawn failed"); } }; syncBuiltinESMExports();`;
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(fake)}`, main, "dot", "--n", "5", "--count", "1", "--threads", "2"], { encoding: "utf8", timeout: 60_000 });
  assert.is(status, 1, stdout + stderr);
  assert.is(stderr, "kernelpool: worker 0 failed to start: spawn failed\n");
});

test("a process that may not reserve the arena's address space gets a RangeError that says so, not a browser hint", () => {
  const script = `import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)}).then((m) => m.f64(1)).then(() => console.log("made"), (e) => console.log(e.constructor.name, e.code, e.message));`;
  // 8 GB of address space: Node itself runs, but Node 20's V8 reserves ~10 GiB for any wasm memory
  // and refuses it. Node 24's makes the memory without that reservation: then it is made.
  const { stdout, stderr } = spawnSync("bash", ["-c", `ulimit -v 8000000 && exec "${process.execPath}" -e '${script}'`], { encoding: "utf8" });
  if (stdout === "made\n" && !process.version.startsWith("v20.")) return;
  assert.ok(stdout.startsWith("RangeError ERR_KP_OUT_OF_MEMORY kernelpool: cannot create the arena (") && stdout.includes("ulimit -v"), stdout + stderr);
});

test.run();
