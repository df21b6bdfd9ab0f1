// @ts-check
// Issue 3's ratios, timed in turns: at each n, every round times pool(T).dotSync and the awaited
// pool.dot (f64 and f32, arena arrays), numpy on all threads (f64 and f32) and the C yardstick,
// each for a short slot. Each ratio is taken within a round, baseline / row, and the figure is its
// median over the rounds, with the lowest and highest round beside it.
//
// Why: the sweep (index.js) times every row for a second or more, one after another, so a pool
// row and its numpy row at one n lie seconds apart, and on the 2-core VM the machine's speed moves
// that much within seconds: numpy at 1e6 read 150–350 µs in consecutive 0.2 s slots (2026-11-27),
// and six full runs put `pool.dotSync` at 1e7 anywhere from 0.59× to 1.47× numpy.
//
// A round times two groups, each a row's baselines next to it: [C, pool.dotSync f64, numpy f64,
// pool.dot f64] and [pool.dotSync f32, numpy f32, pool.dot f32]; odd rounds run the whole order
// backwards, so that no row always goes first. "pool.dot" is the awaited call: no round times
// dot() on one thread. The yardstick is a process of its own, timed its own way (a warm-up and a
// median of 7 batches, ~1.4 s whatever n, and a compile before it), so its slot is longer than
// the others.
import { createPool } from "kernelpool";
import { BATCH_MS, budgetFor, ROUNDS, slotMs } from "./budget.js";
import { check, freeArenaOperands, makeArenaOperands } from "./data.js";
import { callMany, ratioSpread, repsOf, timeBatch } from "./in-turns.js";
import { shortOfMemory, turnsBytes } from "./memory.js";
import { formatN } from "./naming.js";
import { numpyServer, OPENBLAS_SETTLE_MS } from "./numpy.js";
import { formatSpread, formatTime } from "./table.js";
import { median } from "./timing.js";

/** The rows of a round, in order: each group's rows lie next to the baselines they are divided by. */
const ORDER = ["C f64", poolRow("sync", "f64"), "numpy f64", poolRow("async", "f64"), poolRow("sync", "f32"), "numpy f32", poolRow("async", "f32")];

/**
 * The key of a ratio in a run's results, which the report's targets look up (report.js), such as
 * "pool.dotSync f64 vs numpy": its row's name, "vs", and the baseline's kind.
 * @param {"sync" | "async"} variant
 * @param {Precision} precision
 * @param {"numpy" | "C"} baseline
 */
export function ratioKey(variant, precision, baseline) {
  return `${poolRow(variant, precision)} vs ${baseline}`;
}

/** @param {"sync" | "async"} variant @param {Precision} precision */
function poolRow(variant, precision) {
  return `pool.${variant === "sync" ? "dotSync" : "dot"} ${precision}`;
}

/** The ratios reported, each a row against a baseline timed in the same round (C is f64 only). */
const RATIOS = /** @type {const} */ ([
  ["sync", "f64", "numpy"],
  ["async", "f64", "numpy"],
  ["sync", "f64", "C"],
  ["async", "f64", "C"],
  ["sync", "f32", "numpy"],
  ["async", "f32", "numpy"],
]).map(([variant, precision, baseline]) => ({
  key: ratioKey(variant, precision, baseline),
  row: poolRow(variant, precision),
  baseline: `${baseline} ${precision}`,
}));

/**
 * @typedef {import('./in-turns.js').Spread} Spread
 * @typedef {{ n: number, rounds: number, medianNs: Record<string, number>, ratios: Record<string, Spread> }} TurnsAtN
 * @typedef {import('./types.js').ExternalRunner} ExternalRunner
 * @typedef {import('./types.js').Precision} Precision
 */

/**
 * @param {import('./cli.js').Options} options
 * @param {import('./report.js').Report} report
 * @param {{ numpy: boolean, yardstick: ExternalRunner | undefined }} baselines  which the harness
 *   probed and found (index.js): numpy on all threads, and the C yardstick
 */
export async function runTurns(options, report, baselines) {
  const top = Math.max(...options.threads);
  const notes = [];
  if (!baselines.numpy) notes.push("numpy is not timed (--skip-numpy, or python3 cannot import it): no numpy ratios.");
  if (baselines.yardstick === undefined) notes.push("The C yardstick is not timed (--limit none, or it is missing): no ratios against it.");
  const pool = await createPool({ threads: top });
  /** @type {TurnsAtN[]} */
  const sizes = [];
  try {
    // Started last, inside the try: a child left running keeps this process alive.
    const numpy = baselines.numpy ? numpyServer("all") : undefined;
    try {
      for (const n of options.sizes) {
        const short = shortOfMemory(turnsBytes(n));
        if (short !== null) {
          notes.push(`n = ${formatN(n)} skipped: it ${short}.`);
          continue;
        }
        process.stderr.write(`timing in turns, n=${formatN(n)} …\n`);
        const arena = makeArenaOperands(n);
        try {
          sizes.push(await turnsAt(n, pool, arena, numpy, baselines.yardstick));
        } finally {
          freeArenaOperands(arena);
        }
      }
    } finally {
      numpy?.close();
    }
  } finally {
    await pool.close();
  }
  const header = ["n", ...RATIOS.map((r) => r.key)];
  const body = sizes.map((s) => [formatN(s.n), ...RATIOS.map((r) => formatSpread(s.ratios[r.key]))]);
  const times = sizes.map((s) => `${formatN(s.n)}: ${Object.entries(s.medianNs).map(([row, ns]) => `${row} ${formatTime(ns)}`).join(", ")}`);
  report.table(
    `Ratios in turns: pool(${top}) against numpy (all threads) and the C yardstick, median of ${ROUNDS} rounds [lowest–highest]`,
    header,
    body,
    [...notes, "Each ratio is baseline time / row time within one round (above 1×: the pool is faster). Median times over the rounds:", ...times],
  );
  return { threads: top, rounds: ROUNDS, sizes, notes };
}

/**
 * The rounds at one n.
 * @param {number} n
 * @param {import('kernelpool').Pool} pool
 * @param {import('./data.js').ArenaOperands} arena
 * @param {ReturnType<typeof numpyServer> | undefined} numpy
 * @param {ExternalRunner | undefined} yardstick
 * @returns {Promise<TurnsAtN>}
 */
async function turnsAt(n, pool, arena, numpy, yardstick) {
  const { x64, y64, x32, y32 } = arena;
  const slot = slotMs(n);
  /** @type {import('./types.js').Case[]} */
  const poolRows = [
    { label: poolRow("sync", "f64"), impl: "pool", precision: "f64", threads: pool.threads, run: () => pool.dotSync(x64, y64) },
    { label: poolRow("async", "f64"), impl: "pool", precision: "f64", threads: pool.threads, async: true, run: () => pool.dot(x64, y64) },
    { label: poolRow("sync", "f32"), impl: "pool", precision: "f32", threads: pool.threads, run: () => pool.dotSync(x32, y32) },
    { label: poolRow("async", "f32"), impl: "pool", precision: "f32", threads: pool.threads, async: true, run: () => pool.dot(x32, y32) },
  ];
  /** @type {Record<string, () => Promise<number>>} */
  const rows = {};
  for (const row of poolRows) {
    check(`${row.label.replace("pool.", `pool(${pool.threads}).`)}:n=${formatN(n)}`, row.precision, n, await row.run());
    // One untimed slot first: a new pool's first ~0.1 s of calls run slow while V8 compiles its
    // code (README, Limits), which made the first round's ratios 0.2–0.3× at 1e5. The calls a
    // batch needs are then measured once, so that each batch reads the clock only at its ends.
    await callFor(row, slot);
    const reps = await repsOf(row, BATCH_MS);
    rows[row.label] = () => timeSlot(row, reps, slot);
  }
  if (numpy !== undefined) {
    for (const precision of /** @type {const} */ (["f64", "f32"])) {
      rows[`numpy ${precision}`] = async () => {
        const { medianNs, value } = await numpy.measure(n, precision, { timeMs: slot, batchMs: BATCH_MS });
        check(`numpy ${precision} all-threads:n=${formatN(n)}`, precision, n, value);
        await new Promise((resolve) => setTimeout(resolve, OPENBLAS_SETTLE_MS));
        return medianNs;
      };
    }
  }
  if (yardstick !== undefined) {
    // It times itself (its median of 7 batches) and ignores the budget.
    rows["C f64"] = async () => {
      const [row] = yardstick.measure(n, budgetFor(n));
      if (row === undefined) throw new Error(`the C yardstick printed no result at n = ${formatN(n)}`);
      return row.medianNs;
    };
  }

  const names = ORDER.filter((name) => name in rows);
  /** @type {Record<string, number[]>} */
  const perRound = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) perRound[name]?.push(await rows[name]?.() ?? Number.NaN);
  }
  /** @type {Record<string, Spread>} */
  const ratios = {};
  for (const { key, row, baseline } of RATIOS) {
    const times = perRound[row];
    const bases = perRound[baseline];
    if (times === undefined || bases === undefined) continue;
    ratios[key] = ratioSpread(times, bases);
  }
  return { n, rounds: ROUNDS, medianNs: Object.fromEntries(names.map((name) => [name, median(perRound[name] ?? [])])), ratios };
}

/**
 * The median batch mean of a pool row over a slot of about `slotMs`, in ns a call: untimed calls
 * for a quarter of it (one at least), which wake the pool's workers, asleep since its last slot,
 * then batches of `reps` calls (three at least).
 * @param {import('./types.js').Case} row
 * @param {number} reps
 * @param {number} slotMs
 */
async function timeSlot(row, reps, slotMs) {
  await callFor(row, slotMs / 4);
  const batches = [];
  const end = performance.now() + slotMs;
  while (batches.length < 3 || performance.now() < end) batches.push(await timeBatch(row, reps));
  return median(batches);
}

/**
 * Calls a row, untimed, for about `ms` (once at least).
 * @param {import('./types.js').Case} row
 * @param {number} ms
 */
async function callFor(row, ms) {
  const until = performance.now() + ms;
  do await callMany(row, 1);
  while (performance.now() < until);
}
