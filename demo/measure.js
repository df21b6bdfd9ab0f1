// Timing and the accuracy reference for the demo.

/**
 * Batches last at least this long: the timer's resolution (5 µs when isolated, 100 µs otherwise)
 * then does not matter, and at 1e7 a pool batch holds ~25 calls, so it measures the pool's pace
 * rather than its first calls after the other rows' batches, when the workers (and, on a VM, the
 * idle vCPU) have gone to sleep. Pool over one thread at 1e7 in Chromium here, demo runs in
 * alternating pairs: 5 ms ×1.21/×1.28/×1.15; 25 ms ×1.28/×1.33/×1.44, and later
 * ×1.26/1.35/1.34/1.29/1.24/1.24/1.36/1.35 (median 1.31); 100 ms, paired with those last eight,
 * ×1.47/1.63/1.47/1.30/1.43/1.23/1.34/1.36 (median 1.40). The same page timing blocks of 15
 * back-to-back calls per row gave ×1.45 to ×2.2, as Node did in the same minutes.
 */
const BATCH_MS = 100;
/** Untimed calls first: V8 runs a wasm function's first calls in its baseline tier (DESIGN.md). */
const WARMUP_CALLS = 3;

/**
 * Times several calls (sync or async) against each other. Each run times one batch of every
 * call in turn, the order rotating, so a change in the machine's load during the benchmark
 * hits them all alike. Returns, per call, the median time of one call in ms (`ms`) and the
 * median over runs of its time divided by `baseline`'s in the same run (`ratio`): how many times
 * faster the baseline is, measured pairwise.
 * @param {Record<string, () => number | Promise<number>>} calls
 * @param {string} baseline  a key of calls
 * @param {number} runs
 */
export async function interleavedMedians(calls, baseline, runs) {
  let sink = 0; // keeps every result live, so no call can be optimised away
  const names = Object.keys(calls);
  const perBatch = {};
  for (const name of names) {
    for (let i = 0; i < WARMUP_CALLS; i++) sink += await calls[name]();
    const start = performance.now();
    sink += await calls[name]();
    perBatch[name] = Math.max(1, Math.ceil(BATCH_MS / Math.max(performance.now() - start, 0.001)));
  }
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(run + k) % names.length];
      const begin = performance.now();
      for (let i = 0; i < perBatch[name]; i++) sink += await calls[name]();
      times[name].push((performance.now() - begin) / perBatch[name]);
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
 * Σ a[i]·b[i] as accurate as twice f64: Dot2 of Ogita, Rump and Oishi, "Accurate sum and dot
 * product", SIAM J. Sci. Comput. 26(6), 2005, Algorithm 5.3, with Dekker's TwoProduct.
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
  return p + s;
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for splitting a double

function split(x) {
  const c = SPLITTER * x;
  const high = c - (c - x);
  return [high, x - high];
}
