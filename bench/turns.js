// @ts-check
// Issue 3's ratios, timed in turns: at each n, every round times pool(T).dotSync and the awaited
// pool.dot (f64 and f32, arena arrays), numpy on all threads (f64 and f32) and the C yardstick,
// each for a short slot, one after another in an order that rotates from round to round. Each
// ratio is taken within a round, baseline / row, and the figure is its median over the rounds,
// with the lowest and highest round beside it.
//
// Why: the sweep (index.js) times every row for a second or more, one after another, so a pool
// row and its numpy row at one n lie seconds apart, and on the 2-core VM the machine's speed moves
// that much within seconds: numpy at 1e6 read 150–350 µs in consecutive 0.2 s slots (2026-11-27),
// and six full runs put `pool.dotSync` at 1e7 anywhere from 0.59× to 1.47× numpy.
import { createPool } from "kernelpool";
import { BATCH_MS, budgetFor, ROUNDS, slotMs } from "./budget.js";
import { check, freeArenaOperands, makeArenaOperands } from "./data.js";
import { limitRunner } from "./limit.js";
import { shortOfMemory } from "./memory.js";
import { formatN } from "./naming.js";
import { numpyAvailable, numpyServer } from "./numpy.js";
import { formatRatio, formatTime } from "./table.js";
import { keep, median } from "./timing.js";

/** The ratios reported, each a row against a baseline timed in the same round. */
const RATIOS = /** @type {const} */ ([
  { key: "dotSync f64 vs numpy", row: "dotSync f64", baseline: "numpy f64" },
  { key: "dot f64 vs numpy", row: "dot f64", baseline: "numpy f64" },
  { key: "dotSync f64 vs C", row: "dotSync f64", baseline: "C f64" },
  { key: "dot f64 vs C", row: "dot f64", baseline: "C f64" },
  { key: "dotSync f32 vs numpy", row: "dotSync f32", baseline: "numpy f32" },
  { key: "dot f32 vs numpy", row: "dot f32", baseline: "numpy f32" },
]);

/**
 * @typedef {{ median: number, low: number, high: number }} Spread
 * @typedef {{ n: number, rounds: number, medianNs: Record<string, number>, ratios: Record<string, Spread> }} TurnsAtN
 */

/**
 * @param {import('./cli.js').Options} options
 * @param {import('./report.js').Report} report
 */
export async function runTurns(options, report) {
  const top = Math.max(...options.threads);
  const notes = [];
  const numpy = !options.skipNumpy && numpyAvailable() ? numpyServer("all") : undefined;
  if (numpy === undefined) notes.push("numpy is not timed (--skip-numpy, or python3 cannot import it): no numpy ratios.");
  const limit = options.limit === null ? undefined : limitRunner({ path: options.limit });
  const probe = limit?.available();
  if (probe !== undefined && !probe.ok) notes.push(`C yardstick skipped: ${probe.reason}`);
  const yardstick = probe?.ok ? limit : undefined;
  const pool = await createPool({ threads: top });
  /** @type {TurnsAtN[]} */
  const sizes = [];
  try {
    for (const n of options.sizes) {
      // Arena operands (24n), numpy's kept operands (24n) and the yardstick's (16n).
      const short = shortOfMemory({ process: 64 * n, arena: 24 * n });
      if (short !== null) {
        notes.push(`n = ${formatN(n)} skipped: it ${short}.`);
        continue;
      }
      process.stderr.write(`timing in turns, n=${formatN(n)} …\n`);
      const arena = makeArenaOperands(n);
      try {
        sizes.push(await turnsAt(n, pool, arena, numpy, yardstick));
      } finally {
        freeArenaOperands(arena);
      }
    }
  } finally {
    await pool.close();
    numpy?.close();
  }
  const header = ["n", ...RATIOS.map((r) => `${r.key}`)];
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
 * @param {import('./types.js').ExternalRunner | undefined} yardstick
 * @returns {Promise<TurnsAtN>}
 */
async function turnsAt(n, pool, arena, numpy, yardstick) {
  const { x64, y64, x32, y32 } = arena;
  const slot = slotMs(n);
  /** @type {Record<string, () => Promise<number>>} */
  const rows = {
    "dotSync f64": () => timeSlot(() => pool.dotSync(x64, y64), false, slot),
    "dot f64": () => timeSlot(() => pool.dot(x64, y64), true, slot),
    "dotSync f32": () => timeSlot(() => pool.dotSync(x32, y32), false, slot),
    "dot f32": () => timeSlot(() => pool.dot(x32, y32), true, slot),
  };
  check(`pool(${pool.threads}).dotSync f64:n=${formatN(n)}`, "f64", n, pool.dotSync(x64, y64));
  check(`pool(${pool.threads}).dot f64:n=${formatN(n)}`, "f64", n, await pool.dot(x64, y64));
  check(`pool(${pool.threads}).dotSync f32:n=${formatN(n)}`, "f32", n, pool.dotSync(x32, y32));
  check(`pool(${pool.threads}).dot f32:n=${formatN(n)}`, "f32", n, await pool.dot(x32, y32));
  if (numpy !== undefined) {
    for (const precision of /** @type {const} */ (["f64", "f32"])) {
      rows[`numpy ${precision}`] = async () => {
        const { medianNs, value } = await numpy.measure(n, precision, { timeMs: slot, batchMs: BATCH_MS });
        check(`numpy ${precision} all-threads:n=${formatN(n)}`, precision, n, value);
        return medianNs;
      };
    }
  }
  // The yardstick times itself (its median of 7 batches) and ignores the budget.
  if (yardstick !== undefined) rows["C f64"] = async () => yardstick.measure(n, budgetFor(n))[0]?.medianNs ?? Number.NaN;

  const names = Object.keys(rows);
  // One untimed slot of each pool row first: a new pool's first ~0.1 s of calls run slow while
  // V8 compiles its code (README, Limits), which made the first round's ratios 0.2–0.3× at 1e5.
  for (const name of names.filter((row) => row.startsWith("dot"))) await rows[name]();
  /** @type {Record<string, number[]>} */
  const perRound = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length];
      perRound[name].push(await rows[name]());
    }
  }
  /** @type {Record<string, Spread>} */
  const ratios = {};
  for (const { key, row, baseline } of RATIOS) {
    if (perRound[row] === undefined || perRound[baseline] === undefined) continue;
    const each = perRound[row].map((ns, round) => perRound[baseline][round] / ns);
    ratios[key] = { median: median(each), low: Math.min(...each), high: Math.max(...each) };
  }
  return { n, rounds: ROUNDS, medianNs: Object.fromEntries(names.map((name) => [name, median(perRound[name])])), ratios };
}

/**
 * The median batch mean of `run` over a slot of about `slotMs`, in ns a call, after untimed
 * calls for a quarter of it (one at least). An async row's calls are each awaited before the
 * next; a blocking row's run as a blocking loop, with no await between them.
 * @param {() => number | Promise<number>} run
 * @param {boolean} async
 * @param {number} slotMs
 */
async function timeSlot(run, async, slotMs) {
  const lead = performance.now() + slotMs / 4;
  let sum = async ? await run() : /** @type {number} */ (run());
  while (performance.now() < lead) sum += async ? await run() : /** @type {number} */ (run());
  const batches = [];
  const end = performance.now() + slotMs;
  while (batches.length < 3 || performance.now() < end) {
    const start = performance.now();
    let calls = 0;
    do {
      sum += async ? await run() : /** @type {number} */ (run());
      calls++;
    } while (performance.now() - start < BATCH_MS);
    batches.push(((performance.now() - start) / calls) * 1e6);
  }
  keep(sum);
  return median(batches);
}

/** @param {Spread | undefined} s */
function formatSpread(s) {
  return s === undefined ? "–" : `${formatRatio(s.median)} [${s.low.toFixed(2)}–${s.high.toFixed(2)}]`;
}
