// The public face of the arena: typed arrays that live in shared memory, and giving them back.
import { invalidType, invalidValue, nestedTooDeep, notArena, operandRevoked } from "../errors.js";
import { isRevokedProxy } from "../revoked.js";
import { typedArrayKind, typedByteLength, typedByteOffset, typedLength } from "../typed-arrays.js";
import { ALIGNMENT } from "./allocator.js";
import { allocate, arenaBuffer, MOST_NESTED, release } from "./arena.js";
import { BlockTable } from "./block-table.js";
import { noteFreed } from "./freed-log.js";
import { inUse } from "./readers.js";

type ElementArray = Float64Array | Float32Array;
interface ElementArrayConstructor {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): ElementArray;
  readonly BYTES_PER_ELEMENT: number;
}

/** Largest element count a request may name: 4 GiB of f32, more than the arena could hold. */
const MAX_LENGTH = 2 ** 30;

/**
 * The arrays handed out and not yet freed, by the block they start. free() takes only these very
 * objects: a subarray or another view of a block would free the whole block under its owner, and
 * a stale array freed again would free the block's next owner. Held strongly: an array dropped
 * without free() keeps its block anyway, and a WeakSet cost more, in its adds and in garbage
 * collection (making 50 000 to 100 000 arrays of 16 f64 on the 2-core VM: 1.4–3.8 µs each with
 * one, 0.7–1.1 with this table; two runs of each). block-table.ts says why not a Map.
 */
const handedOut = new BlockTable<ElementArray>(ALIGNMENT);

/** Makes an arena array the library created (pool.arange's) one that free() takes. */
export function handOut<T extends ElementArray>(array: T): T {
  handedOut.set(typedByteOffset(array), array);
  return array;
}

/**
 * A Float64Array in the arena: zero-filled with length n, or a copy of `values` (an array, a
 * typed array or any iterable of numbers). Kernels read it in place; give it back with `free`.
 *
 * @example
 * const x = f64([1, 2, 3]);
 * dot(x, x); // returns 14
 */
export function f64(nOrValues: number | Iterable<number>): Float64Array {
  return arenaArray(Float64Array, "f64", nOrValues);
}

/**
 * A Float32Array in the arena: zero-filled with length n, or a copy of `values`, as f64().
 *
 * @example
 * const x = f32(4).fill(0.5);
 * dot(x, x); // returns 1
 */
export function f32(nOrValues: number | Iterable<number>): Float32Array {
  return arenaArray(Float32Array, "f32", nOrValues);
}

/**
 * Gives an array made by f64(), f32() or pool.arange() back to the arena, whose space is then
 * reused. The array must not be used afterwards: its bytes will belong to the next allocation.
 * Only the array itself is taken, once: not a subarray of it, nor another view of its bytes.
 * An array that a pending pool call reads or writes is refused (a RangeError): free it once that
 * call settles.
 *
 * @example
 * free(f64(1000)); // returns undefined
 */
export function free(array: Float64Array | Float32Array): void {
  const kind = typedArrayKind(array);
  if (kind !== "Float64Array" && kind !== "Float32Array") {
    throw invalidType("free(array): array", "a Float64Array or Float32Array made by f64(), f32() or pool.arange()", array);
  }
  const ptr = typedByteOffset(array);
  if (handedOut.get(ptr) !== array) throw notArena("free(array): array", array);
  const end = ptr + typedByteLength(array);
  if (inUse(ptr, end)) {
    throw invalidValue("free(array): array", "used by no pending call (free it once the call returns or settles)", array);
  }
  if (!release(ptr)) throw notArena("free(array): array", array);
  handedOut.delete(ptr);
  noteFreed(ptr, end);
}

/** Throws a RangeError naming `where` unless `n` is a length an arena array may have. */
export function checkLength(where: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_LENGTH) throw invalidValue(where, `an integer from 0 to ${MAX_LENGTH}`, n);
}

/** Whether `value` is an array that f64(), f32() or pool.arange() made and free() has not taken. */
export function isHandedOut(value: unknown): boolean {
  return typedArrayKind(value) !== undefined && handedOut.get(typedByteOffset(value as ArrayBufferView)) === value;
}

function arenaArray<T extends ElementArray>(
  Type: ElementArrayConstructor,
  name: string,
  nOrValues: number | Iterable<number>,
): T {
  if (typeof nOrValues === "number") {
    checkLength(`${name}(n): n`, nOrValues);
    return handOut(view(Type, allocate(nOrValues * Type.BYTES_PER_ELEMENT, true, `${name}(n)`), nOrValues)) as T;
  }
  if (isRevokedProxy(nOrValues)) throw notValues(name, nOrValues);
  try {
    return copyOf(Type, name, nOrValues) as T;
  } catch (error) {
    // A Proxy's own trap may revoke it between two reads: the next read throws the engine's error.
    throw isRevokedProxy(nOrValues) ? operandRevoked(`${name}(values)`, "values", error) : error;
  }
}

/** A new arena array holding a copy of `nOrValues`, which is not a revoked Proxy. */
function copyOf(Type: ElementArrayConstructor, name: string, nOrValues: Iterable<number>): ElementArray {
  // Counted from before the values are gathered: a generator's own code may call f64() again.
  if (copying >= MOST_NESTED) throw nestedTooDeep(`${name}(values)`, MOST_NESTED);
  copying++;
  try {
    const values = toArrayLike(nOrValues, name);
    // Read once: a Proxy may answer differently each time, and any length but this one would
    // reach past the block. A sparse array may be longer than MAX_LENGTH, a Proxy anything at all.
    const length: unknown = typedArrayKind(values) === undefined ? values.length : typedLength(values as unknown as ArrayBufferView);
    if (!Number.isInteger(length) || (length as number) < 0 || (length as number) > MAX_LENGTH) {
      throw invalidValue(`${name}(values): values.length`, `an integer from 0 to ${MAX_LENGTH}`, length);
    }
    const ptr = allocate((length as number) * Type.BYTES_PER_ELEMENT, false, `${name}(values)`);
    const array = view(Type, ptr, length as number);
    try {
      copyNumbers(array, values, name);
    } catch (error) {
      release(ptr);
      throw error;
    }
    return handOut(array);
  } finally {
    copying--;
  }
}

/**
 * Copies under way, nested in element getters: each holds its block while the getters run, and a
 * getter that called f64() on an array with such a getter, without end, took a block a level
 * until the stack overflowed, whose unwinding then failed to give the innermost blocks back.
 */
let copying = 0;

function toArrayLike(values: unknown, name: string): ArrayLike<unknown> {
  if (typedArrayKind(values) !== undefined) return values as ArrayLike<unknown>;
  if (Array.isArray(values)) return values;
  // Read once, and called as read: a getter or a Proxy's trap may answer otherwise the next time.
  const iterate: unknown = values !== null && typeof values === "object" ? (values as Iterable<unknown>)[Symbol.iterator] : undefined;
  // Not `Symbol.iterator in values`: with the key set to undefined, Array.from took the object
  // for an array-like, and { length: 2 ** 28 } filled the heap until the process died.
  if (typeof iterate !== "function") throw notValues(name, values);
  // A Proxy around a typed array iterates with the typed array's own iterator, which refuses
  // anything but a typed array: an engine TypeError, where the rule is ours to say.
  if (iterate === typedArrayValues) throw invalidType(`${name}(values): values`, "a typed array itself, not a Proxy around one", values);
  return takeIterated(() => iterate.call(values) as Iterator<unknown>, name, values);
}

/**
 * The most numbers gathered from iterables that are neither arrays nor typed arrays (a Set, a
 * generator), counted over nested calls too (a generator that calls f64() of another): they are
 * held in the JavaScript heap until copied, and one that never ends would grow the heap until
 * the process died. 2²⁵ numbers took about 1 s and up to 512 MiB of heap while their array grew.
 */
const MOST_ITERATED = 2 ** 25;
let gathered = 0;

/**
 * The values that `start()`'s iterator gives, each checked to be a number as it comes, refused
 * past MOST_ITERATED; `for…of` closes the iterator when it throws.
 */
function takeIterated(start: () => Iterator<unknown>, name: string, iterable: unknown): unknown[] {
  const values: unknown[] = [];
  try {
    for (const value of { [Symbol.iterator]: start }) {
      if (typeof value !== "number") throw notNumber(name, values.length, value);
      if (gathered === MOST_ITERATED) {
        throw invalidValue(`${name}(values): values`, `an iterable of at most ${MOST_ITERATED} numbers, with those of nested calls (for more, pass an array or a typed array, or fill ${name}(n))`, iterable);
      }
      values.push(value);
      gathered++;
    }
    return values;
  } finally {
    gathered -= values.length;
  }
}

function notNumber(name: string, index: number, value: unknown): TypeError {
  return invalidType(`${name}(values): values[${index}]`, "a number", value);
}

function notValues(name: string, values: unknown): TypeError {
  return invalidType(`${name}(values): values`, "a length (a number), an array of numbers, a typed array or an iterable of numbers", values);
}

/** The iterator every typed array has, %TypedArray%.prototype.values. */
const typedArrayValues: unknown = Reflect.get(Object.getPrototypeOf(Int8Array.prototype) as object, Symbol.iterator);

function copyNumbers(target: ElementArray, values: ArrayLike<unknown>, name: string): void {
  const kind = typedArrayKind(values);
  if (kind !== undefined && !kind.startsWith("Big")) {
    try {
      target.set(values as ArrayLike<number>);
    } catch {
      // Only a source whose buffer was detached, or shrank out of its view, refuses to be read;
      // its length reads 0, so the target is empty.
      throw invalidType(`${name}(values): values`, "a typed array whose buffer is neither detached nor shrunk out of its view", values);
    }
    return;
  }
  for (let i = 0; i < target.length; i++) {
    const value = values[i];
    if (typeof value !== "number") throw notNumber(name, i, value);
    target[i] = value;
  }
}

function view(Type: ElementArrayConstructor, ptr: number, length: number): ElementArray {
  return new Type(arenaBuffer(), ptr, length);
}
