// @ts-check
// Batches, as in the seed's joblib example: pool.dotBatch of 64 pairs against a loop of 64 dot
// calls (serial, and pool.dot awaited one by one, and 64 pool.dot at once with Promise.all), at
// n = 1e3 and 1e5 per pair; and pool.matvec against a loop of dot over the rows.
import { createPool, dot, f64, free } from "kernelpool";
import { budgetFor } from "./budget.js";
import { reference, xAt, yAt } from "./data.js";
import { formatN } from "./naming.js";
import { formatRatio, formatTime } from "./table.js";
import { timeCases } from "./timing.js";

export const PAIRS = 64;
export const PAIR_SIZES = [1e3, 1e5];
/**
 * [pairs, elements] of plain arrays, past the inline threshold in all: dotBatch copies them in on
 * the calling thread a chunk at a time, as a loop of dot does, but in steps with turns between.
 */
export const PLAIN_PAIRS = [4000, 512];
/** [pairs, elements] of arena arrays, past the inline threshold in all but short on average: on the calling thread too. */
export const SHORT_PAIRS = [20000, 64];
/** [rows, columns] */
export const MATVEC_SHAPES = [[1000, 1000], [100, 100000]];

/** @typedef {import('./types.js').Case} Case */

/**
 * @param {import('./cli.js').Options} options
 * @param {import('./report.js').Report} report
 */
export async function runBatch(options, report) {
  /** @type {Array<{ group: string, label: string, threads: number, products: number, bytes: number, medianNs: number }>} */
  const results = [];
  /**
   * @param {string} group
   * @param {Case[]} cases
   * @param {number} products  dot products per call
   * @param {number} length    elements per product
   * @param {number} want      the checked value of each call
   * @param {number} [bytes]   what a call reads from memory: both f64 vectors of every product,
   *   unless they share one (matvec's x, read from cache after the first row)
   */
  const measure = async (group, cases, products, length, want, bytes = 16 * products * length) => {
    for (const c of cases) {
      const got = await c.run();
      if (got !== want) throw new Error(`wrong result. ${c.label} (${group}) returned ${got}, expected ${want}.`);
    }
    const elements = products * length;
    for (const m of await timeCases(cases, elements, budgetFor(elements, options.timeMs))) {
      results.push({ group, label: m.label, threads: m.threads, products, bytes, medianNs: m.medianNs });
    }
  };

  /**
   * Times the cases `casesFor` makes for a fresh pool of each thread count, closing each after.
   * @param {string} group
   * @param {(pool: import('kernelpool').Pool, threads: number) => Case[]} casesFor
   * @param {number} products
   * @param {number} length
   * @param {number} want
   * @param {number} [bytes]
   */
  const measureOnPools = async (group, casesFor, products, length, want, bytes) => {
    for (const threads of options.threads) {
      const pool = await createPool({ threads });
      try {
        await measure(group, casesFor(pool, threads), products, length, want, bytes);
      } finally {
        await pool.close();
      }
    }
  };

  for (const length of PAIR_SIZES) {
    process.stderr.write(`timing batches of ${PAIRS} × ${formatN(length)} …\n`);
    const group = `${PAIRS} pairs × n = ${formatN(length)}`;
    const pairs = Array.from({ length: PAIRS }, () => /** @type {[Float64Array, Float64Array]} */ ([filled(length, xAt), filled(length, yAt)]));
    const want = PAIRS * reference(length);
    try {
      await measure(group, [{ label: `dot × ${PAIRS} (loop)`, impl: "kernelpool", precision: "f64", threads: 1, run: loopOfDot(pairs) }], PAIRS, length, want);
      await measureOnPools(
        group,
        (pool, threads) => [
          { label: `pool(${threads}).dotBatch(${PAIRS} pairs)`, impl: "pool", precision: "f64", threads, async: true, run: async () => sum(await pool.dotBatch(pairs)) },
          {
            label: `pool(${threads}).dot × ${PAIRS}, awaited in turn`, impl: "pool", precision: "f64", threads, async: true,
            run: async () => {
              let s = 0;
              for (const [a, b] of pairs) s += await pool.dot(a, b);
              return s;
            },
          },
          { label: `pool(${threads}).dot × ${PAIRS}, Promise.all`, impl: "pool", precision: "f64", threads, async: true, run: async () => sum(await Promise.all(pairs.map(([a, b]) => pool.dot(a, b)))) },
        ],
        PAIRS,
        length,
        want,
      );
    } finally {
      for (const [a, b] of pairs) (free(a), free(b));
    }
  }

  // Batches that dotBatch computes on the calling thread, in steps: many number[] pairs, as data
  // often arrives (only the calling thread can read them), and many short arena pairs (each costs
  // more to hand to a worker than to compute).
  for (const [kind, [count, length]] of /** @type {const} */ ([["number[]", PLAIN_PAIRS], ["arena", SHORT_PAIRS]])) {
    process.stderr.write(`timing ${count} ${kind} pairs × ${length} …\n`);
    const group = `${count} ${kind} pairs × n = ${length}`;
    const pairs = Array.from({ length: count }, () =>
      /** @type {[import('kernelpool').Vector, import('kernelpool').Vector]} */ (
        kind === "arena" ? [filled(length, xAt), filled(length, yAt)] : [Array.from({ length }, (_, i) => xAt(i)), Array.from({ length }, (_, i) => yAt(i))]
      ),
    );
    const want = count * reference(length);
    try {
      await measure(group, [{ label: `dot × ${count} (loop)`, impl: "kernelpool", precision: "f64", threads: 1, run: loopOfDot(pairs) }], count, length, want);
      await measureOnPools(group, (pool, threads) => [{ label: `pool(${threads}).dotBatch(${count} pairs)`, impl: "pool", precision: "f64", threads, async: true, run: async () => sum(await pool.dotBatch(pairs)) }], count, length, want);
    } finally {
      if (kind === "arena") for (const [a, b] of pairs) (free(/** @type {Float64Array} */ (a)), free(/** @type {Float64Array} */ (b)));
    }
  }

  for (const [rows, cols] of MATVEC_SHAPES) {
    if (rows === undefined || cols === undefined) continue;
    process.stderr.write(`timing matvec ${rows}×${formatN(cols)} …\n`);
    const group = `matvec ${rows} × ${formatN(cols)}`;
    // Every row holds x's formula, so every y[i] is reference(cols).
    const matrix = f64(rows * cols);
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) matrix[r * cols + j] = xAt(j);
    const x = filled(cols, yAt);
    const rowViews = Array.from({ length: rows }, (_, r) => matrix.subarray(r * cols, (r + 1) * cols));
    const out = new Float64Array(rows);
    const want = rows * reference(cols);
    try {
      const loop = () => {
        for (let r = 0; r < rows; r++) out[r] = dot(/** @type {Float64Array} */ (rowViews[r]), x);
        return sum(out);
      };
      const bytes = 8 * (rows * cols + cols);
      await measure(group, [{ label: `dot over ${rows} rows (loop)`, impl: "kernelpool", precision: "f64", threads: 1, run: loop }], rows, cols, want, bytes);
      await measureOnPools(group, (pool, threads) => [{ label: `pool(${threads}).matvec`, impl: "pool", precision: "f64", threads, async: true, run: async () => sum(await pool.matvec(matrix, x, out)) }], rows, cols, want, bytes);
    } finally {
      free(matrix);
      free(x);
    }
  }

  const header = ["case", "threads", "per call", "per product", "GB/s", "vs serial dot loop", "vs pool.dot awaited"];
  const body = results.map((r) => {
    const loop = results.find((b) => b.group === r.group && b.threads === 1 && b.label.startsWith("dot "));
    const awaited = results.find((b) => b.group === r.group && b.threads === r.threads && b.label.includes("awaited in turn"));
    return [
      `${r.group}: ${r.label}`,
      String(r.threads),
      formatTime(r.medianNs),
      formatTime(r.medianNs / r.products),
      (r.bytes / r.medianNs).toFixed(1),
      formatRatio(loop && loop !== r ? loop.medianNs / r.medianNs : null),
      formatRatio(awaited && awaited !== r ? awaited.medianNs / r.medianNs : null),
    ];
  });
  report.table("Batches: dotBatch and matvec against loops of dot (f64)", header, body, [
    `${PAIRS} distinct pairs of arena arrays per batch, ${PLAIN_PAIRS[0]} pairs of number[] copied in, and ${SHORT_PAIRS[0]} short arena pairs; matvec writes into a preallocated Float64Array; the serial loops call kernelpool's dot on one thread. GB/s counts what a call reads: both vectors of each pair, and for matvec the matrix and x once.`,
  ]);
  return { pairs: PAIRS, results };
}

/**
 * The serial baseline: kernelpool's dot over the pairs, one after another, summed.
 * @param {ReadonlyArray<readonly [import('kernelpool').Vector, import('kernelpool').Vector]>} pairs
 */
function loopOfDot(pairs) {
  return () => {
    let s = 0;
    for (const [a, b] of pairs) s += dot(a, b);
    return s;
  };
}

/**
 * @param {number} n
 * @param {(i: number) => number} at
 */
function filled(n, at) {
  const v = f64(n);
  for (let i = 0; i < n; i++) v[i] = at(i);
  return v;
}

/** @param {ArrayLike<number>} values */
function sum(values) {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] ?? 0;
  return s;
}
