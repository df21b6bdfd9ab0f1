import { kernels } from "../kernels/module.js";
import { BLOCK } from "./block.js";
import { heldMark, hold, releaseTo } from "../arena/readers.js";
import { BYTES, checkOperands, copyChunk, mayFreeInPlace, type Operands, type Precision, type Vector } from "./operands.js";
import { CHUNK, giveBackScratch, takeScratch } from "./scratch.js";

/**
 * The dot product Σ a[i]·b[i] of two vectors of equal length, on the calling thread.
 *
 * Both must be Float64Array (or plain arrays of numbers, taken as f64) or both Float32Array.
 * Arrays made by f64()/f32(), and views of them, are read in place; any other array is copied
 * first. f32 data is multiplied and summed in f32 within each block of 4096 elements, and blocks
 * are summed in f64.
 *
 * @example
 * dot(f64([1, 2, 3]), f64([4, 5, 6])); // returns 32
 */
export function dot(a: Vector, b: Vector): number {
  return dotChecked(checkOperands("dot(a, b)", a, b));
}

/**
 * dot() of operands already checked, so the pool's inline calls do not check them twice.
 * `where` names the call in the errors of a copy (a plain array holding a string, say).
 */
export function dotChecked(operands: Operands, where = "dot(a, b)"): number {
  if (!mayFreeInPlace(operands.a, operands.b, operands.x, operands.y)) return dotHeld(operands, where);
  // The copy runs a plain array's element getters, which may free() the operand read in place.
  const mark = heldMark();
  try {
    hold(operands.a);
    hold(operands.b);
    return dotHeld(operands, where);
  } finally {
    releaseTo(mark);
  }
}

/** dotChecked() where nothing needs holding, or the caller holds the operands (readers.ts). */
export function dotHeld(operands: Operands, where: string): number {
  if (operands.x >= 0 && operands.y >= 0) return blockedKernel(operands.precision)(operands.x, operands.y, operands.n, BLOCK, 0);
  let sum = 0;
  for (let start = 0; start < operands.n; start += CHUNK) sum = dotChunk(operands, start, sum, where);
  return sum;
}

/**
 * The chunk of a product at [start, start + CHUNK), added to the running `sum`. Operands not in
 * the arena are copied into the scratch block first, where the chunk stays in cache for the
 * kernel. Chunks are whole blocks, so the bits equal the in-place result.
 */
export function dotChunk(operands: Operands, start: number, sum: number, where: string): number {
  const { precision, n, a, b } = operands;
  const blocked = blockedKernel(precision);
  const width = BYTES[precision];
  const count = Math.min(CHUNK, n - start);
  const scratch = takeScratch(where);
  try {
    let x = operands.x + start * width;
    let y = operands.y + start * width;
    if (operands.x < 0) copyChunk(where, "a", a, precision, start, count, (x = scratch));
    // One array as both operands (a norm of a plain array) is copied once, which halves the copy
    // that costs several times the product, and runs its getters once an element.
    if (operands.y < 0 && b === a) y = x;
    else if (operands.y < 0) copyChunk(where, "b", b, precision, start, count, (y = scratch + CHUNK * 8));
    return blocked(x, y, count, BLOCK, sum);
  } finally {
    giveBackScratch(scratch);
  }
}

/** The kernel that sums a run of blocks of `precision` elements, adding each block's sum in f64. */
export function blockedKernel(precision: Precision): (x: number, y: number, n: number, block: number, sum: number) => number {
  const { dotBlockedF64, dotBlockedF32 } = kernels().kernels;
  return precision === "f64" ? dotBlockedF64 : dotBlockedF32;
}
