// @ts-check
// Calls now and then. The other suites time calls back to back, where the pool's workers poll
// between calls; here each sample is one call made PAUSE_MS after the last one ended, by when the
// workers sleep (they poll for 50 µs after a job) and the machine's caches and clocks may have
// gone to other work. Rows: `dot` on this thread, pool.dotSync and awaited pool.dot on the most
// threads, taking turns sample by sample so that a change in the machine's load hits all three
// alike, and numpy on all threads, timed the same way in a child process (OpenBLAS's threads poll
// for far longer before they sleep).
import { createPool, dot, f64, free } from "kernelpool";
import { check, fill } from "./data.js";
import { formatN } from "./naming.js";
import { numpyAfterPause, numpyAvailable } from "./numpy.js";
import { formatRatio, formatTime } from "./table.js";
import { keep, median } from "./timing.js";

/** The pause before each timed call, in ms: past the workers' poll, and a 200 Hz caller's period. */
export const PAUSE_MS = 5;
/** Calls timed per row and n. */
export const SAMPLES = 40;
/**
 * f64 lengths. What runs alone after a pause is learnt by each pool (src/pool/waking.ts): 1e5 ran
 * alone on both machines measured, 5e5 alone on the 2-core VM and woken on the 16-core device,
 * 1e6 near the 2-core VM's edge, and 2e6 woken on both.
 */
const SIZES = [1e5, 5e5, 1e6, 2e6];

const pause = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {import('./cli.js').Options} options
 * @param {import('./report.js').Report} report
 */
export async function runPause(options, report) {
  const threads = Math.max(...options.threads);
  const withNumpy = !options.skipNumpy && numpyAvailable();
  process.stderr.write(`timing calls after a ${PAUSE_MS} ms pause …\n`);
  const pool = await createPool({ threads });
  /** @type {{ n: number, label: string, medianNs: number }[]} */
  const rows = [];
  const body = [];
  try {
    for (const n of SIZES) {
      const x = f64(n);
      const y = f64(n);
      fill(x, y);
      try {
        /** @type {[string, () => number | Promise<number>][]} */
        const calls = [
          ["dot, one thread", () => dot(x, y)],
          [`pool(${threads}).dotSync`, () => pool.dotSync(x, y)],
          [`pool(${threads}).dot, awaited`, () => pool.dot(x, y)],
        ];
        /** @type {number[][]} */
        const samples = calls.map(() => []);
        for (const [label, call] of calls) check(`${label}:n=${formatN(n)}`, "f64", n, await call());
        for (let s = 0; s < SAMPLES; s++) {
          for (const [i, [, call]] of calls.entries()) {
            await pause(PAUSE_MS);
            const t = process.hrtime.bigint();
            keep(await call());
            samples[i]?.push(Number(process.hrtime.bigint() - t));
          }
        }
        const medians = samples.map(median);
        calls.forEach(([label], i) => rows.push({ n, label, medianNs: medians[i] ?? Number.NaN }));
        let numpyNs = null;
        if (withNumpy) {
          const out = numpyAfterPause({ threads: "all", n, pauseMs: PAUSE_MS, samples: SAMPLES });
          check(`numpy all threads after a pause:n=${formatN(n)}`, "f64", n, out.value);
          numpyNs = out.medianNs;
          rows.push({ n, label: "numpy, all threads", medianNs: numpyNs });
        }
        const [one = NaN, sync = NaN, awaited = NaN] = medians;
        body.push([
          formatN(n),
          formatTime(one),
          formatTime(sync),
          formatTime(awaited),
          numpyNs === null ? "–" : formatTime(numpyNs),
          formatRatio(numpyNs === null ? null : numpyNs / sync),
          formatRatio(numpyNs === null ? null : numpyNs / awaited),
          formatRatio(one / sync),
        ]);
      } finally {
        free(x);
        free(y);
      }
    }
  } finally {
    await pool.close();
  }
  const header = ["n", "dot, one thread", `pool(${threads}).dotSync`, `pool(${threads}).dot`, "numpy all threads", "dotSync vs numpy", "dot vs numpy", "dotSync vs dot"];
  const notes = [`Median of ${SAMPLES} calls, each ${PAUSE_MS} ms after the last ended; the three JS rows take turns call by call.`];
  if (!withNumpy) notes.push("numpy rows skipped (--skip-numpy, or python3 cannot import numpy).");
  report.table(`Calls after a ${PAUSE_MS} ms pause, f64 arena arrays`, header, body, notes);
  return { pauseMs: PAUSE_MS, samples: SAMPLES, threads, rows };
}
