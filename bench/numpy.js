// @ts-check
// numpy rows, timed in a python3 subprocess (numpy_dot.py) by the same method as the JS rows.
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { rowName } from "./naming.js";

/** @typedef {import('./types.js').ExternalRunner} ExternalRunner */
/** @typedef {import('./types.js').Precision} Precision */

const SCRIPT = fileURLToPath(new URL("./numpy_dot.py", import.meta.url));

/**
 * How long to leave the machine idle after numpy on all threads, in ms: OpenBLAS's helper threads
 * spin for ~0.1 s after their last call (110 ms of CPU in 0.3 s idle, measured on the 2-core VM),
 * and would take a core from what is timed next.
 */
export const OPENBLAS_SETTLE_MS = 150;

/** The interpreter; PYTHON overrides it for a virtual environment. */
const PYTHON = process.env.PYTHON ?? "python3";

/**
 * The child's environment. This machine sets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for old
 * OpenBLAS builds and they slow a current numpy, so they are removed here, for the child only;
 * the parent's env and the tests keep them.
 * One thread: OPENBLAS_NUM_THREADS=1, which OpenBLAS reads before GOTO_ and OMP_NUM_THREADS.
 * All threads: none of the three, so OpenBLAS uses every core (it threads ddot only above ~10k
 * elements; sdot stays single-threaded).
 * @param {1 | 'all'} threads
 */
export function numpyEnv(threads) {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (threads === 1) {
    env.OPENBLAS_NUM_THREADS = "1";
  } else {
    delete env.OPENBLAS_NUM_THREADS;
    delete env.GOTO_NUM_THREADS;
    delete env.OMP_NUM_THREADS;
  }
  return env;
}

/**
 * @param {string[]} args
 * @param {1 | 'all'} threads
 */
function runScript(args, threads) {
  const child = spawnSync(PYTHON, [SCRIPT, ...args], { env: numpyEnv(threads), encoding: "utf8", maxBuffer: 1 << 20 });
  if (child.error) throw child.error;
  if (child.status !== 0) throw new Error(`numpy_dot.py failed (exit ${child.status}): ${child.stderr.trim()}`);
  return JSON.parse(child.stdout);
}

/**
 * @param {{ threads: 1 | 'all' }} options
 * @returns {ExternalRunner}
 */
export function numpyRunner({ threads }) {
  const suffix = threads === 1 ? "" : " all-threads";
  return {
    name: `numpy${suffix}`,
    available() {
      const probe = spawnSync(PYTHON, ["-c", "import numpy"], { env: numpyEnv(threads), encoding: "utf8" });
      if (probe.error || probe.status !== 0) {
        return { ok: false, reason: `${PYTHON} -c "import numpy" failed: ${(probe.error?.message ?? probe.stderr).trim()}` };
      }
      const info = runScript(["--info"], threads);
      return { ok: true, info: { threads, numpy: info.numpy, python: info.python, blas: info.blas, env: info.env } };
    },
    measure(n, budget) {
      const out = runScript(
        [
          "--n", String(n),
          "--time-ms", String(budget.time),
          "--warmup-ms", String(budget.warmupTime),
          "--batch-ms", String(budget.batchMs),
          "--min-batches", String(budget.iterations),
          "--warmup-batches", String(budget.warmupIterations),
        ],
        threads,
      );
      return out.results.map((/** @type {any} */ r) => {
        const label = `numpy ${r.precision}${suffix}`;
        return {
          name: rowName(label, n),
          label,
          impl: "numpy",
          precision: /** @type {Precision} */ (r.precision),
          n,
          threads: threads === 1 ? 1 : availableParallelism(),
          variant: threads === 1 ? "1" : "all",
          medianNs: r.median_ns,
          samples: r.samples,
          reps: r.reps,
          value: r.value,
        };
      });
    },
  };
}

/**
 * numpy.dot of f64 operands (data.js), one call at a time, each `pauseMs` after the last: the
 * median of `samples` calls and the value (pause.js).
 * @param {{ threads: 1 | 'all', n: number, pauseMs: number, samples: number }} options
 * @returns {{ medianNs: number, value: number }}
 */
export function numpyAfterPause({ threads, n, pauseMs, samples }) {
  const out = runScript(["--n", String(n), "--precisions", "f64", "--pause-ms", String(pauseMs), "--samples", String(samples)], threads);
  return { medianNs: out.results[0].median_ns, value: out.results[0].value };
}

/**
 * numpy_dot.py --serve in a child process that stays up. `measure` times np.dot at one n and
 * precision for about `timeMs` (the median of batches of `batchMs`, as the sweep's rows) and
 * resolves to its median and value; `seedJob` times one seed job, `count` np.dot calls on
 * arange(n), kept for the next request. Requests are answered in order. A request rejects, and
 * the child is ended, where the child fails, dies or gives no answer in time. `close` ends it.
 * @param {1 | 'all'} threads
 */
export function numpyServer(threads) {
  const child = spawn(PYTHON, [SCRIPT, "--serve"], { env: numpyEnv(threads), stdio: ["pipe", "pipe", "inherit"] });
  /** @type {Error | undefined} why the child can answer no more: it failed to start, or its stdin broke */
  let failed;
  child.on("error", (error) => (failed ??= error));
  child.stdin.on("error", (error) => (failed ??= error));
  // Read through a call: set in callbacks, it may change across an await.
  const failure = () => failed;
  /** @type {Promise<string>} */
  const closed = new Promise((resolve) => child.once("close", (code, signal) => resolve(`exit ${code ?? signal}`)));
  const replies = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  /**
   * Sends one request and resolves to the child's reply, parsed.
   * @param {object} request
   * @param {string} what  the request, for errors
   * @param {number} limitMs  how long an answer may take before the child counts as hung
   */
  const ask = async (request, what, limitMs) => {
    const early = failure();
    if (early !== undefined) throw new Error(`${what}: ${early.message}`);
    child.stdin.write(`${JSON.stringify(request)}\n`);
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const late = new Promise((resolve) => (timer = setTimeout(resolve, limitMs, "late")));
    const reply = await Promise.race([replies.next(), late]);
    clearTimeout(timer);
    if (reply === "late") {
      child.kill();
      throw new Error(`${what} gave no answer in ${limitMs / 1000} s`);
    }
    const { done, value } = /** @type {IteratorResult<string>} */ (reply);
    if (done) throw new Error(`${what} ended (${await closed}) before answering${failure() ? `: ${failure()?.message}` : ""}`);
    return JSON.parse(value);
  };
  // Building 1e8 operands takes seconds; a minute more than the work is a hang.
  const HANG_MS = 60_000;
  return {
    /**
     * @param {number} n
     * @param {Precision} precision
     * @param {{ timeMs: number, batchMs: number }} budget
     * @returns {Promise<{ medianNs: number, value: number }>}
     */
    async measure(n, precision, { timeMs, batchMs }) {
      const request = { n, precision, time_ms: timeMs, warmup_ms: timeMs / 4, batch_ms: batchMs, min_batches: 3, warmup_batches: 1 };
      const out = await ask(request, `numpy_dot.py --serve at n = ${n} ${precision}`, HANG_MS + 10 * timeMs);
      return { medianNs: out.median_ns, value: out.value };
    },
    /**
     * @param {number} n
     * @param {number} count
     * @returns {Promise<{ totalNs: number, value: number }>}
     */
    async seedJob(n, count) {
      // np.dot streams 16n bytes a call at no less than ~1 GB/s on any machine this runs on.
      const out = await ask({ seed: true, n, count }, `numpy_dot.py --serve, seed job at n = ${n}`, HANG_MS + (count * 16 * n) / 1e6);
      return { totalNs: out.total_ns, value: out.value };
    },
    close() {
      child.stdin.end();
    },
  };
}

/** Whether python3 can import numpy (without starting a runner). */
export function numpyAvailable() {
  const probe = spawnSync(PYTHON, ["-c", "import numpy"], { env: numpyEnv(1), encoding: "utf8" });
  return !probe.error && probe.status === 0;
}
