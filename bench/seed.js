// @ts-check
// The seed's job: ten dot products of two float64 vectors of 1e8 elements, a = b = arange(n) as
// numpy builds them, timed as whole jobs in turns (in-turns.js says why): every round times one
// job of each row: dot on one thread, pool.dot awaited call by call and pool.dotSync at each
// thread count, and numpy on one thread and on all, each in a child that keeps its arange
// operands (numpy_dot.py --serve). A row's figure is its median job; each ratio is taken within a
// round, and reported as the median over the rounds with the lowest and highest.
//
// Why in turns: timed one row after another, the pool's jobs and numpy's lay seconds apart, and
// on the 2-core VM the machine's speed moves that much within seconds: two runs minutes apart on
// 2026-11-27 put pool(2).dot at 0.56× and 1.08× numpy's job.
import { availableParallelism } from "node:os";
import { createPool, dot, free } from "kernelpool";
import { ratioSpread, rotated } from "./in-turns.js";
import { gib, shortOfMemory } from "./memory.js";
import { formatN } from "./naming.js";
import { numpyAvailable, numpyServer, OPENBLAS_SETTLE_MS } from "./numpy.js";
import { formatSpread, formatTime } from "./table.js";
import { keep, median } from "./timing.js";

/** Rounds of one job a row; each row's first job is an untimed warm-up besides. */
export const ROUNDS = 5;

/** f64 results here can differ from the exact Σi² by the rounding of a 1e8-term sum. */
const TOLERANCE = 1e-10;

/**
 * A row of the table: `job` runs one job of the seed's calls and resolves to its ns and last value.
 * @typedef {{ label: string, impl: string, threads: number, job: () => Promise<{ ns: number, value: number }>, after?: () => Promise<void> }} SeedRow
 * @typedef {{ label: string, impl: string, threads: number, totalsNs: number[], medianTotalNs: number, vsNumpyAll?: import('./in-turns.js').Spread, vsOneThread?: import('./in-turns.js').Spread }} SeedJob
 */

/**
 * @param {import('./cli.js').Options} options
 * @param {import('./report.js').Report} report
 */
export async function runSeed(options, report) {
  const count = options.seedCount;
  const withNumpy = !options.skipNumpy && numpyAvailable();
  // 16n in the arena, and 16n kept by each numpy child.
  const need = (/** @type {number} */ n) => ({ process: 16 * n * (1 + (withNumpy ? options.numpyThreads.length : 0)), arena: 16 * n });
  let n = options.seedN;
  const notes = [];
  while (n > 1e6 && shortOfMemory(need(n)) !== null) {
    notes.push(`n = ${formatN(n)} ${shortOfMemory(need(n))}; halved.`);
    n = Math.floor(n / 2);
  }
  process.stderr.write(`timing the seed job in turns, n=${formatN(n)} …\n`);
  /** @type {import('kernelpool').Pool[]} */
  const pools = [];
  /** @type {ReturnType<typeof numpyServer>[]} */
  const servers = [];
  /** @type {Float64Array[]} */
  const operands = [];
  try {
    // Filled in parallel by pool.arange, as the main job (npm start) does.
    const filler = await createPool({ threads: Math.max(...options.threads) });
    pools.push(filler);
    const t0 = performance.now();
    const a = await filler.arange(n);
    operands.push(a);
    const b = await filler.arange(n);
    operands.push(b);
    const fillMs = performance.now() - t0;
    // Closed now, not with the rest, so that its idle threads are gone before anything is timed.
    await filler.close();
    notes.push(`a = b = arange(${formatN(n)}) as float64, ${gib(16 * n)} in the arena, filled by pool(${filler.threads}).arange in ${fillMs.toFixed(0)} ms (not timed below).`);
    const exact = Number((BigInt(n - 1) * BigInt(n) * BigInt(2 * n - 1)) / 6n);
    const checkValue = (/** @type {string} */ label, /** @type {number} */ value) => {
      // At n = 1 the exact sum is 0, whose relative error is 0/0: the error is then absolute.
      const error = exact === 0 ? Math.abs(value) : Math.abs(value - exact) / exact;
      if (!(error <= TOLERANCE)) throw new Error(`wrong result. seed job ${label} returned ${value}, expected ${exact} (${exact === 0 ? "absolute" : "relative"} error ${error.toExponential(2)}).`);
    };
    /**
     * A row whose job this process times: `count` calls, each awaited before the next.
     * @param {string} label @param {string} impl @param {number} threads
     * @param {() => number | Promise<number>} call
     * @returns {SeedRow}
     */
    const timedHere = (label, impl, threads, call) => ({
      label,
      impl,
      threads,
      async job() {
        let value = Number.NaN;
        const t = process.hrtime.bigint();
        for (let k = 0; k < count; k++) value = await call();
        return { ns: Number(process.hrtime.bigint() - t), value };
      },
    });

    /** @type {SeedRow[]} */
    const rows = [timedHere("dot (one thread)", "kernelpool", 1, () => dot(a, b))];
    for (const threads of options.threads) {
      const pool = await createPool({ threads });
      pools.push(pool);
      rows.push(timedHere(`pool(${threads}).dot, awaited`, "pool", threads, () => pool.dot(a, b)));
      rows.push(timedHere(`pool(${threads}).dotSync`, "pool-sync", threads, () => pool.dotSync(a, b)));
    }
    if (withNumpy) {
      for (const threads of options.numpyThreads) {
        const server = numpyServer(threads);
        servers.push(server);
        const all = threads !== 1;
        rows.push({
          label: all ? "numpy np.dot, all threads" : "numpy np.dot, 1 thread",
          impl: all ? "numpy-all" : "numpy-1",
          threads: all ? availableParallelism() : 1,
          job: async () => {
            const { totalNs, value } = await server.seedJob(n, count);
            return { ns: totalNs, value };
          },
          // OpenBLAS's helper threads spin on after numpy's job, and would slow the next row's.
          after: all ? () => new Promise((resolve) => setTimeout(resolve, OPENBLAS_SETTLE_MS)) : undefined,
        });
      }
    } else {
      notes.push("numpy rows skipped (--skip-numpy, or python3 cannot import numpy).");
    }

    /** @type {number[][]} */
    const totals = rows.map(() => []);
    for (let round = -1; round < ROUNDS; round++) {
      // Rotated, so that no row always goes first, and backwards on odd rounds, so that no row
      // always follows the same one (numpy on all threads came right after numpy on one in every round).
      const order = rows.map((_, k) => rotated(k, round, rows.length));
      if (round > 0 && round % 2 === 1) order.reverse();
      for (const i of order) {
        const row = rows[i];
        const { ns, value } = await row.job();
        checkValue(row.label, value);
        keep(value);
        await row.after?.();
        // Round −1 warms every row up (a numpy child builds its operands in it) and is not timed.
        if (round >= 0) totals[i].push(ns);
      }
    }

    const numpyAll = rows.findIndex((r) => r.impl === "numpy-all");
    /** @type {SeedJob[]} */
    const jobs = rows.map((row, i) => ({
      label: row.label,
      impl: row.impl,
      threads: row.threads,
      totalsNs: totals[i],
      medianTotalNs: median(totals[i]),
      vsNumpyAll: numpyAll >= 0 && i !== numpyAll ? ratioSpread(totals[i], totals[numpyAll]) : undefined,
      vsOneThread: i !== 0 ? ratioSpread(totals[i], totals[0]) : undefined,
    }));
    const header = ["job", "threads", `${count} calls (median of ${ROUNDS})`, "per call", "GB/s", "vs numpy all [lowest–highest]", "vs dot 1 thread [lowest–highest]"];
    const body = jobs.map((j) => [
      j.label,
      j.impl === "numpy-all" ? "all" : String(j.threads),
      formatTime(j.medianTotalNs),
      formatTime(j.medianTotalNs / count),
      ((16 * n * count) / j.medianTotalNs).toFixed(1),
      formatSpread(j.vsNumpyAll),
      formatSpread(j.vsOneThread),
    ]);
    notes.push(`Rows in turns, the order rotating each round and backwards on odd ones, after one untimed round; each ratio is row against baseline within a round (above 1×: the row is faster).`);
    report.table(`The seed's job: ${count} × dot(arange(${formatN(n)}), arange(${formatN(n)})), float64`, header, body, notes);
    return { n, count, rounds: ROUNDS, tolerance: TOLERANCE, fillMs, jobs };
  } finally {
    for (const server of servers) server.close();
    for (const pool of pools) await pool.close();
    for (const operand of operands) free(operand);
  }
}
