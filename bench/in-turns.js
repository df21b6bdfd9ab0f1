// @ts-check
// Times rows against each other in turns: a batch of each in every round, the order rotating, so
// that a row and its baseline share the same seconds of a noisy machine. Used where the figure is
// a small difference of two rows (dispatch: ~5 µs of ~25), which two medians taken seconds apart
// blur by as much as the figure itself (+2.5 to +5.5 µs in six runs on the 2-core VM).
import { keep, median, repsFor, repsForAsync } from "./timing.js";

/** @typedef {import('./types.js').Case} Case */

/**
 * Each case's mean ns per call in every round: `rounds` rounds of one batch of about `batchMs`
 * per case, after `warmupRounds` untimed ones. Each batch follows `leadCalls` untimed calls of its
 * case, so that it times the case's steady pace: a pool's workers sleep through the other rows'
 * batches, and its first calls after them wake the workers or run alone (waking.ts).
 * @param {Case[]} cases  already checked for correctness
 * @param {{ rounds: number, warmupRounds: number, batchMs: number, leadCalls: number }} budget
 * @returns {Promise<number[][]>}  [case][round]
 */
export async function timeInTurns(cases, { rounds, warmupRounds, batchMs, leadCalls }) {
  const now = () => performance.now();
  const reps = [];
  for (const c of cases) {
    reps.push(c.async ? await repsForAsync(/** @type {() => Promise<number>} */ (c.run), batchMs, now) : repsFor(/** @type {() => number} */ (c.run), batchMs, now));
  }
  /** @type {number[][]} */
  const perCall = cases.map(() => []);
  for (let round = -warmupRounds; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + Math.max(round, 0)) % cases.length;
      const { run, async } = cases[i];
      let sum = 0;
      let start = 0;
      // An await between calls only for an async row: a blocking row is timed as a blocking loop.
      if (async) {
        for (let r = 0; r < leadCalls; r++) sum += await run();
        start = now();
        for (let r = 0; r < reps[i]; r++) sum += await run();
      } else {
        for (let r = 0; r < leadCalls; r++) sum += /** @type {number} */ (run());
        start = now();
        for (let r = 0; r < reps[i]; r++) sum += /** @type {number} */ (run());
      }
      const ns = ((now() - start) / reps[i]) * 1e6;
      keep(sum);
      if (round >= 0) perCall[i].push(ns);
    }
  }
  return perCall;
}

/**
 * The median over rounds of row − baseline, each pair from the same round.
 * @param {number[]} row
 * @param {number[]} baseline
 */
export function pairedDifference(row, baseline) {
  return median(row.map((t, round) => t - baseline[round]));
}
