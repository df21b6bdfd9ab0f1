// The usual suspects, as stdlib's tests loop over them: none is a vector or a length.
export const NOT_VECTORS = [
  ["the string '5'", "5"],
  ["the number 5", 5],
  ["NaN", NaN],
  ["true", true],
  ["null", null],
  ["undefined", undefined],
  ["a plain object", {}],
  ["a function", () => {}],
  ["an Int32Array", new Int32Array(3)],
  ["a BigInt64Array", new BigInt64Array(3)],
  ["a DataView", new DataView(new ArrayBuffer(24))],
  // Passes instanceof Float64Array, but its length getter throws for any receiver but the target.
  ["a Proxy around a Float64Array", new Proxy(new Float64Array(3), {})],
  ["an object whose prototype is Float64Array's", Object.create(Float64Array.prototype)],
];
