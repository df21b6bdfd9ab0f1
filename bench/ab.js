// @ts-check
// A/B of two builds of the package in one process: pool(T).dotSync, awaited pool.dot, and the
// two in turn ("mixed", µs a call of either) on the same sizes, in batches that alternate between
// the builds (the order flips every round), so that both see the same minutes of a noisy machine.
// Medians of the batch means, µs a call.
//
//   node bench/ab.js OLD_DIR NEW_DIR [threads] [sizes] [rounds]     (default 2 131072,1e5,1e6 30)
//
// Each DIR is a built checkout (its dist/ and build/), such as a `git worktree` of the old commit
// with node_modules linked and `npx tsc -p tsconfig.json` run. Each build has its own arena and
// pool; a batch starts with 30 calls that are not timed, which wake its workers. Results are
// checked against the old build's dot().
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { median } from "./timing.js";

const [oldDir, newDir, threadsArg = "2", sizesArg = "131072,1e5,1e6", roundsArg = "30"] = process.argv.slice(2);
if (oldDir === undefined || newDir === undefined) {
  console.error("usage: node bench/ab.js OLD_DIR NEW_DIR [threads] [sizes] [rounds]");
  process.exit(2);
}
const threads = Number(threadsArg);
const sizes = sizesArg.split(",").map(Number);
const rounds = Number(roundsArg);
/** One batch lasts about 2–5 ms: this many elements' worth of calls. */
const BATCH_ELEMENTS = 5e7;
const MODES = /** @type {const} */ (["dotSync", "dot", "mixed"]);

/** @param {string} dir */
async function load(dir) {
  return import(pathToFileURL(resolve(dir, "dist/index.js")).href);
}

/** @typedef {{ name: string, kp: any, pool: any, pairs: Float64Array[][] }} Build */
/** @type {Build[]} */
const builds = [];
for (const [name, dir] of [["old", oldDir], ["new", newDir]]) {
  const kp = await load(dir);
  const pool = await kp.createPool({ threads });
  const pairs = sizes.map((n) => {
    const a = kp.f64(n);
    const b = kp.f64(n);
    for (let i = 0; i < n; i++) {
      a[i] = 1 + (i % 7);
      b[i] = 1 - (i % 5) / 8;
    }
    return [a, b];
  });
  builds.push({ name, kp, pool, pairs });
}
const expected = builds[0].pairs.map(([a, b]) => builds[0].kp.dot(a, b));

/** @type {Record<string, Record<string, number[]>>} */
const samples = {};

/**
 * @param {Build} build
 * @param {number} s
 * @param {typeof MODES[number]} mode
 */
async function batch(build, s, mode) {
  const [a, b] = build.pairs[s];
  // Even, so that mixed mode makes whole pairs.
  const calls = 2 * Math.max(20, Math.round(BATCH_ELEMENTS / sizes[s] / 2));
  let value = 0;
  let start = 0;
  // dotSync is called without an await between calls, as a blocking loop would.
  if (mode === "dotSync") {
    for (let i = 0; i < 30; i++) build.pool.dotSync(a, b);
    start = performance.now();
    for (let i = 0; i < calls; i++) value = build.pool.dotSync(a, b);
  } else if (mode === "mixed") {
    // A blocking and an awaited call in turn, as code that uses both on the same arrays makes.
    const pair = async () => {
      const sync = build.pool.dotSync(a, b);
      const awaited = await build.pool.dot(a, b);
      return sync === awaited ? awaited : Number.NaN;
    };
    for (let i = 0; i < 15; i++) await pair();
    start = performance.now();
    for (let i = 0; i < calls; i += 2) value = await pair();
  } else {
    for (let i = 0; i < 30; i++) await build.pool.dot(a, b);
    start = performance.now();
    for (let i = 0; i < calls; i++) value = await build.pool.dot(a, b);
  }
  const us = ((performance.now() - start) * 1000) / calls;
  const key = `${mode} n=${sizes[s]}`;
  if (value !== expected[s]) throw new Error(`${build.name} ${key}: ${value}, expected ${expected[s]}`);
  ((samples[key] ??= {})[build.name] ??= []).push(us);
}

for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? builds : [...builds].reverse();
  for (let s = 0; s < sizes.length; s++) for (const mode of MODES) for (const build of order) await batch(build, s, mode);
}

console.log(`A/B, pool(${threads}), ${rounds} rounds of alternating batches; median of batch means, µs a call`);
for (const [key, by] of Object.entries(samples)) {
  const before = median(by.old ?? []);
  const after = median(by.new ?? []);
  console.log(`${key.padEnd(20)} old ${before.toFixed(2).padStart(8)}  new ${after.toFixed(2).padStart(8)}  new/old ${(after / before).toFixed(3)}`);
}
for (const build of builds) await build.pool.destroy();
