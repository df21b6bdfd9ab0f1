// Reference dot products for the tests, independent of the code under test.

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for splitting a double

/** a + b = s + e exactly (Knuth's TwoSum). */
function twoSum(a, b) {
  const s = a + b;
  const z = s - a;
  return [s, a - (s - z) + (b - z)];
}

/** a · b = p + e exactly (Dekker's TwoProduct), valid while |a·b| stays far from overflow. */
function twoProduct(a, b) {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, al * bl - (p - ah * bh - al * bh - ah * bl)];
}

function split(a) {
  const c = SPLITTER * a;
  const h = c - (c - a);
  return [h, a - h];
}

/**
 * Σ a[i]·b[i] as accurate as if computed in twice the working precision: Dot2 of Ogita, Rump
 * and Oishi, "Accurate sum and dot product", SIAM J. Sci. Comput. 26(6), 2005, Algorithm 5.3.
 */
export function dot2(a, b) {
  let [p, s] = twoProduct(a[0] ?? 0, b[0] ?? 0);
  for (let i = 1; i < a.length; i++) {
    const [h, r] = twoProduct(a[i], b[i]);
    const [q, t] = twoSum(p, h);
    p = q;
    s += t + r;
  }
  return p + s;
}

/** Σ |a[i]·b[i]|, the scale of the rounding-error bound. */
export function absDot(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]);
  return s;
}

/** γ(n) = n·u / (1 − n·u): the classic bound factor for a sum of n products (Higham, §3.1). */
export function gamma(n, unitRoundoff) {
  return (n * unitRoundoff) / (1 - n * unitRoundoff);
}

export const U64 = 2 ** -53;
export const U32 = 2 ** -24;

/** Plain left-to-right sum of products: exact whenever every partial sum is an exact integer. */
export function naiveDot(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Small integers in [-5, 5] and [-6, 6]: every product and partial sum is exact in f32 and f64. */
export function integerData(n, seed = 0) {
  const a = new Array(n);
  const b = new Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = ((i + seed) * 7) % 11 - 5;
    b[i] = ((i + 2 * seed) * 3) % 13 - 6;
  }
  return [a, b];
}
