// Seeded pseudo-random data, the same in Node and in a browser, so that results computed in one
// can be compared bit for bit with the other.

/** mulberry32: a small 32-bit generator, plenty for test data. Returns floats in [0, 1). */
export function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `array` with values in [-1, 1) from the given seed; returns it. */
export function fillRandom(array, seed) {
  const next = generator(seed);
  for (let i = 0; i < array.length; i++) array[i] = 2 * next() - 1;
  return array;
}

/** The IEEE 754 bits of a double, as 16 hex digits: equal strings mean bitwise-equal values. */
export function bits(value) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}
