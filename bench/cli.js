// @ts-check
// Command-line flags. Everything has a default, so `npm run bench` needs none.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { DEFAULT_SIZES, POOL_SIZES, ROUNDS } from "./budget.js";
import { formatN } from "./naming.js";

/** The suites, in the order they run (index.js). */
export const SUITES = /** @type {const} */ (["single", "pool", "turns", "seed", "dispatch", "batch", "pause"]);

/** The seed's job as issue 3 states it, the defaults of --seed-n and --seed-count. */
export const SEED_JOB = { n: 1e8, count: 10 };

/** @typedef {typeof SUITES[number]} Suite */

export const USAGE = `usage: node bench/index.js [--suite ${SUITES.join(",")}] [--n 1e3,1e5] [--threads 1,2]
                          [--time ms] [--numpy-threads 1|all|1,all] [--skip-numpy] [--limit PATH|none]
                          [--seed-n 1e8] [--seed-count 10]

  --suite          what to run (default: all of them)
                     single    serial rows: kernelpool dot (arena and copy), JS loop, stdlib, simsimd
                     pool      pool.dotSync and pool.dot, f64 and f32, arena arrays, at each --threads,
                               plus the copy path at the most threads; numpy 1 and all threads and the
                               C/OpenMP yardstick at the same n
                     turns     issue 3's ratios timed in turns: pool.dotSync and pool.dot at the most
                               threads, numpy all threads and the yardstick, a short slot each per
                               round, ${ROUNDS} rounds at each n; the median of each round's ratio
                     seed      the seed's job: ten dots of arange(n) f64 vectors, pool vs numpy, in turns
                     dispatch  added µs over compute at twice each inline threshold (f64), at each --threads
                     batch     dotBatch (64 pairs, number[] pairs, short pairs) and matvec vs loops
                               of dot, in turns; --time sets the rounds (one per 100 ms, 7 at least)
                     pause     calls made 5 ms apart (workers asleep): dot, pool at the most threads,
                               numpy all threads, at 1e5, 5e5, 1e6 and 2e6 f64
  --n              sizes for single, pool and turns (default ${DEFAULT_SIZES.map(formatN).join(",")}, or
                   ${POOL_SIZES.map(formatN).join(",")} when pool or turns runs; 1e8 is skipped if memory is short)
  --threads        pool sizes (default 1..availableParallelism(), here 1..${availableParallelism()})
  --time           measuring budget per row in ms, replacing the per-n default (warm-up shrinks to
                   match); the turns suite keeps its own slots (budget.js, slotMs)
  --numpy-threads  numpy rows to time: 1 (OPENBLAS_NUM_THREADS=1, the default), all (OpenBLAS
                   picks), or both as 1,all; pool and seed always add all
  --skip-numpy     time no numpy rows, even where numpy is installed
  --limit          the native yardstick: an executable taking n values and printing one JSON line
                   per n (default ../shared/limit/run from the repo root; none skips it); run with
                   OMP_NUM_THREADS=availableParallelism() for pool rows
  --seed-n         the seed job's n (default 1e8, halved while memory is short)
  --seed-count     dot products in the seed job (default 10)`;

/**
 * @typedef {object} Options
 * @property {Suite[]} suites
 * @property {number[]} sizes
 * @property {number[]} threads          pool sizes
 * @property {number | undefined} timeMs
 * @property {Array<1 | 'all'>} numpyThreads
 * @property {boolean} skipNumpy
 * @property {string | null} limit       path of the yardstick, null: skip it
 * @property {boolean} limitExplicit     given on the command line (a missing one is then an error)
 * @property {number} seedN
 * @property {number} seedCount
 */

export const DEFAULT_LIMIT = new URL("../../shared/limit/run", import.meta.url).pathname;

/**
 * @param {string[]} argv  process.argv.slice(2)
 * @returns {Options | 'help'}
 */
export function parseOptions(argv) {
  const { values, tokens } = parseArgs({
    args: argv,
    tokens: true,
    options: {
      suite: { type: "string" },
      n: { type: "string" },
      threads: { type: "string" },
      time: { type: "string" },
      "numpy-threads": { type: "string", default: "1" },
      "skip-numpy": { type: "boolean", default: false },
      limit: { type: "string" },
      "seed-n": { type: "string", default: String(SEED_JOB.n) },
      "seed-count": { type: "string", default: String(SEED_JOB.count) },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  refuseRepeats(tokens);
  const suites = values.suite === undefined ? [...SUITES] : list(values.suite).map(suite);
  // An empty list ran nothing, and wrote an empty report over latest.json.
  if (suites.length === 0) throw optionError(`invalid option. --suite must list some of ${SUITES.join(",")}. Value: \`${values.suite}\`.`);
  const pool = suites.includes("pool");
  const poolSizes = pool || suites.includes("turns");
  /** @type {Array<1 | 'all'>} */
  const numpyThreads = [...new Set(list(values["numpy-threads"]).map(numpyThreadsValue))];
  if ((pool || suites.includes("seed") || suites.includes("turns")) && !numpyThreads.includes("all")) numpyThreads.push("all");
  if (pool && !numpyThreads.includes(1)) numpyThreads.unshift(1);
  const maxThreads = availableParallelism();
  return {
    suites: SUITES.filter((s) => suites.includes(s)),
    sizes: values.n === undefined ? (poolSizes ? POOL_SIZES : DEFAULT_SIZES) : list(values.n).map((t) => size("--n", t)),
    threads:
      values.threads === undefined
        ? Array.from({ length: maxThreads }, (_, i) => i + 1)
        : [...new Set(list(values.threads).map((t) => size("--threads", t)))].sort((a, b) => a - b),
    timeMs: values.time === undefined ? undefined : positive("--time", values.time),
    numpyThreads,
    skipNumpy: values["skip-numpy"],
    limit: values.limit === "none" ? null : (values.limit ?? DEFAULT_LIMIT),
    limitExplicit: values.limit !== undefined && values.limit !== "none",
    seedN: size("--seed-n", values["seed-n"]),
    seedCount: size("--seed-count", values["seed-count"]),
  };
}

/** @param {string} text */
const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);

/** @param {string} text @returns {Suite} */
function suite(text) {
  const found = SUITES.find((s) => s === text);
  if (found === undefined) throw optionError(`invalid option. --suite must list some of ${SUITES.join(",")}. Value: \`${text}\`.`);
  return found;
}

/** @param {string} flag @param {string} text */
function size(flag, text) {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw optionError(`invalid option. ${flag} must list positive integers such as 1e5. Value: \`${text}\`.`);
  return n;
}

/** @param {string} flag @param {string} text */
function positive(flag, text) {
  const value = Number(text);
  if (!(value > 0 && Number.isFinite(value))) throw optionError(`invalid option. ${flag} must be a positive number of milliseconds. Value: \`${text}\`.`);
  return value;
}

/** @param {string} text @returns {1 | 'all'} */
function numpyThreadsValue(text) {
  if (text === "1") return 1;
  if (text === "all") return "all";
  throw optionError(`invalid option. --numpy-threads must be 1, all or 1,all. Value: \`${text}\`.`);
}

/**
 * Refuses a flag given twice: parseArgs keeps the last, so "--suite bogus --suite seed" ran the
 * seed suite without a word about the first.
 * @param {Array<{ kind: string, rawName?: string }>} tokens
 */
function refuseRepeats(tokens) {
  const seen = new Set();
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    if (seen.has(token.rawName)) throw optionError(`invalid option. ${token.rawName} is given twice: give each flag once, with a list where it takes one.`);
    seen.add(token.rawName);
  }
}

/** @param {string} message */
function optionError(message) {
  return Object.assign(new RangeError(message), { code: "ERR_BENCH_OPTION" });
}

/**
 * A mistake on the command line (ours, or node:util parseArgs's ERR_PARSE_ARGS_*): worth the
 * usage text, not a stack trace.
 * @param {unknown} error
 */
export function isOptionError(error) {
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  return typeof code === "string" && (code === "ERR_BENCH_OPTION" || code.startsWith("ERR_PARSE_ARGS"));
}
