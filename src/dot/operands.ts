// Checks the operands of a dot product. Arena arrays become kernel pointers; anything else is
// copied into the arena by copyChunk, a chunk at a time, just before the kernel reads it.
import { invalidType, invalidValue, lengthMismatch, operandChanged, operandRevoked } from "../errors.js";
import { arenaBuffer, inArena } from "../arena/arena.js";
import { heldMark, hold, overlaps, releaseTo, type Reader } from "../arena/readers.js";
import { isArrayNotRevoked, isArrayOperand, isRevokedProxy } from "../revoked.js";
import { typedArrayKind, typedBuffer, typedByteLength, typedByteOffset, typedLength } from "../typed-arrays.js";

/** What dot and the pool accept as a vector. A plain Array of numbers counts as f64. */
export type Vector = Float64Array | Float32Array | readonly number[];

export type Precision = "f64" | "f32";

export interface Operands {
  readonly precision: Precision;
  readonly n: number;
  readonly a: Vector;
  readonly b: Vector;
  /** Kernel pointer to a's elements, or -1 when a must be copied. */
  readonly x: number;
  /** Kernel pointer to b's elements, or -1 when b must be copied. */
  readonly y: number;
}

export const BYTES: Record<Precision, number> = { f64: 8, f32: 4 };

const VECTOR_RULE = "a Float64Array, a Float32Array or an array of numbers";

/** Validates a and b: the same element type and the same length. `where` names the call. */
export function checkOperands(where: string, a: unknown, b: unknown): Operands {
  const typed = typedPair(where, a, b);
  if (typed !== undefined) return typed;
  const precision = precisionOf(where, "a", a);
  checkSameType(where, "b", b, precision, "a");
  const va = a as Vector;
  const vb = b as Vector;
  const x = pointerOf(where, "a", va);
  const y = pointerOf(where, "b", vb);
  if (!mayFreeInPlace(va, vb, x, y)) return withLengths(where, precision, va, vb, x, y);
  // A plain array's length may come from a Proxy's trap, which may free() the other operand.
  const mark = heldMark();
  try {
    hold(va);
    hold(vb);
    return withLengths(where, precision, va, vb, x, y);
  } finally {
    releaseTo(mark);
  }
}

/**
 * checkOperands of two Float64Arrays or two Float32Arrays, the usual operands, or undefined for
 * any other pair. The same checks as the general path, less those only plain arrays need (a
 * revoked Proxy, a length from a trap, holding): typed arrays are read through intrinsics, which
 * run no user code. On the 2-core VM, builds with and without it alternating in one process:
 * dot() of 8 f64 took 0.73–0.80 times as long, and dotBatch's checks of 20 000 arena pairs
 * 0.85–0.88 times.
 */
function typedPair(where: string, a: unknown, b: unknown): Operands | undefined {
  const kind = typedArrayKind(a);
  if ((kind !== "Float64Array" && kind !== "Float32Array") || typedArrayKind(b) !== kind) return undefined;
  const va = a as Float64Array | Float32Array;
  const vb = b as Float64Array | Float32Array;
  const n = typedLength(va);
  const nb = typedLength(vb);
  if (n !== nb) throw lengthMismatch(`${where}: a and b`, n, nb);
  return { precision: kind === "Float64Array" ? "f64" : "f32", n, a: va, b: vb, x: typedPointer(va), y: typedPointer(vb) };
}

/**
 * Whether reading a and b (a length, a copy's elements) may run user code that could free() one
 * of them read in place: one is in the arena (at x or y) and the other a plain array, whose
 * getters and Proxy traps are user code. Typed arrays are read through intrinsics alone.
 */
export function mayFreeInPlace(a: Vector, b: Vector, x: number, y: number): boolean {
  return (x >= 0 && y < 0 && isArrayNotRevoked(b)) || (y >= 0 && x < 0 && isArrayNotRevoked(a));
}

/** The operands, with their lengths read once and checked equal. */
function withLengths(where: string, precision: Precision, a: Vector, b: Vector, x: number, y: number): Operands {
  const n = lengthOf(where, "a", a);
  const nb = lengthOf(where, "b", b);
  if (n !== nb) throw lengthMismatch(`${where}: a and b`, n, nb);
  return { precision, n, a, b, x, y };
}

/**
 * A vector's length, read once: callers keep it, since a Proxy may answer differently each time
 * it is asked. A typed array's comes from its intrinsic getter; an array's must be an array
 * length, which only a Proxy's can fail to be (reading elements up to such a length would give
 * a wrong product or an engine error).
 */
export function lengthOf(where: string, name: string, vector: Vector): number {
  if (!isArrayOperand(where, name, vector)) return typedLength(vector);
  return arrayLength(`${where}: ${name}.length`, vector.length);
}

/** The most elements an array may have. */
const MAX_ARRAY_LENGTH = 2 ** 32 - 1;

/**
 * `length`, read from an array, if it is an array length: only a Proxy's can be anything else
 * (one of 1e300 had a call read elements without end).
 */
export function arrayLength(where: string, length: unknown): number {
  if (!Number.isInteger(length) || (length as number) < 0 || (length as number) > MAX_ARRAY_LENGTH) {
    throw invalidValue(where, `an array length, an integer from 0 to ${MAX_ARRAY_LENGTH}`, length);
  }
  return length as number;
}

/**
 * Copies elements [start, start + count) of vector to ptr in the arena. Plain arrays are checked
 * element by element, so a stray string or undefined is an error, never a NaN in the result.
 */
export function copyChunk(where: string, name: string, vector: Vector, precision: Precision, start: number, count: number, ptr: number): void {
  const target = arenaElements(precision);
  const at = ptr / BYTES[precision];
  if (!isArrayOperand(where, name, vector)) {
    // A typed array on a resizable buffer may have shrunk, or its buffer been detached, since the
    // call began (by a getter of the other operand, or between the turns of an awaited call); a
    // view of the old extent would then reach past the buffer's end, or throw on a detached one.
    const length = typedLength(vector);
    if (length < start + count) throw operandChanged(`${where}: ${name}`, start + count, length);
    target.set(elements(precision, typedBuffer(vector), typedByteOffset(vector) + start * BYTES[precision], count), at);
    return;
  }
  try {
    for (let i = 0; i < count; i++) {
      const value: unknown = vector[start + i];
      if (typeof value !== "number") throw invalidType(`${where}: ${name}[${start + i}]`, "a number", value);
      target[at + i] = value;
    }
  } catch (error) {
    // Its own get trap may revoke a Proxy between two reads: the next read throws the engine's error.
    throw isRevokedProxy(vector) ? operandRevoked(where, name, error) : error;
  }
}

/**
 * The whole arena as elements of `precision`, made again only when the memory has grown: a view
 * made for each copy was most of the cost of copying thousands of short operands.
 */
function arenaElements(precision: Precision): Float64Array | Float32Array {
  const buffer = arenaBuffer();
  if (wholeArena?.buffer !== buffer) wholeArena = { buffer, f64: new Float64Array(buffer), f32: new Float32Array(buffer) };
  return wholeArena[precision];
}

let wholeArena: { readonly buffer: SharedArrayBuffer; readonly f64: Float64Array; readonly f32: Float32Array } | undefined;

/** A view of `count` elements of `precision` at `byteOffset` in `buffer`. */
export function elements(precision: Precision, buffer: ArrayBufferLike, byteOffset: number, count: number): Float64Array | Float32Array {
  return precision === "f64" ? new Float64Array(buffer, byteOffset, count) : new Float32Array(buffer, byteOffset, count);
}

/** Throws a TypeError naming `name` unless `value` has the element type of `other`. */
export function checkSameType(where: string, name: string, value: unknown, precision: Precision, other: string): void {
  if (precisionOf(where, name, value) !== precision) {
    throw invalidType(`${where}: ${name}`, `a ${precision === "f32" ? "Float32Array" : "Float64Array or an array of numbers"} to match ${other}`, value);
  }
}

/**
 * The element type of a vector argument; a TypeError naming it for anything else. A typed array
 * of another realm counts; a Proxy around one does not (typed-arrays.ts).
 */
export function precisionOf(where: string, name: string, value: unknown): Precision {
  if (isArrayNotRevoked(value)) return "f64";
  const kind = typedArrayKind(value);
  if (kind === "Float64Array") return "f64";
  if (kind === "Float32Array") return "f32";
  throw invalidType(`${where}: ${name}`, VECTOR_RULE, value);
}

/** What a call on `operands` reads in place: the arena bytes of those not copied in. */
export function readInPlace({ x, y, n, precision }: Operands): Reader {
  const bytes = n * BYTES[precision];
  return (start, end) => (x >= 0 && overlaps(x, bytes, start, end)) || (y >= 0 && overlaps(y, bytes, start, end));
}

/** The kernel pointer of an arena array, or -1 for a vector that must be copied in. */
export function pointerOf(where: string, name: string, vector: Vector): number {
  return isArrayOperand(where, name, vector) ? -1 : typedPointer(vector);
}

/** pointerOf of a typed array: its byteOffset where its bytes are the arena's, else -1. */
function typedPointer(array: Float64Array | Float32Array): number {
  return inArena(array) ? typedByteOffset(array) : -1;
}

/** The arena bytes of an arena array, or undefined for an array elsewhere. */
export function arenaRange(array: Float64Array | Float32Array): readonly [number, number] | undefined {
  if (!inArena(array)) return undefined;
  const ptr = typedByteOffset(array);
  return [ptr, ptr + typedByteLength(array)];
}
