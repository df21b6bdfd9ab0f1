// @ts-check
// The native yardstick (../shared/limit/run: C, -O3 -march=native -ffast-math, OpenMP), run in a
// subprocess at every core (OMP_NUM_THREADS = availableParallelism()) for the same n. What it
// reaches at large n is, for practical purposes, this machine's limit for an f64 dot.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { rowName } from "./naming.js";

/** @typedef {import('./types.js').ExternalRunner} ExternalRunner */

export const LIMIT_LABEL = "C/OpenMP f64";

/**
 * @param {{ path: string, threads?: number }} options
 * @returns {ExternalRunner}
 */
export function limitRunner({ path, threads = availableParallelism() }) {
  // The run script compiles into $TMPDIR: a private one, so two runs at once do not share a
  // binary; removed when the benchmark exits.
  const dir = mkdtempSync(join(tmpdir(), "kernelpool-limit-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), TMPDIR: dir };
  /** @param {number[]} sizes */
  const run = (sizes) => {
    const child = spawnSync(path, sizes.map(String), { env, encoding: "utf8", maxBuffer: 1 << 20 });
    if (child.error) throw child.error;
    if (child.status !== 0) throw new Error(`${path} failed (exit ${child.status}): ${child.stderr.trim()}`);
    return child.stdout.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line));
  };
  return {
    name: "C/OpenMP yardstick",
    unchecked: true,
    available() {
      if (!existsSync(path)) return { ok: false, reason: `${path} not found (--limit PATH points elsewhere)` };
      try {
        const [probe] = run([1000]);
        return { ok: true, info: { path, threads: probe.threads, kernel: probe.kernel, perCpuGBps: perCpuBandwidth(path, env) } };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },
    measure(n) {
      return run([n]).map((r) => ({
        name: rowName(LIMIT_LABEL, n),
        label: LIMIT_LABEL,
        impl: "c-openmp",
        precision: /** @type {const} */ ("f64"),
        n,
        threads: r.threads,
        medianNs: r.us * 1e3,
        samples: 7,
        reps: n < 200000000 / 3 ? Math.floor(200000000 / n) : 3,
        value: Number.NaN, // its data differ from data.js (no offsets), so nothing to check
      }));
    },
  };
}

/**
 * GB/s of the yardstick on one thread pinned to each CPU in turn, at n = 1e7 (from DRAM), or
 * undefined without `taskset` or a reading: the 2-core VM's vCPUs streamed at 29 and 43 GB/s, so
 * a one-thread figure depends on where the OS puts the thread. A side figure: it never costs the
 * yardstick its rows.
 * @param {string} path
 * @param {NodeJS.ProcessEnv} env
 * @returns {number[] | undefined}
 */
function perCpuBandwidth(path, env) {
  const rates = [];
  for (let cpu = 0; cpu < cpus().length; cpu++) {
    const child = spawnSync("taskset", ["-c", String(cpu), path, "10000000"], { env: { ...env, OMP_NUM_THREADS: "1" }, encoding: "utf8" });
    if (child.error || child.status !== 0) return undefined;
    try {
      const rate = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "").GBps;
      if (typeof rate !== "number") return undefined;
      rates.push(rate);
    } catch {
      return undefined;
    }
  }
  return rates;
}
