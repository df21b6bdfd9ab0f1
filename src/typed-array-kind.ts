// What kind of typed array a value is, told by its internal slots rather than by instanceof: a
// Float64Array from another realm (a vm context, an iframe) is one, and a Proxy around one, or
// an object whose prototype chain says Float64Array, is not.

/** The intrinsic %TypedArray%.prototype[@@toStringTag] getter, which never throws. */
const kindGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype) as object, Symbol.toStringTag)!.get!;

/** "Float64Array" and the like for a typed array of any realm; undefined for anything else. */
export function typedArrayKind(value: unknown): string | undefined {
  return kindGetter.call(value) as string | undefined;
}
