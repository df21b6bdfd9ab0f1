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

/**
 * Operand pairs [a, b] where a Proxy trap revokes an operand after the call has checked it: the
 * call must name the revoked operand, not throw the engine's error. Each entry: a label, the
 * operand revoked ("a" or "b"), and a function that makes a fresh pair.
 */
export const REVOKED_MID_CALL = [
  ["b, by a's length trap", "b", () => revokedBy("length")],
  ["b, by a's element trap", "b", () => revokedBy("1")],
  ["a, by its own element trap", "a", () => {
    const a = Proxy.revocable([1, 2, 3], { get: (target, key) => (key === "1" && a.revoke(), target[key]) });
    return [a.proxy, [1, 2, 3]];
  }],
];

function revokedBy(key) {
  const b = Proxy.revocable([1, 2, 3], {});
  const a = new Proxy([1, 2, 3], { get: (target, k) => (k === key && b.revoke(), target[k]) });
  return [a, b.proxy];
}
