// @ts-check
// Dispatch overhead: at n = 2·INLINE_BYTES / 8 f64 (the smallest awaited calls that go to the
// workers, doubled; pool.dotSync goes from half that, BLOCKING_INLINE_BYTES, and is timed at the
// same n so that runs before and after that change compare), the time pool.dotSync adds over its
// share of the compute, on each thread count:
//   added = pool(T).dotSync − dot(share)     (share: as many elements as the largest of the T
//                                             ranges the job is cut into, timed alone)
// Issue 3's targets: ≤ 3 µs on 2 threads, ≤ 5 µs on 16. pool.dot (async, awaited) is shown too.
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

/** The pool's inline threshold in f64 elements, read from the build (it is not public API). */
async function inlineElements() {
  const module = await import(new URL("../dist/pool/pool.js", import.meta.url).href);
  return typeof module.INLINE_BYTES === "number" ? module.INLINE_BYTES / 8 : null;
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

/** Issue 3's ceilings for the added time, by thread count. */
export const DISPATCH_TARGET_US = /** @type {Record<number, number>} */ ({ 2: 3, 16: 5 });

/**
 * @param {import('./cli.js').Options} options
 * @param {import('./report.js').Report} report
 */
export async function runDispatch(options, report) {
  const inline = await inlineElements();
  const notes = [];
  if (inline === null) notes.push("dist/pool/pool.js exports no INLINE_BYTES; 32768 f64 assumed.");
  const n = 2 * (inline ?? 32768);
  process.stderr.write(`timing dispatch, n=${formatN(n)} …\n`);
  const budget = { time: options.timeMs ?? 1500, warmupTime: 200, iterations: 50, warmupIterations: 10, batchMs: BATCH_MS };
  // 375 rounds by default: 0.75 s of timed batches a row, 2.25 s in all, plus the untimed calls.
  // 30 calls before each batch: a dotSync batch after a pause wakes the workers within ~10 calls.
  const turns = { rounds: Math.max(20, Math.round(budget.time / (2 * BATCH_MS))), warmupRounds: 10, batchMs: BATCH_MS, leadCalls: 30 };
  const x = f64(n);
  const y = f64(n);
  fill(x, y);
  try {
    /** @type {import('./types.js').Case} */
    const serialCase = { label: "dot f64", impl: "kernelpool", precision: "f64", threads: 1, run: () => dot(x, y) };
    check(rowName(serialCase.label, n), "f64", n, dot(x, y));
    const [serial] = await timeCases([serialCase], n, budget);
    const serialNs = serial?.medianNs ?? Number.NaN;
    const perThreads = [];
    for (const threads of options.threads) {
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
        perThreads.push({
          threads,
          share,
          shareNs: median(shareTimes),
          syncNs: median(syncTimes),
          asyncNs: median(asyncTimes),
          addedSyncUs: pairedDifference(syncTimes, shareTimes) / 1e3,
          addedAsyncUs: pairedDifference(asyncTimes, shareTimes) / 1e3,
          targetUs: DISPATCH_TARGET_US[threads] ?? null,
        });
      } finally {
        await pool.close();
      }
    }
    const us = (/** @type {number} */ v) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(2)} µs`;
    const header = ["threads", "dot (1 thread)", "dot of a share", "pool.dotSync", "added (sync)", "pool.dot", "added (async)", "target"];
    const body = perThreads.map((p) => [
      String(p.threads),
      formatTime(serialNs),
      `${formatTime(p.shareNs)} (${formatN(p.share)})`,
      formatTime(p.syncNs),
      us(p.addedSyncUs),
      formatTime(p.asyncNs),
      us(p.addedAsyncUs),
      p.targetUs === null ? "–" : `≤ ${p.targetUs} µs (sync) ${p.addedSyncUs <= p.targetUs ? "holds" : "misses"}`,
    ]);
    notes.push(
      `n = ${n} f64 = 2·INLINE_BYTES / 8; added = pool call − dot of one thread's share (as long as the largest of the T ranges), the median over ${turns.rounds} rounds of the two batches' difference in each round (the three rows take turns, ~${BATCH_MS} ms a batch); the times are the medians of the batch means.`,
    );
    report.table(`Dispatch overhead at n = ${n}`, header, body, notes);
    return { n, inlineElements: inline, serialNs, perThreads };
  } finally {
    free(x);
    free(y);
  }
}
