// Products computed both in Node and in Chromium from the same seeded data: the driver runs
// them in Node and hands the bits to the page, which must produce the same bits.
import { bits, fillRandom } from "../support/seeded.js";

const VECTORS = [
  { name: "dot f64 n=1000", precision: "f64", n: 1000, seed: 1 },
  { name: "dot f64 n=100003", precision: "f64", n: 100003, seed: 2 },
  { name: "dot f32 n=50001", precision: "f32", n: 50001, seed: 3 },
];
const POOL_N = 1_000_003;
const ROWS = 64;
const COLUMNS = 4099;

/** Bits of every case's result, keyed by case name, computed with the given kernelpool API. */
export async function computeCases({ dot, f64, f32, free, createPool }) {
  const results = {};
  for (const { name, precision, n, seed } of VECTORS) {
    const make = precision === "f64" ? f64 : f32;
    const a = fillRandom(make(n), seed);
    const b = fillRandom(make(n), seed + 100);
    results[name] = bits(dot(a, b));
    free(a);
    free(b);
  }
  const pool = await createPool({ threads: 2 });
  try {
    const a = fillRandom(f64(POOL_N), 7);
    const b = fillRandom(f64(POOL_N), 8);
    results[`pool.dot f64 n=${POOL_N}`] = bits(await pool.dot(a, b));
    const batch = await pool.dotBatch([[a, b], [b.subarray(0, 40000), a.subarray(0, 40000)]]);
    results["pool.dotBatch"] = Array.from(batch, bits).join(" ");
    const matrix = fillRandom(f64(ROWS * COLUMNS), 9);
    const x = fillRandom(f64(COLUMNS), 10);
    results[`pool.matvec ${ROWS}x${COLUMNS}`] = Array.from(await pool.matvec(matrix, x), bits).join(" ");
    for (const array of [a, b, matrix, x]) free(array);
  } finally {
    await pool.close();
  }
  return results;
}
