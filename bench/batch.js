// @ts-check
// Batches, as in the seed's joblib example: pool.dotBatch of 64 pairs against a loop of 64 dot
// calls (serial, and pool.dot awaited one by one, and 64 pool.dot at once with Promise.all), at
// n = 1e3 and 1e5 per pair; and pool.matvec against a loop of dot over the rows.
import { createPool, dot, f64, free } from "kernelpool";
import { reference, xAt, yAt } from "./data.js";
import { formatN } from "./naming.js";
import { ratioSpread, timeInTurns } from "./in-turns.js";
import { formatSpread, formatTime } from "./table.js";
import { median } from "./timing.js";

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
/** @typedef {import('./in-turns.js').Spread} Spread */

/** About how long one batch of a row lasts in a round; a call of the slowest rows takes ~6 ms. */
const BATCH_MS = 20;

/**
 * The rows of a group take turns (in-turns.js): a batch of each in every round, the order rotating,
 * and each ratio is taken within a round. Timed one row after another, the loop and its batches
 * met different minutes: 20 000 short arena pairs read 0.52× and 0.70× a loop in two runs an hour
 * apart, where a probe alternating the two read 0.81×.
 * @param {import('./cli.js').Options} options
 * @param {import('./report.js').Report} report
 */
export async function runBatch(options, report) {
  /** @type {Array<{ group: string, label: string, threads: number, products: number, bytes: number, medianNs: number, vsLoop: Spread | undefined, vsAwaited: Spread | undefined }>} */
  const results = [];
  const rounds = Math.max(7, Math.round((options.timeMs ?? 1500) / 100));
  const turns = { rounds, warmupRounds: 2, batchMs: BATCH_MS, leadCalls: 2 };
  // One pool of each thread count for the whole suite: the rows of a group take turns on them.
  /** @type {Array<[number, import('kernelpool').Pool]>} */
  const pools = [];
  try {
    for (const threads of options.threads) pools.push([threads, await createPool({ threads })]);
    /**
     * Checks every case's result, then times them in turns; the first case is the serial loop.
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
      const perCall = await timeInTurns(cases, turns);
      const loop = perCall[0] ?? [];
      cases.forEach((c, i) => {
        const times = perCall[i] ?? [];
        const awaited = cases.findIndex((d) => d.threads === c.threads && d.label.includes("awaited in turn"));
        results.push({
          group, label: c.label, threads: c.threads, products, bytes, medianNs: median(times),
          vsLoop: i === 0 ? undefined : ratioSpread(times, loop),
          vsAwaited: awaited >= 0 && awaited !== i ? ratioSpread(times, perCall[awaited] ?? []) : undefined,
        });
      });
    };
    /** @param {(pool: import('kernelpool').Pool, threads: number) => Case[]} casesFor  the rows of one pool */
    const onEveryPool = (casesFor) => pools.flatMap(([threads, pool]) => casesFor(pool, threads));
    await runGroups(measure, onEveryPool);
  } finally {
    for (const [, pool] of pools) await pool.close();
  }
  report.table("Batches: dotBatch and matvec against loops of dot (f64)", ["case", "threads", "per call", "per product", "GB/s", "vs serial dot loop", "vs pool.dot awaited"], results.map((r) => [
    `${r.group}: ${r.label}`,
    String(r.threads),
    formatTime(r.medianNs),
    formatTime(r.medianNs / r.products),
    (r.bytes / r.medianNs).toFixed(1),
    formatSpread(r.vsLoop),
    formatSpread(r.vsAwaited),
  ]), [
    `${PAIRS} distinct pairs of arena arrays per batch, ${PLAIN_PAIRS[0]} pairs of number[] copied in, and ${SHORT_PAIRS[0]} short arena pairs; matvec writes into a preallocated Float64Array; the serial loops call kernelpool's dot on one thread. GB/s counts what a call reads: both vectors of each pair, and for matvec the matrix and x once.`,
    `The rows of a group take turns, a batch of ~${BATCH_MS} ms each in every round, the order rotating, over ${rounds} rounds after ${turns.warmupRounds} untimed ones; times are the medians of the batch means, and each ratio is the median [lowest–highest] of the ratios within a round.`,
  ]);
  return { pairs: PAIRS, results };
}

/**
 * Builds each group's rows and measures them.
 * @param {(group: string, cases: Case[], products: number, length: number, want: number, bytes?: number) => Promise<void>} measure
 * @param {(casesFor: (pool: import('kernelpool').Pool, threads: number) => Case[]) => Case[]} onEveryPool
 */
async function runGroups(measure, onEveryPool) {
  for (const length of PAIR_SIZES) {
    process.stderr.write(`timing batches of ${PAIRS} × ${formatN(length)} …\n`);
    const group = `${PAIRS} pairs × n = ${formatN(length)}`;
    const pairs = Array.from({ length: PAIRS }, () => /** @type {[Float64Array, Float64Array]} */ ([filled(length, xAt), filled(length, yAt)]));
    const want = PAIRS * reference(length);
    try {
      const rows = onEveryPool((pool, threads) => [
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
      ]);
      await measure(group, [{ label: `dot × ${PAIRS} (loop)`, impl: "kernelpool", precision: "f64", threads: 1, run: loopOfDot(pairs) }, ...rows], PAIRS, length, want);
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
      const rows = onEveryPool((pool, threads) => [{ label: `pool(${threads}).dotBatch(${count} pairs)`, impl: "pool", precision: "f64", threads, async: true, run: async () => sum(await pool.dotBatch(pairs)) }]);
      await measure(group, [{ label: `dot × ${count} (loop)`, impl: "kernelpool", precision: "f64", threads: 1, run: loopOfDot(pairs) }, ...rows], count, length, want);
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
      const poolRows = onEveryPool((pool, threads) => [{ label: `pool(${threads}).matvec`, impl: "pool", precision: "f64", threads, async: true, run: async () => sum(await pool.matvec(matrix, x, out)) }]);
      await measure(group, [{ label: `dot over ${rows} rows (loop)`, impl: "kernelpool", precision: "f64", threads: 1, run: loop }, ...poolRows], rows, cols, want, bytes);
    } finally {
      free(matrix);
      free(x);
    }
  }
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
