// The package as a consumer loads it by name: run from the package's root, "kernelpool" resolves
// through package.json's exports, as it does from a project's node_modules.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const root = fileURLToPath(new URL("..", import.meta.url));
const [major, minor] = process.versions.node.split(".").map(Number);
/** Node requires an ES module from 20.19 and 22.12 (README, Limits). */
const requiresEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);

test("require('kernelpool') gives the API where Node can require an ES module, and ERR_REQUIRE_ESM before", () => {
  const script = `
    let kp;
    try { kp = require("kernelpool"); } catch (error) { console.log(JSON.stringify({ code: error.code })); process.exit(0); }
    kp.createPool({ threads: 2 }).then(async (pool) => {
      const a = kp.f64([1, 2, 3]);
      console.log(JSON.stringify({ names: Object.keys(kp).sort(), dot: kp.dot(a, a), pooled: await pool.dot(a, a), threads: pool.threads }));
      await pool.close();
    });`;
  const run = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  assert.is(run.status, 0, run.stderr);
  const got = JSON.parse(run.stdout);
  if (!requiresEsm) return assert.equal(got, { code: "ERR_REQUIRE_ESM" });
  assert.equal(got, { names: ["Pool", "capabilities", "createPool", "dot", "f32", "f64", "free"], dot: 14, pooled: 14, threads: 2 });
});

test.run();
