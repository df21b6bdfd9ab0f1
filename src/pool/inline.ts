// Pool calls short enough to run on the calling thread at once, without a job: a batch of short
// products, a small matvec. They give the bits a job would (plan.ts sums a row as dot() does).
import { BLOCK } from "../dot/block.js";
import { blockedKernel, dotHeld } from "../dot/dot.js";
import { heldMark, hold, releaseTo } from "../arena/readers.js";
import { BYTES, type Operands, type Vector } from "../dot/operands.js";
import { operandChanged, renamed } from "../errors.js";
import { typedLength, typedSet } from "../typed-arrays.js";
import { BATCH, pairName, type MatvecShape } from "./arguments.js";
import { Staging } from "./staging.js";

/**
 * Each product on the calling thread. A plain loop: Float64Array.from with a map function took
 * 4 µs more than the products themselves for 64 pairs of 1e3 (0.66× a loop of dot).
 */
export function dotEach(products: readonly Operands[]): Float64Array {
  const results = new Float64Array(products.length);
  // A copy of one pair runs element getters, which may free() any pair's operand read in place.
  const mark = heldMark();
  try {
    if (copiesAny(products)) for (const p of products) hold(p.a), hold(p.b);
    for (let i = 0; i < products.length; i++) {
      // Named as the pair only for an error (a bad element in a copy), as checkPairs does, and
      // not by copying the pair again: that would run its element getters twice.
      try {
        results[i] = dotHeld(products[i]!, BATCH);
      } catch (error) {
        throw renamed(error, BATCH, pairName(BATCH, i));
      }
    }
    return results;
  } finally {
    releaseTo(mark);
  }
}

/** Whether some product copies an operand in, running what user code its elements have. */
function copiesAny(products: readonly Operands[]): boolean {
  for (const p of products) if (p.x < 0 || p.y < 0) return true;
  return false;
}

/**
 * matvec on the calling thread, each row summed as dot() sums it. The sums go to a scratch array
 * first and into `out` only at the end, since `out` may overlap the matrix or x (the job path
 * also writes only once every task is done), and a bad element leaves `out` untouched. Operands
 * outside the arena are staged as the job path stages them, so errors name matrix[i] or x[i].
 */
export function matvecHere(where: string, matrix: Vector, x: Vector, { precision, rows, columns, target }: MatvecShape): Float64Array | Float32Array {
  const staging = new Staging();
  try {
    const m = staging.pointer(where, "matrix", matrix, precision, rows * columns);
    const v = staging.pointer(where, "x", x, precision, columns);
    const rowBytes = columns * BYTES[precision];
    // The copy runs element getters, which may free() an arena operand or `out`.
    const mark = heldMark();
    try {
      hold(matrix);
      hold(x);
      hold(target);
      staging.copyNow();
    } finally {
      releaseTo(mark);
    }
    const blocked = blockedKernel(precision);
    const sums = new Float64Array(rows);
    for (let r = 0; r < rows; r++) sums[r] = blocked(m + r * rowBytes, v, columns, BLOCK, 0);
    checkOut(where, target, rows);
    typedSet(target, sums);
    return target;
  } finally {
    staging.release();
  }
}

/**
 * Throws unless `out` still has its `rows` elements: a getter of a copied operand, or the turns of
 * an awaited call, may have shrunk or detached it, and rows written past its end are dropped.
 */
export function checkOut(where: string, out: Float64Array | Float32Array, rows: number): void {
  const length = typedLength(out);
  if (length < rows) throw operandChanged(`${where}: out`, rows, length);
}
