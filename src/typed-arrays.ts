// Typed arrays read through the intrinsic accessors of %TypedArray%.prototype, never through
// their own properties: an own `length` or `byteOffset` on a real Float64Array would otherwise
// point a kernel at a neighbouring arena array, and instanceof says yes to a Proxy around one
// (whose getters then throw) and no to a Float64Array from another realm (a vm context, an iframe).
// Nothing here runs user code: not subarray, which asks the array's constructor for its species.

const prototype = Object.getPrototypeOf(Int8Array.prototype) as object;
const getter = (key: PropertyKey) => Object.getOwnPropertyDescriptor(prototype, key)!.get!;
const kindGetter = getter(Symbol.toStringTag);
const lengthGetter = getter("length");
const byteOffsetGetter = getter("byteOffset");
const byteLengthGetter = getter("byteLength");
const bufferGetter = getter("buffer");
const setMethod = (prototype as { set: (source: ArrayLike<number>) => void }).set;

/** "Float64Array" and the like for a typed array of any realm; undefined for anything else (never throws). */
export function typedArrayKind(value: unknown): string | undefined {
  return kindGetter.call(value) as string | undefined;
}

/** Elements in a typed array: 0 once its buffer is detached or shrunk past its start. */
export function typedLength(array: ArrayBufferView): number {
  return lengthGetter.call(array) as number;
}

export function typedByteOffset(array: ArrayBufferView): number {
  return byteOffsetGetter.call(array) as number;
}

export function typedByteLength(array: ArrayBufferView): number {
  return byteLengthGetter.call(array) as number;
}

export function typedBuffer(array: ArrayBufferView): ArrayBufferLike {
  return bufferGetter.call(array) as ArrayBufferLike;
}

/** Copies `source` into the start of `target`, as target.set(source) does without an own `set`. */
export function typedSet(target: Float64Array | Float32Array, source: ArrayLike<number>): void {
  setMethod.call(target, source);
}
