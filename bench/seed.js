// @ts-check
// The seed's job: ten dot products of two float64 vectors of 1e8 elements, a = b = arange(n) as
// numpy builds them. Timed as whole jobs (all ten calls), a few times, median reported: on one
// thread (dot), on the pool (pool.dot awaited call by call, and pool.dotSync) at each thread
// count, and numpy doing the same ten np.dot calls in a child process.
import { availableParallelism } from "node:os";
import { createPool, dot, free } from "kernelpool";
import { gib, shortOfMemory } from "./memory.js";
import { formatN } from "./naming.js";
import { numpyAvailable, numpySeed } from "./numpy.js";
import { formatRatio, formatTime } from "./table.js";
import { keep, median } from "./timing.js";

/** How many times each job of ten calls runs (after one warm-up call); the median is reported. */
export const REPEATS = 3;

/** f64 results here can differ from the exact Σi² by the rounding of a 1e8-term sum. */
const TOLERANCE = 1e-10;

/**
 * @typedef {{ label: string, impl: string, threads: number, totalsNs: number[], medianTotalNs: number, value: number }} SeedJob
 */

/**
 * @param {import('./cli.js').Options} options
 * @param {import('./report.js').Report} report
 */
export async function runSeed(options, report) {
  const count = options.seedCount;
  let n = options.seedN;
  const notes = [];
  // 16n in the arena, and numpy's two arrays (16n) in its process.
  while (n > 1e6 && shortOfMemory({ process: 40 * n, arena: 16 * n }) !== null) {
    notes.push(`n = ${formatN(n)} ${shortOfMemory({ process: 40 * n, arena: 16 * n })}; halved.`);
    n = Math.floor(n / 2);
  }
  process.stderr.write(`timing the seed job, n=${formatN(n)} …\n`);
  // Filled in parallel by pool.arange, as the main job (npm start) does.
  const filler = await createPool({ threads: Math.max(...options.threads) });
  const t0 = performance.now();
  const a = await filler.arange(n);
  const b = await filler.arange(n);
  const fillMs = performance.now() - t0;
  await filler.close();
  try {
    notes.push(`a = b = arange(${formatN(n)}) as float64, ${gib(16 * n)} in the arena, filled by pool(${filler.threads}).arange in ${fillMs.toFixed(0)} ms (not timed below).`);
    const exact = Number((BigInt(n - 1) * BigInt(n) * BigInt(2 * n - 1)) / 6n);
    const checkValue = (/** @type {string} */ label, /** @type {number} */ value) => {
      const relative = Math.abs(value - exact) / exact;
      if (!(relative <= TOLERANCE)) throw new Error(`wrong result. seed job ${label} returned ${value}, expected ${exact} (relative error ${relative.toExponential(2)}).`);
    };

    /** @type {SeedJob[]} */
    const jobs = [];
    /**
     * @param {string} label
     * @param {string} impl
     * @param {number} threads
     * @param {() => number | Promise<number>} call
     */
    const time = async (label, impl, threads, call) => {
      checkValue(label, await call()); // warm-up and check
      const totalsNs = [];
      let value = Number.NaN;
      for (let r = 0; r < REPEATS; r++) {
        const t = process.hrtime.bigint();
        for (let k = 0; k < count; k++) value = await call();
        totalsNs.push(Number(process.hrtime.bigint() - t));
        keep(value);
      }
      checkValue(label, value);
      jobs.push({ label, impl, threads, totalsNs, medianTotalNs: median(totalsNs), value });
    };

    await time("dot (one thread)", "kernelpool", 1, () => dot(a, b));
    for (const threads of options.threads) {
      const pool = await createPool({ threads });
      try {
        await time(`pool(${threads}).dot, awaited`, "pool", threads, () => pool.dot(a, b));
        await time(`pool(${threads}).dotSync`, "pool-sync", threads, () => pool.dotSync(a, b));
      } finally {
        await pool.close();
      }
    }
    if (!options.skipNumpy && numpyAvailable()) {
      for (const threads of options.numpyThreads) {
        const out = numpySeed({ threads, n, count, repeats: REPEATS });
        checkValue(`numpy ${threads}`, out.value);
        const label = threads === 1 ? "numpy np.dot, 1 thread" : "numpy np.dot, all threads";
        jobs.push({ label, impl: threads === 1 ? "numpy-1" : "numpy-all", threads: threads === 1 ? 1 : availableParallelism(), totalsNs: out.totalsNs, medianTotalNs: out.medianTotalNs, value: out.value });
      }
    } else {
      notes.push("numpy rows skipped (--skip-numpy, or python3 cannot import numpy).");
    }

    const numpyAll = jobs.find((j) => j.impl === "numpy-all");
    const one = jobs.find((j) => j.impl === "kernelpool");
    const header = ["job", "threads", `${count} calls (median of ${REPEATS})`, "per call", "GB/s", "vs numpy all", "vs dot 1 thread"];
    const body = jobs.map((j) => [
      j.label,
      j.impl === "numpy-all" ? "all" : String(j.threads),
      formatTime(j.medianTotalNs),
      formatTime(j.medianTotalNs / count),
      ((16 * n * count) / j.medianTotalNs).toFixed(1),
      formatRatio(numpyAll && j !== numpyAll ? numpyAll.medianTotalNs / j.medianTotalNs : null),
      formatRatio(one && j !== one ? one.medianTotalNs / j.medianTotalNs : null),
    ]);
    report.table(`The seed's job: ${count} × dot(arange(${formatN(n)}), arange(${formatN(n)})), float64`, header, body, notes);
    return { n, count, repeats: REPEATS, fillMs, jobs };
  } finally {
    free(a);
    free(b);
  }
}
