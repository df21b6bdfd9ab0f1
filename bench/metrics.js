// @ts-check
// Derived figures for each row: throughput and the two ratios the table shows.
import { WIDTH } from "./data.js";

/** @typedef {import('./types.js').Measurement} Measurement */

/**
 * @typedef {Measurement & {
 *   gflops: number,
 *   gbps: number,
 *   vsNumpy: number | null,
 *   vsNumpyRow: string | null,
 *   vsJsLoop: number | null,
 *   vsNumpyAll: number | null,
 *   vsLimit: number | null,
 *   vsDot1: number | null,
 * }} Row
 */

/**
 * Adds GFLOP/s (2n flops a call: one multiply and one add per element), GB/s (both operands read
 * once: 2·n·width bytes) and speed ratios, where > 1 means this row is faster than the baseline.
 * @param {Measurement[]} measurements  all rows at one n
 * @returns {Row[]}
 */
export function derive(measurements) {
  const jsLoop = measurements.find((m) => m.impl === "js-loop" && m.precision === "f64");
  return measurements.map((m) => {
    const numpy = numpyBaseline(m, measurements);
    return {
      ...m,
      gflops: (2 * m.n) / m.medianNs,
      gbps: (2 * m.n * WIDTH[m.precision]) / m.medianNs,
      vsNumpy: numpy ? numpy.medianNs / m.medianNs : null,
      vsNumpyRow: numpy ? numpy.name : null,
      // There is one JS loop, in f64 (a JS loop reads Float32Array into doubles at the same
      // speed), so f32 rows are compared with it too.
      vsJsLoop: jsLoop ? jsLoop.medianNs / m.medianNs : null,
      ...poolRatios(m, measurements),
    };
  });
}

/**
 * The row the serial table's "vs numpy" compares with: numpy on one thread at the same precision,
 * or none ("–"). Never numpy on all threads, not even when only that ran (--numpy-threads all):
 * the column would change meaning silently, and numpy's own all-threads row would show 1.00×.
 * The pool rows have their own ratios against numpy on all threads (poolRatios).
 * @param {Measurement} row
 * @param {Measurement[]} rows
 */
function numpyBaseline(row, rows) {
  return rows.find((m) => m.impl === "numpy" && m.precision === row.precision && m.threads === 1);
}

/**
 * The pool's ratios (> 1: this row is faster): against numpy on all threads at the same precision,
 * against the C/OpenMP yardstick (f64 rows only: it is an f64 kernel), and the speed-up over
 * kernelpool's serial dot on arena arrays at the same precision.
 * @param {Measurement} m
 * @param {Measurement[]} rows
 */
function poolRatios(m, rows) {
  const numpyAll = rows.find((r) => r.impl === "numpy" && r.variant === "all" && r.precision === m.precision);
  const limit = m.precision === "f64" ? rows.find((r) => r.impl === "c-openmp") : undefined;
  const dot1 = rows.find((r) => r.impl === "kernelpool" && r.variant === "arena" && r.precision === m.precision);
  const ratio = (/** @type {Measurement | undefined} */ base) => (base && base !== m ? base.medianNs / m.medianNs : null);
  return { vsNumpyAll: ratio(numpyAll), vsLimit: ratio(limit), vsDot1: ratio(dot1) };
}
