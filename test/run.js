// `npm test`: runs every uvu suite once per kernel build and ends with one line,
// "N passed, N failed", the form CI reads.
//
// Pass 1 forces the baseline build. Pass 2 lets the engine choose with relaxed SIMD available,
// which on Node 20 needs --experimental-wasm-relaxed-simd (Node 22+ ships it and rejects the flag).
// Pass 3 runs the browser suites in headless Chromium (test/browser/run.js); it fails, never
// skips, when Chromium is missing. A file-name pattern (`npm test -- pool`) selects Node suites
// only; run the browser pass alone with `node --experimental-wasm-relaxed-simd test/browser/run.js`.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readTotals } from "./support/totals.js";

const uvu = fileURLToPath(new URL("../node_modules/uvu/bin.js", import.meta.url));
const root = fileURLToPath(new URL("..", import.meta.url));
const major = Number(process.versions.node.split(".")[0]);
const pattern = process.argv[2] ?? "\\.test\\.js$";

const relaxedFlags = major < 22 ? ["--experimental-wasm-relaxed-simd"] : [];
const suites = [uvu, "test", pattern];
const passes = [
  { name: "baseline build", args: ["--expose-gc", ...suites], env: { KERNELPOOL_KERNELS: "baseline" } },
  { name: "relaxed SIMD available", args: ["--expose-gc", ...relaxedFlags, ...suites], env: {} },
  // Node computes with the build Chromium picks (relaxed), so that their bits can be compared.
  { name: "chromium", args: [...relaxedFlags, "test/browser/run.js"], env: {}, skip: process.argv[2] !== undefined },
];

let passed = 0;
let failed = 0;
for (const pass of passes.filter((pass) => !pass.skip)) {
  console.log(`\n## ${pass.name} (Node ${process.version})`);
  const env = { ...process.env, ...pass.env };
  if (!("KERNELPOOL_KERNELS" in pass.env)) delete env.KERNELPOOL_KERNELS;
  const run = spawnSync(process.execPath, pass.args, { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stdout.write(run.stdout);
  const { total, passed: ok, skipped } = readTotals(run.stdout);
  passed += ok;
  // A suite that crashed before printing totals counts as one failure, never as silence.
  failed += total - ok + skipped + (run.status !== 0 && total === ok ? 1 : 0);
  if (skipped > 0) console.log(`${skipped} skipped, counted as failed: no test here is skipped`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
