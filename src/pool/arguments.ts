// The argument side of pool calls: shapes checked and turned into dot groups, and the small
// sums that turn partials into results. Kept apart from pool.ts, which is about running calls.
import { heldMark, hold, holdEach, releaseTo } from "../arena/readers.js";
import { ListReading } from "../arena/freed-log.js";
import { isHandedOut } from "../arena/arrays.js";
import { arrayLength, BYTES, checkOperands, checkSameType, lengthOf, precisionOf, type Operands, type Precision, type Vector } from "../dot/operands.js";
import { isArrayNotRevoked } from "../revoked.js";
import { typedArrayKind, typedLength } from "../typed-arrays.js";
import { invalidType, invalidValue, lengthMismatch, memoryShort, renamed } from "../errors.js";
import type { Group } from "./plan.js";
import type { Staging } from "./staging.js";

/** One product as a dot group: of operands that both live in the arena, or at x and y where they were staged. */
export function inPlaceGroup(p: Operands, x = p.x, y = p.y): Group {
  return { precision: p.precision, x, y, n: p.n, count: 1, strideX: 0, strideY: 0 };
}

/** dotBatch as errors name it. */
export const BATCH = "pool.dotBatch(pairs)";

/** The name of dotBatch's i-th pair in errors, such as "pool.dotBatch(pairs): pairs[3]". */
export const pairName = (where: string, i: number): string => `${where}: pairs[${i}]`;

/** dotBatch's i-th product as a dot group, its operands that live outside the arena staged into it. */
export function productGroup(where: string, i: number, p: Operands, staging: Staging): Group {
  if (p.x >= 0 && p.y >= 0) return inPlaceGroup(p);
  const pair = pairName(where, i);
  const x = p.x >= 0 ? p.x : staging.pointer(pair, "a", p.a, p.precision, p.n);
  // One array as both operands is staged once, as dotChunk copies it once (dot.ts).
  const y = p.y >= 0 ? p.y : p.b === p.a ? x : staging.pointer(pair, "b", p.b, p.precision, p.n);
  return inPlaceGroup(p, x, y);
}

/** The most slots checkPairs makes up front: a Proxy's list may claim any array length. */
const MOST_MADE_TO_SIZE = 2 ** 20;

/**
 * Checks dotBatch's argument: an array of [a, b] pairs, each a valid pair of operands. Reading the
 * list, a pair or an element may run a getter, which may free() an operand: one already read is
 * held (readers.ts), so that free() is refused; one freed before it is read fails the call
 * (freed-log.ts).
 */
export function checkPairs(where: string, pairs: unknown): Operands[] {
  if (!isArrayNotRevoked(pairs)) throw invalidType(`${where}: pairs`, "an array of [a, b] pairs", pairs);
  // Read once, as a vector's length: a getter of one pair may change it.
  const count = arrayLength(`${where}: pairs.length`, pairs.length);
  // Made to size: pushed one by one, the vectors took 65 ns a pair to gather, against 25.
  const checked: Operands[] = new Array<Operands>(Math.min(count, MOST_MADE_TO_SIZE));
  const vectors: unknown[] = new Array<unknown>(Math.min(2 * count, MOST_MADE_TO_SIZE));
  const mark = heldMark();
  const reading = new ListReading();
  try {
    // Every pair is read, and held, before any is checked: a check reads lengths, which a Proxy's
    // trap answers, and that may free() a vector of a later pair. A getter of the list or of a
    // pair that frees a vector not read yet cannot be refused: that vector is refused after.
    holdEach(vectors);
    for (let i = 0; i < count; i++) {
      const pair: unknown = pairs[i];
      if (!isArrayNotRevoked(pair) || pair.length !== 2) throw invalidType(pairName(where, i), "a pair [a, b] of vectors", pair);
      vectors[2 * i] = pair[0];
      vectors[2 * i + 1] = pair[1];
    }
    // Matched by bytes, so only a vector free() has taken: a new array in a freed block is fine
    // (a view of one is not: views carry no owner to tell them from a view of the freed array).
    const k = reading.firstFreed(vectors, isHandedOut);
    if (k >= 0) throw invalidValue(`${pairName(where, k >> 1)}[${k & 1}]`, "an array that no getter freed during the call", vectors[k]);
    for (let i = 0; i < count; i++) {
      const a = vectors[2 * i];
      const b = vectors[2 * i + 1];
      // Named as the call, not as the pair: building "…: pairs[i]" for every pair cost ~20 ns each,
      // 12% of a dotBatch of 64 pairs of 1e3. A failure is said of its pair then, not checked
      // again: a second check would run a Proxy's traps again, which may answer otherwise. (A
      // helper taking the check as a function cost as much again: inline, as in dotEach.)
      try {
        checked[i] = checkOperands(where, a, b);
      } catch (error) {
        throw renamed(error, where, pairName(where, i));
      }
    }
  } finally {
    releaseTo(mark);
    reading.end();
  }
  return checked;
}

export function sumOf(partials: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < partials.length; i++) sum += partials[i]!;
  return sum;
}

/** Bytes the products read from one operand each: what decides whether a call runs inline. */
export function operandBytes(products: readonly Operands[]): number {
  let total = 0;
  for (const p of products) total += p.n * BYTES[p.precision];
  return total;
}

/** Whether operands that must be copied in make up half the bytes the products read, or more. */
export function copiesMost(products: readonly Operands[]): boolean {
  let copied = 0;
  let inPlace = 0;
  for (const p of products) {
    const bytes = p.n * BYTES[p.precision];
    if (p.x < 0) copied += bytes;
    else inPlace += bytes;
    if (p.y < 0) copied += bytes;
    else inPlace += bytes;
  }
  return copied >= inPlace;
}

export function arangeType(where: string, type: unknown): Precision {
  if (type === undefined || type === "f64") return "f64";
  if (type === "f32") return "f32";
  // A string that names no type is a bad value; anything else (null, Float32Array) the wrong type.
  if (typeof type !== "string") throw invalidType(`${where}: type`, '"f64", "f32" or undefined', type);
  throw invalidValue(`${where}: type`, '"f64", "f32" or undefined', type);
}

export interface MatvecShape {
  readonly precision: Precision;
  readonly rows: number;
  /** x's length, read once (lengthOf). */
  readonly columns: number;
  readonly target: Float64Array | Float32Array;
}

/**
 * Checks matvec's arguments. A plain array's length may come from a Proxy's trap, which may
 * free() the matrix, x or out where they are in the arena: all three are held (readers.ts) meanwhile.
 */
export function matvecShape(where: string, matrix: unknown, x: unknown, out: unknown): MatvecShape {
  const precision = precisionOf(where, "matrix", matrix);
  checkSameType(where, "x", x, precision, "matrix");
  const mark = heldMark();
  let n: number, size: number;
  try {
    hold(matrix);
    hold(x);
    hold(out);
    n = lengthOf(where, "x", x as Vector);
    size = lengthOf(where, "matrix", matrix as Vector);
  } finally {
    releaseTo(mark);
  }
  if (n === 0) throw invalidValue(`${where}: x`, "non-empty: its length is the matrix's column count", x);
  if (size % n !== 0) throw invalidValue(`${where}: matrix`, `a whole number of rows of x.length = ${n} elements`, matrix);
  const rows = size / n;
  if (out === undefined) return { precision, rows, columns: n, target: resultOf(where, precision, rows) };
  const kind = precision === "f64" ? "Float64Array" : "Float32Array";
  if (typedArrayKind(out) !== kind) throw invalidType(`${where}: out`, `a ${kind} to match matrix, or undefined`, out);
  const length = typedLength(out as Float64Array);
  if (length !== rows) throw lengthMismatch(`${where}: out and the matrix's rows`, length, rows);
  return { precision, rows, columns: n, target: out as Float64Array | Float32Array };
}

/**
 * matvec's own result array. A plain array may say it has up to 2³² − 1 rows, all holes, and
 * the engine then refuses the result with its own uncoded RangeError before a row is read.
 */
function resultOf(where: string, precision: Precision, rows: number): Float64Array | Float32Array {
  try {
    return precision === "f64" ? new Float64Array(rows) : new Float32Array(rows);
  } catch (error) {
    throw memoryShort(`${where}: the engine cannot allocate a result of ${rows} rows (${rows * BYTES[precision]} bytes); pass out, or split the matrix`, error);
  }
}
