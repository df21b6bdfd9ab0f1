// @ts-check
// The pool's synchronisation alone, without wasm: what a job costs in cache-line traffic on this
// machine, whatever the kernels do. A host and W spinning worker_threads share one control block
// and run jobs of `tasks` tasks, each a loop of `work` iterations of fake compute, one scheme at a
// time; the host takes a share, as pool.dotSync does. Prints µs per job, the median of batches.
//
//   ack     EPOCH bumped, every worker stores it in its own line, the host waits for all: the
//           bare publish-and-acknowledge round trip, no tasks
//   shared  one claim counter for all, DONE += 1 per task (the pool before 2026-11-26)
//   ranges  one claim counter per thread on its own line, home first; DONE += claimed once
//   lines   as ranges, but each thread reports into its own line and the host sums the lines
//
//   node bench/protocol.js [workers,...] [tasks] [work]      (default 1,3,7,15 32 0)
//
// Run it where the cores are (bench/device.sh's machine): on 2 vCPUs, W ≥ 2 oversubscribes and
// `ack` takes milliseconds a job, since it needs every spinning worker to run.
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const EPOCH = 0, DONE = 16, TASKS = 32, STOP = 33, SCHEME = 34, LINES = 48, LINE_WORDS = 16;
const SCHEMES = ["ack", "shared", "ranges", "lines"];
const MAX_WORKERS = 256;
const counterWord = (/** @type {number} */ r) => LINES + r * LINE_WORDS;
const ownWord = (/** @type {number} */ r) => LINES + r * LINE_WORDS + 1;
const rangeStart = (/** @type {number} */ r, /** @type {number} */ tasks, /** @type {number} */ ranges) => Math.floor((r * tasks) / ranges);

let sink = 0;
/** @param {number} iterations */
function work(iterations) {
  let x = 0;
  for (let i = 0; i < iterations; i++) x += i * 0.5;
  sink += x;
}

/** Claims from range `home`, then the others in turn, running each task; returns the count. */
function claimRanges(/** @type {Int32Array} */ ctrl, /** @type {number} */ home, /** @type {number} */ ranges, /** @type {number} */ iterations) {
  let claimed = 0;
  for (let k = 0; k < ranges; k++) {
    const word = counterWord((home + k) % ranges);
    while (Atomics.load(ctrl, word) > 0 && Atomics.sub(ctrl, word, 1) > 0) {
      claimed++;
      work(iterations);
    }
  }
  return claimed;
}

/** A worker: spin on EPOCH, serve the job in the scheme the host set, until STOP. */
function serve() {
  const { buffer, index, ranges, iterations } = workerData;
  const ctrl = new Int32Array(buffer);
  let seen = Atomics.load(ctrl, EPOCH);
  parentPort?.postMessage("ready"); // only now: an EPOCH bumped before the read above would be missed
  let reported = 0;
  for (;;) {
    while (Atomics.load(ctrl, EPOCH) === seen);
    seen = Atomics.load(ctrl, EPOCH);
    if (Atomics.load(ctrl, STOP) !== 0) return;
    const scheme = SCHEMES[Atomics.load(ctrl, SCHEME)];
    if (scheme === "ack") {
      Atomics.store(ctrl, ownWord(index), seen);
    } else if (scheme === "shared") {
      while (Atomics.sub(ctrl, counterWord(0), 1) > 0) {
        work(iterations);
        Atomics.add(ctrl, DONE, 1);
      }
    } else {
      const claimed = claimRanges(ctrl, index, ranges, iterations);
      if (claimed === 0) continue;
      if (scheme === "ranges") Atomics.add(ctrl, DONE, claimed);
      else Atomics.store(ctrl, ownWord(index), (reported += claimed));
    }
  }
}

/** One job of `tasks` tasks in `scheme`, the host taking a share; returns when all are done. */
function runJob(/** @type {Int32Array} */ ctrl, /** @type {string} */ scheme, /** @type {number} */ workers, /** @type {number} */ tasks, /** @type {number} */ iterations) {
  Atomics.store(ctrl, SCHEME, SCHEMES.indexOf(scheme));
  if (scheme === "ack") {
    const epoch = Atomics.add(ctrl, EPOCH, 1) + 1;
    for (let w = 0; w < workers; w++) while (Atomics.load(ctrl, ownWord(w)) !== epoch);
    return;
  }
  Atomics.store(ctrl, TASKS, tasks);
  let base = 0;
  if (scheme === "lines") for (let w = 0; w < workers; w++) base += Atomics.load(ctrl, ownWord(w));
  else Atomics.store(ctrl, DONE, 0);
  if (scheme === "shared") {
    Atomics.store(ctrl, counterWord(0), tasks);
  } else {
    for (let r = 0; r < workers; r++) {
      const count = rangeStart(r + 1, tasks, workers) - rangeStart(r, tasks, workers);
      if (count > 0) Atomics.store(ctrl, counterWord(r), count);
    }
  }
  Atomics.add(ctrl, EPOCH, 1);
  if (scheme === "shared") {
    while (Atomics.sub(ctrl, counterWord(0), 1) > 0) {
      work(iterations);
      Atomics.add(ctrl, DONE, 1);
    }
    while (Atomics.load(ctrl, DONE) < tasks);
    return;
  }
  const mine = claimRanges(ctrl, 0, workers, iterations); // range 0 is shared with worker 0
  if (scheme === "ranges") {
    if (mine > 0) Atomics.add(ctrl, DONE, mine);
    while (Atomics.load(ctrl, DONE) < tasks);
    return;
  }
  for (;;) {
    let done = mine - base;
    for (let w = 0; w < workers; w++) done += Atomics.load(ctrl, ownWord(w));
    if (done >= tasks) return;
  }
}

/** Median µs per job of batches of 200 jobs, after a warm-up; at most ~3 s a scheme. */
function timeScheme(/** @type {() => void} */ job) {
  const until = performance.now() + 1500;
  for (let i = 0; i < 200 && performance.now() < until; i++) job();
  /** @type {number[]} */
  const perJob = [];
  for (let b = 0; b < 9 && performance.now() < until + 1500; b++) {
    const start = performance.now();
    for (let i = 0; i < 200; i++) job();
    perJob.push(((performance.now() - start) * 1000) / 200);
  }
  perJob.sort((a, b) => a - b);
  return Number((perJob[perJob.length >> 1] ?? Number.NaN).toFixed(2));
}

async function main() {
  const workerCounts = (process.argv[2] ?? "1,3,7,15").split(",").map(Number);
  const tasks = Number(process.argv[3] ?? 32);
  const iterations = Number(process.argv[4] ?? 0);
  if (workerCounts.some((w) => !Number.isInteger(w) || w < 1 || w > MAX_WORKERS)) throw new RangeError(`workers: integers from 1 to ${MAX_WORKERS}`);
  const start = performance.now();
  for (let i = 0; i < 20000; i++) work(iterations);
  console.log(JSON.stringify({ tasks, work: iterations, taskUs: Number(((performance.now() - start) / 20).toFixed(3)) }));
  for (const workers of workerCounts) {
    const buffer = new SharedArrayBuffer((LINES + MAX_WORKERS * LINE_WORDS) * 4);
    const ctrl = new Int32Array(buffer);
    const threads = Array.from({ length: workers }, (_, index) => new Worker(new URL(import.meta.url), { workerData: { buffer, index, ranges: workers, iterations } }));
    await Promise.all(threads.map((t) => new Promise((resolve) => t.once("message", resolve))));
    /** @type {Record<string, number>} */
    const row = { workers, threads: workers + 1 };
    for (const scheme of SCHEMES) {
      // An ack job first: once every worker has answered it, none is still scanning the last
      // scheme's ranges, where it could claim a task of this one and report it the old way.
      runJob(ctrl, "ack", workers, tasks, iterations);
      for (let w = 0; w < workers; w++) Atomics.store(ctrl, ownWord(w), 0); // ack and lines both use them
      row[scheme] = timeScheme(() => runJob(ctrl, scheme, workers, tasks, iterations));
    }
    console.log(JSON.stringify(row));
    Atomics.store(ctrl, STOP, 1);
    Atomics.add(ctrl, EPOCH, 1);
    await Promise.all(threads.map((t) => new Promise((resolve) => t.once("exit", resolve))));
  }
  if (sink === 42) console.log(""); // keeps the fake work from being optimised away
}

if (isMainThread) await main();
else serve();
