// `npm test`: runs every uvu suite once per kernel build and ends with one line,
// "N passed, N failed", the form CI reads.
//
// Pass 1 forces the baseline build. Pass 2 lets the engine choose with relaxed SIMD available,
// which on Node 20 needs --experimental-wasm-relaxed-simd (Node 22+ ships it and rejects the flag).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const uvu = fileURLToPath(new URL("../node_modules/uvu/bin.js", import.meta.url));
const root = fileURLToPath(new URL("..", import.meta.url));
const major = Number(process.versions.node.split(".")[0]);
const pattern = process.argv[2] ?? "\\.test\\.js$";

const passes = [
  { name: "baseline build", flags: [], env: { KERNELPOOL_KERNELS: "baseline" } },
  { name: "relaxed SIMD available", flags: major < 22 ? ["--experimental-wasm-relaxed-simd"] : [], env: {} },
];

let passed = 0;
let failed = 0;
for (const pass of passes) {
  console.log(`\n## ${pass.name} (Node ${process.version})`);
  const env = { ...process.env, ...pass.env };
  if (!("KERNELPOOL_KERNELS" in pass.env)) delete env.KERNELPOOL_KERNELS;
  const run = spawnSync(process.execPath, ["--expose-gc", ...pass.flags, uvu, "test", pattern], { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stdout.write(run.stdout);
  const total = Number(/Total:\s+(\d+)/.exec(run.stdout)?.[1] ?? 0);
  const ok = Number(/Passed:\s+(\d+)/.exec(run.stdout)?.[1] ?? 0);
  passed += ok;
  // A suite that crashed before printing totals counts as one failure, never as silence.
  failed += total - ok + (run.status !== 0 && total === ok ? 1 : 0);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
