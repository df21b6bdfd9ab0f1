// @ts-check
// Times rows against each other in turns: a batch of each in every round, the order rotating, so
// that a row and its baseline share the same seconds of a noisy machine. Used where the figure is
// a small difference of two rows (dispatch: ~5 µs of ~25), which two medians taken seconds apart
// blur by as much as the figure itself (+2.5 to +5.5 µs in six runs on the 2-core VM).
import { keep, median, repsFor, repsForAsync } from "./timing.js";

/** @typedef {import('./types.js').Case} Case */
/** @typedef {{ median: number, low: number, high: number }} Spread  ratios from the rounds: their median, lowest and highest */

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
  const reps = [];
  for (const c of cases) reps.push(await repsOf(c, batchMs));
  /** @type {number[][]} */
  const perCall = cases.map(() => []);
  for (let round = -warmupRounds; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = rotated(k, round, cases.length);
      const c = cases[i];
      await callMany(c, leadCalls);
      const ns = await timeBatch(c, reps[i]);
      if (round >= 0) perCall[i].push(ns);
    }
  }
  return perCall;
}

/**
 * Which of `count` rows goes k-th in `round`: the order rotates by one each round, so that no row
 * always goes first; warm-up rounds (round < 0) go in round 0's order.
 * @param {number} k @param {number} round @param {number} count
 */
export const rotated = (k, round, count) => (k + Math.max(round, 0)) % count;

/**
 * Calls a batch of `c` needs to last about `batchMs` (timing.js, repsFor).
 * @param {Pick<Case, 'run' | 'async'>} c
 * @param {number} batchMs
 */
export async function repsOf({ run, async }, batchMs) {
  const now = () => performance.now();
  return async ? repsForAsync(/** @type {() => Promise<number>} */ (run), batchMs, now) : repsFor(/** @type {() => number} */ (run), batchMs, now);
}

/**
 * Calls `run` `calls` times; an async case's calls are each awaited before the next, and a
 * blocking case's run as a blocking loop, with no await between them. Keeps the results live.
 * @param {Pick<Case, 'run' | 'async'>} c
 * @param {number} calls
 */
export async function callMany({ run, async }, calls) {
  let sum = 0;
  if (async) for (let r = 0; r < calls; r++) sum += await run();
  else for (let r = 0; r < calls; r++) sum += /** @type {number} */ (run());
  keep(sum);
}

/**
 * One batch of `reps` calls (callMany), in ns a call; the clock is read at its ends only.
 * @param {Pick<Case, 'run' | 'async'>} c
 * @param {number} reps
 */
export async function timeBatch(c, reps) {
  const start = performance.now();
  await callMany(c, reps);
  return ((performance.now() - start) / reps) * 1e6;
}

/**
 * The median over rounds of row − baseline, each pair from the same round.
 * @param {number[]} row
 * @param {number[]} baseline
 */
export function pairedDifference(row, baseline) {
  return median(row.map((t, round) => t - baseline[round]));
}

/**
 * The median, lowest and highest of the ratios baseline / row, each from one round.
 * @param {number[]} row
 * @param {number[]} baseline
 * @returns {Spread}
 */
export function ratioSpread(row, baseline) {
  const each = row.map((t, round) => (baseline[round] ?? Number.NaN) / t);
  return { median: median(each), low: Math.min(...each), high: Math.max(...each) };
}
