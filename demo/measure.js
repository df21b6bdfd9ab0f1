// Timing and the accuracy reference for the demo.

/**
 * A sample is the mean of calls timed together for at least SAMPLE_MS, the figure the median is
 * taken of, as bench/ does with tinybench: a call at 1e7 is a sample of its own, so a call that a
 * descheduled worker stretched counts as one slow sample, not as a share of its batch's mean.
 * 2 ms is 400 ticks of the timer of an isolated page (5 µs) and 20 of one that is not (100 µs).
 * Pool over one thread at 1e7 in Chromium on the 2-core VM, eight demo runs, both statistics from
 * the same batches: batch means ×1.37–1.65 (median ×1.56), median samples ×1.45–1.77 (×1.70).
 */
const SAMPLE_MS = 2;
/**
 * The rows take turns in batches of samples lasting at least BATCH_MS, so a change in the
 * machine's load during the benchmark hits them all alike. At 1e7 a pool batch holds 30–40 calls:
 * it measures the pool's pace rather than its first calls after the other rows' batches, when the
 * workers (and, on a VM, the idle vCPU) have gone to sleep. Batch means at 1e7 in Chromium here,
 * demo runs in alternating pairs: 25 ms batches median ×1.31 over eight runs, 100 ms ×1.40.
 */
const BATCH_MS = 100;
/** Untimed calls first: V8 runs a wasm function's first calls in its baseline tier (Liftoff), ~1.4× slower. */
const WARMUP_CALLS = 3;

/**
 * Times several calls (sync or async) against each other. Each run times one batch of every
 * call in turn, the order rotating. Returns, per call, the median over runs of its batch's
 * median sample, in ms per call (`ms`), and the median over runs of that figure divided by
 * `baseline`'s in the same run (`ratio`): how many times faster the baseline is, measured
 * pairwise.
 * @param {Record<string, () => number | Promise<number>>} calls
 * @param {string} baseline  a key of calls
 * @param {number} runs
 * @param {{ stopped?: () => boolean, onRun?: (run: number) => void }} [options]  `stopped` is asked
 *   between batches, and true rejects with a Stopped; `onRun` hears each run begin
 */
export async function interleavedMedians(calls, baseline, runs, { stopped, onRun } = {}) {
  let sink = 0; // keeps every result live, so no call can be optimised away
  const names = Object.keys(calls);
  const perSample = {};
  for (const name of names) {
    for (let i = 0; i < WARMUP_CALLS; i++) sink += await calls[name]();
    perSample[name] = 1;
  }
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    onRun?.(run);
    for (let k = 0; k < names.length; k++) {
      if (stopped?.() === true) throw new Stopped();
      const name = names[(run + k) % names.length];
      const samples = [];
      for (const begin = performance.now(); samples.length === 0 || performance.now() - begin < BATCH_MS; ) {
        const start = performance.now();
        for (let i = 0; i < perSample[name]; i++) sink += await calls[name]();
        const elapsed = performance.now() - start;
        // Too short to time: dropped, and the samples after it are twice as long. Never shortened,
        // so one slow call (a collection, a paint) cannot leave samples shorter than the timer's tick.
        if (elapsed < SAMPLE_MS) perSample[name] *= 2;
        else samples.push(elapsed / perSample[name]);
      }
      times[name].push(median(samples));
      // A task turn between batches, so the page paints and answers input: calls that settle at
      // once (short pool.dot, dot, the JS loop) only queue microtasks, which never yield.
      await new Promise((resolve) => setTimeout(resolve));
    }
  }
  globalThis.demoSink = sink;
  const ms = {};
  const ratio = {};
  for (const name of names) {
    ms[name] = median(times[name]);
    ratio[name] = median(times[name].map((t, run) => t / times[baseline][run]));
  }
  return { ms, ratio };
}

/** What interleavedMedians rejects with when asked to stop. (AbortSignal.throwIfAborted is Chrome 100.) */
export class Stopped extends Error {
  constructor() {
    super("the run was stopped");
  }
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1];
}

/** Σ a[i]·b[i] in a plain JavaScript loop: the baseline a user would write. */
export function jsDot(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/**
 * |value − reference| / |reference|, with the reference as dot2 gives it: its low part keeps
 * the fraction of an ulp that rounding the reference to one f64 would lose (an error of 3.5e-17
 * read 0).
 * @param {number} value
 * @param {{ high: number, low: number }} reference
 */
export function relativeError(value, { high, low }) {
  return Math.abs(value - high - low) / Math.abs(high);
}

/**
 * Σ a[i]·b[i] as accurate as twice f64: Dot2 of Ogita, Rump and Oishi, "Accurate sum and dot
 * product", SIAM J. Sci. Comput. 26(6), 2005, Algorithm 5.3, with Dekker's TwoProduct. Returns
 * the sum unrounded, as high + low: high is the f64 nearest it, low what is left.
 */
export function dot2(a, b) {
  let p = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const h = x * y;
    const [xh, xl] = split(x);
    const [yh, yl] = split(y);
    const r = xl * yl - (h - xh * yh - xl * yh - xh * yl);
    const q = p + h;
    const z = q - p;
    s += p - (q - z) + (h - z) + r;
    p = q;
  }
  const high = p + s;
  return { high, low: s - (high - p) };
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for splitting a double

function split(x) {
  const c = SPLITTER * x;
  const high = c - (c - x);
  return [high, x - high];
}
