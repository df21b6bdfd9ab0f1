// @ts-check
// The operands every row reads, their exact dot product, and the correctness check.
//
// x[i] = (i % 7)·0.5 − 1.5 and y[i] = (i % 5)·0.25 − 0.5 (numpy_dot.py uses the same formula).
// Why this data:
//  - every x[i], y[i] and product is a multiple of 1/8 far below 2^24, so it is exact in f32 and f64;
//  - 7 and 5 are coprime, so any 35 consecutive i meet every (x, y) pair once, and
//    Σx·Σy = 0·0 = 0: whole periods cancel. Partial sums stay small and exact in any order or
//    lane split, so every correct implementation, f32 included, returns the exact value;
//  - the result is then the sum over the last n mod 35 elements alone, so a dropped tail or a
//    misplaced offset changes it visibly instead of hiding in a large total.

import { f32, f64, free } from "kernelpool";

/** @typedef {import('./types.js').Precision} Precision */

/**
 * Largest relative error a row may show before the run fails. With the data above every correct
 * implementation is exact, so these only leave room for a kernel that sums differently.
 */
export const TOLERANCE = /** @type {const} */ ({ f64: 1e-12, f32: 1e-6 });

/** Bytes per element, for GB/s. */
export const WIDTH = /** @type {const} */ ({ f64: 8, f32: 4 });

/** @param {number} i */
export const xAt = (i) => (i % 7) * 0.5 - 1.5;
/** @param {number} i */
export const yAt = (i) => (i % 5) * 0.25 - 0.5;

/**
 * Plain (non-arena) operands, shared by every row at one n so they are filled once.
 * @typedef {{ x64: Float64Array, y64: Float64Array, x32: Float32Array, y32: Float32Array }} Operands
 */

/**
 * Fills `x` and `y` with the formula above, in place (also used for arena arrays).
 * @param {Float64Array | Float32Array} x
 * @param {Float64Array | Float32Array} y
 */
export function fill(x, y) {
  for (let i = 0; i < x.length; i++) x[i] = xAt(i);
  for (let i = 0; i < y.length; i++) y[i] = yAt(i);
}

/** @param {number} n @returns {Operands} */
export function makeOperands(n) {
  const x64 = new Float64Array(n);
  const y64 = new Float64Array(n);
  fill(x64, y64);
  // Exact copies: every value is representable in f32.
  return { x64, y64, x32: Float32Array.from(x64), y32: Float32Array.from(y64) };
}

/**
 * The same operands allocated in the arena (kernelpool's f64/f32), read in place by dot and the pool.
 * @typedef {{ x64: Float64Array, y64: Float64Array, x32: Float32Array, y32: Float32Array }} ArenaOperands
 */

/** @param {number} n @returns {ArenaOperands} */
export function makeArenaOperands(n) {
  const x64 = f64(n);
  const y64 = f64(n);
  fill(x64, y64);
  const x32 = f32(n);
  const y32 = f32(n);
  x32.set(x64);
  y32.set(y64);
  return { x64, y64, x32, y32 };
}

/** @param {ArenaOperands} arena */
export function freeArenaOperands(arena) {
  for (const array of Object.values(arena)) free(array);
}

/**
 * The exact dot product at length n, computed independently of every row: whole periods of 35
 * sum to zero, so only the last n mod 35 terms count (and they sum exactly in f64).
 * @param {number} n
 */
export function reference(n) {
  let sum = 0;
  for (let i = n - (n % 35); i < n; i++) sum += xAt(i) * yAt(i);
  return sum;
}

/**
 * Σ|x[i]·y[i]|, the scale a relative error is measured against when the exact value is zero.
 * @param {number} n
 */
function magnitude(n) {
  let period = 0;
  for (let i = 0; i < 35; i++) period += Math.abs(xAt(i) * yAt(i));
  let tail = 0;
  for (let i = n - (n % 35); i < n; i++) tail += Math.abs(xAt(i) * yAt(i));
  return Math.floor(n / 35) * period + tail;
}

/**
 * Throws unless `got` is the dot product at length n within the tolerance for `precision`.
 * Called once per row, outside timing.
 * @param {string} name  the row, for the message
 * @param {Precision} precision
 * @param {number} n
 * @param {number} got
 */
export function check(name, precision, n, got) {
  const want = reference(n);
  const scale = Math.abs(want) || magnitude(n) || 1;
  const relative = Math.abs(got - want) / scale;
  if (!(relative <= TOLERANCE[precision])) {
    throw new Error(
      `wrong result. ${name} returned ${got}, expected ${want} ` +
        `(relative error ${relative.toExponential(2)} > ${TOLERANCE[precision].toExponential()} allowed for ${precision}).`,
    );
  }
}
