// @ts-check
// Dispatch overhead: the time a parallel call adds over its share of the compute, at twice the
// pool's inline thresholds, on each thread count:
//   added = pool(T).call − dot(share)        (share: as many elements as the largest of the T
//                                             ranges the job is cut into, timed alone)
// Both calls are timed at twice pool.dotSync's threshold (2·BLOCKING_INLINE_BYTES / 8 = 65536
// f64), where issue 3's targets are judged on dotSync (≤ 3 µs on 2 threads, ≤ 5 µs on 16), and
// at twice the awaited calls' threshold (2·INLINE_BYTES / 8 = 131072), the size that runs before
// 2026-11-27 timed both at, so that they compare. pool.dot goes to the workers at both.
//
// The share is timed rather than taken as dot(n)/T: each thread of the pool computes the same
// share call after call, so it may stay in that core's cache, while one thread reading all of n
// streams from further out. The rows take turns in batches (in-turns.js) and the figure is the
// median of each round's difference: timed one after another, as the sweep's rows are, it was a
// difference of medians taken seconds apart, and six runs on the 2-core VM read +2.5 to +5.5 µs.
import { createPool, dot, f64, free } from "kernelpool";
import { BATCH_MS } from "./budget.js";
import { check, fill } from "./data.js";
import { pairedDifference, timeInTurns } from "./in-turns.js";
import { formatN, rowName } from "./naming.js";
import { formatTime } from "./table.js";
import { median, timeCases } from "./timing.js";

/**
 * The pool's inline thresholds in f64 elements, read from the build (they are not public API):
 * pool.dotSync's, then the awaited calls'.
 */
async function inlineElements() {
  const module = await import(new URL("../dist/pool/pool.js", import.meta.url).href);
  const elements = (/** @type {unknown} */ bytes) => (typeof bytes === "number" ? bytes / 8 : null);
  return { blocking: elements(module.BLOCKING_INLINE_BYTES), awaited: elements(module.INLINE_BYTES) };
}

/**
 * Elements in the largest of the `threads` ranges that a dot of n is cut into (claims.ts): what the
 * slowest thread of the pool computes. Read from the build's planner, which is not public API.
 * @param {number} n
 * @param {number} threads
 */
async function largestShare(n, threads) {
  const { dotPlan } = await import(new URL("../dist/pool/plan.js", import.meta.url).href);
  const { rangeStart } = await import(new URL("../dist/pool/claims.js", import.meta.url).href);
  /** @type {number[]} */
  const lengths = [];
  const group = { precision: "f64", x: 0, y: 0, n, count: 1, strideX: 0, strideY: 0 };
  // Tasks as pool.dotSync's job has them: its caller computes at a stretch, so no cap on their length.
  const tasks = dotPlan([group]).emit(threads, Infinity, (/** @type {number[]} */ ...task) => lengths.push(task[3] * task[4]));
  let largest = 0;
  for (let r = 0; r < threads; r++) {
    let sum = 0;
    for (let t = rangeStart(r, tasks, threads); t < rangeStart(r + 1, tasks, threads); t++) sum += lengths[t] ?? 0;
    largest = Math.max(largest, sum);
  }
  return largest;
}

/**
 * One n's figures, on each thread count: what a call added over its largest share, and issue 3's
 * ceiling where that n is the one judged.
 * @typedef {{ threads: number, share: number, shareNs: number, syncNs: number, addedSyncUs: number, asyncNs: number, addedAsyncUs: number, targetUs: number | null }} AddedAt
 * @typedef {{ n: number, serialNs: number, perThreads: AddedAt[] }} DispatchRun
 */

/** Issue 3's ceilings for the added time, by thread count. */
export const DISPATCH_TARGET_US = /** @type {Record<number, number>} */ ({ 2: 3, 16: 5 });

/**
 * The rows of one n, in turns, on a pool of `threads`: dot of the largest share, pool.dotSync and
 * pool.dot.
 * @param {Float64Array} x
 * @param {Float64Array} y
 * @param {number} threads
 * @param {{ rounds: number, warmupRounds: number, batchMs: number, leadCalls: number }} turns
 */
async function timeAddedAt(x, y, threads, turns) {
  const n = x.length;
  const share = await largestShare(n, threads);
  const xs = x.subarray(0, share);
  const ys = y.subarray(0, share);
  const pool = await createPool({ threads });
  try {
    /** @type {import('./types.js').Case[]} */
    const cases = [
      { label: `dot f64, one thread's share of ${threads}`, impl: "kernelpool", precision: "f64", threads: 1, run: () => dot(xs, ys) },
      { label: `pool(${threads}).dotSync f64`, impl: "pool", precision: "f64", threads, variant: "sync", run: () => pool.dotSync(x, y) },
      { label: `pool(${threads}).dot f64`, impl: "pool", precision: "f64", threads, variant: "async", async: true, run: () => pool.dot(x, y) },
    ];
    const lengths = [share, n, n];
    for (const [i, c] of cases.entries()) check(rowName(c.label, lengths[i]), "f64", lengths[i], await c.run());
    const [shareTimes, syncTimes, asyncTimes] = await timeInTurns(cases, turns);
    return {
      threads,
      share,
      shareNs: median(shareTimes),
      syncNs: median(syncTimes),
      addedSyncUs: pairedDifference(syncTimes, shareTimes) / 1e3,
      asyncNs: median(asyncTimes),
      addedAsyncUs: pairedDifference(asyncTimes, shareTimes) / 1e3,
    };
  } finally {
    await pool.close();
  }
}

/**
 * @param {import('./cli.js').Options} options
 * @param {import('./report.js').Report} report
 */
export async function runDispatch(options, report) {
  const inline = await inlineElements();
  const notes = [];
  if (inline.blocking === null || inline.awaited === null) notes.push("dist/pool/pool.js exports no BLOCKING_INLINE_BYTES or INLINE_BYTES; 32768 and 65536 f64 assumed.");
  // The targets judge pool.dotSync at twice its threshold, the first size.
  const sizes = [
    { n: 2 * (inline.blocking ?? 32768), target: true, what: "2·BLOCKING_INLINE_BYTES / 8, twice pool.dotSync's threshold" },
    { n: 2 * (inline.awaited ?? 65536), target: false, what: "2·INLINE_BYTES / 8, twice the awaited calls' threshold" },
  ];
  const budget = { time: options.timeMs ?? 1500, warmupTime: 200, iterations: 50, warmupIterations: 10, batchMs: BATCH_MS };
  // 375 rounds by default: 0.75 s of timed batches a row, 2.25 s an n, plus the untimed calls.
  // 30 calls before each batch: a dotSync batch after a pause wakes the workers within ~10 calls.
  const turns = { rounds: Math.max(20, Math.round(budget.time / (2 * BATCH_MS))), warmupRounds: 10, batchMs: BATCH_MS, leadCalls: 30 };
  const runs = [];
  for (const { n, target, what } of sizes) {
    process.stderr.write(`timing dispatch, n=${formatN(n)} …\n`);
    const x = f64(n);
    const y = f64(n);
    fill(x, y);
    try {
      /** @type {import('./types.js').Case} */
      const serialCase = { label: "dot f64", impl: "kernelpool", precision: "f64", threads: 1, run: () => dot(x, y) };
      check(rowName(serialCase.label, n), "f64", n, dot(x, y));
      const [serial] = await timeCases([serialCase], n, budget);
      const perThreads = [];
      for (const threads of options.threads) {
        const timed = await timeAddedAt(x, y, threads, turns);
        perThreads.push({ ...timed, targetUs: target ? (DISPATCH_TARGET_US[threads] ?? null) : null });
      }
      /** @type {DispatchRun} */
      const run = { n, serialNs: serial?.medianNs ?? Number.NaN, perThreads };
      runs.push(run);
      printTable(report, n, what, run, turns.rounds, notes);
    } finally {
      free(x);
      free(y);
    }
  }
  return { inlineElements: inline, runs };
}

/**
 * @param {import('./report.js').Report} report
 * @param {number} n
 * @param {string} what
 * @param {DispatchRun} run
 * @param {number} rounds
 * @param {string[]} notes
 */
function printTable(report, n, what, run, rounds, notes) {
  const us = (/** @type {number} */ v) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(2)} µs`;
  const header = ["threads", "dot (1 thread)", "dot of a share", "pool.dotSync", "added (sync)", "pool.dot", "added (async)", "target"];
  const body = run.perThreads.map((p) => [
    String(p.threads),
    formatTime(run.serialNs),
    `${formatTime(p.shareNs)} (${formatN(p.share)})`,
    formatTime(p.syncNs),
    us(p.addedSyncUs),
    formatTime(p.asyncNs),
    us(p.addedAsyncUs),
    p.targetUs === null ? "–" : `≤ ${p.targetUs} µs (sync) ${p.addedSyncUs <= p.targetUs ? "holds" : "misses"}`,
  ]);
  const tableNotes = [
    ...notes,
    `n = ${n} f64 = ${what}; added = pool call − dot of one thread's share (as long as the largest of the T ranges), the median over ${rounds} rounds of the batches' difference in each round (the rows take turns, ~${BATCH_MS} ms a batch); the times are the medians of the batch means.`,
  ];
  report.table(`Dispatch overhead at n = ${n}`, header, body, tableNotes);
}
