// @ts-check
// How long each row is timed at each n. The whole default run must stay within a few minutes on
// a 2-core machine (9 in-process rows and 2 numpy rows per n), so large n get fewer, longer batches.

/** @typedef {import('./types.js').Budget} Budget */

/**
 * The sizes swept by default, like stdlib's 10^1…10^6 sweep, moved up to where threads matter.
 * @default [1e3, 1e4, 1e5, 1e6, 1e7]
 */
export const DEFAULT_SIZES = [1e3, 1e4, 1e5, 1e6, 1e7];

/**
 * The sizes swept when the pool suite runs: up to the seed's 1e8, where threads matter most
 * (1e8 is dropped, with a note, when memory is short).
 * @default [1e3, 1e4, 1e5, 1e6, 1e7, 1e8]
 */
export const POOL_SIZES = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/**
 * Calls are repeated until a batch lasts about this long, and each sample is the batch mean: a
 * 1e3 dot takes ~0.3 µs, the same order as reading the clock, so single calls would time the clock.
 * numpy_dot.py batches the same way, so both sides are measured alike.
 * @default 2
 */
export const BATCH_MS = 2;

/**
 * @param {number} n
 * @param {number} [timeMs]  the --time flag: measuring budget per row, replacing the default
 * @returns {Budget}
 */
export function budgetFor(n, timeMs) {
  const base =
    n <= 1e5 ? { time: 500, warmupTime: 100, iterations: 20, warmupIterations: 5 }
    : n <= 1e6 ? { time: 800, warmupTime: 150, iterations: 20, warmupIterations: 5 }
    // A JS loop over 1e7 doubles takes ~20 ms; at least 10 batches still gives a stable median.
    : n <= 1e7 ? { time: 1500, warmupTime: 200, iterations: 10, warmupIterations: 3 }
    // 1e8 (1.6 GB of f64 operands): a JS loop call takes ~0.3 s, a pool call ~0.1 s. A few
    // single-call samples and their median keep a full run within minutes.
    : { time: 500, warmupTime: 0, iterations: 3, warmupIterations: 1 };
  if (timeMs === undefined) return { ...base, batchMs: BATCH_MS };
  return { ...base, time: timeMs, warmupTime: Math.min(base.warmupTime, timeMs / 4), batchMs: BATCH_MS };
}

/**
 * Rounds at each n in the turns suite (turns.js). Each round runs the yardstick once, its own
 * warm-up and median of 7 batches (~1.4 s whatever n), which sets the suite's length.
 * @default 7
 */
export const ROUNDS = 7;

/**
 * How long each row of the turns suite is timed in a round, in ms: batches of BATCH_MS for that
 * long, after a quarter as long of untimed calls (which wake a pool's workers, asleep since its
 * last slot). At 1e8 (~0.1 s a call) the slot holds a few calls.
 * @param {number} n
 */
export const slotMs = (n) => (n <= 1e6 ? 100 : n <= 1e7 ? 200 : 400);
