// Timing and the accuracy reference for the demo.

/** Batches last at least this long, so that the timer's resolution (5 µs when isolated, 100 µs otherwise) does not matter. */
const BATCH_MS = 5;
/** Untimed calls first: V8 runs a wasm function's first calls in its baseline tier (DESIGN.md). */
const WARMUP_CALLS = 3;

/** The median time of one call of `call` (sync or async) in ms, over `runs` batches. */
export async function medianMs(call, runs) {
  let sink = 0; // keeps every result live, so no call can be optimised away
  for (let i = 0; i < WARMUP_CALLS; i++) sink += await call();
  const start = performance.now();
  sink += await call();
  const perBatch = Math.max(1, Math.ceil(BATCH_MS / Math.max(performance.now() - start, 0.001)));
  const times = [];
  for (let run = 0; run < runs; run++) {
    const begin = performance.now();
    for (let k = 0; k < perBatch; k++) sink += await call();
    times.push((performance.now() - begin) / perBatch);
  }
  times.sort((x, y) => x - y);
  globalThis.demoSink = sink;
  return times[times.length >> 1];
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
