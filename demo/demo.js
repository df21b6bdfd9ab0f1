// The demo page: shows what this browser offers, runs the benchmark from the form or from URL
// parameters (?n=1e5,1e6&threads=2&runs=15&autorun=1), and puts everything on window.demo, where
// the Chromium test reads it.
import { capabilities, createPool, dot, f64, free } from "kernelpool";
import { drawChart } from "./chart.js";
import { dot2, interleavedMedians, jsDot } from "./measure.js";

const form = document.querySelector("#controls");
const status = document.querySelector("#status");
const state = (window.demo = { state: "idle", capabilities: undefined, results: [], error: undefined });

const caps = capabilities();
state.capabilities = {
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  simd: caps.simd,
  relaxedSimd: caps.relaxedSimd,
  variant: caps.variant,
  hardwareThreads: navigator.hardwareConcurrency,
};
showCapabilities(state.capabilities);

const params = new URLSearchParams(location.search);
form.n.value = params.get("n") ?? form.n.value;
form.threads.value = params.get("threads") ?? String(navigator.hardwareConcurrency);
form.runs.value = params.get("runs") ?? form.runs.value;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  void run();
});
if (params.get("autorun") === "1") void run();

async function run() {
  if (state.state === "running") return;
  Object.assign(state, { state: "running", results: [], error: undefined, threads: undefined, singleThreadReason: undefined });
  showCapabilities(state.capabilities);
  const tbody = document.querySelector("#results tbody");
  tbody.replaceChildren();
  drawChart(document.querySelector("#chart"), []);
  try {
    const sizes = parseSizes(form.n.value);
    const runs = parseRuns(form.runs.value);
    const pool = await createPool({ threads: parseThreads(form.threads.value) });
    state.threads = pool.threads;
    state.singleThreadReason = pool.singleThreadReason;
    showCapabilities({ ...state.capabilities, poolThreads: pool.threads, singleThreadReason: pool.singleThreadReason ?? "none" });
    try {
      for (const n of sizes) {
        status.textContent = `n = ${n.toLocaleString()}…`;
        await new Promise((resolve) => setTimeout(resolve)); // let the page paint between sizes
        const row = await measure(pool, n, runs);
        state.results.push(row);
        tbody.append(rowElement(row));
        drawChart(document.querySelector("#chart"), state.results);
      }
    } finally {
      await pool.close();
    }
    state.state = "done";
    status.textContent = "done";
  } catch (error) {
    Object.assign(state, { state: "failed", error: String(error?.stack ?? error) });
    status.textContent = `failed: ${error?.message ?? error}`;
  }
}

async function measure(pool, n, runs) {
  // Values in [0, 1) keep the sum away from cancellation, so the relative error means something.
  const a = f64(n);
  let b;
  try {
    b = f64(n); // within the try: where it does not fit, `a` is freed all the same
    for (let i = 0; i < n; i++) {
      a[i] = Math.random();
      b[i] = Math.random();
    }
    const reference = dot2(a, b);
    const value = await pool.dot(a, b);
    const { ms, ratio } = await interleavedMedians({ pool: () => pool.dot(a, b), single: () => dot(a, b), js: () => jsDot(a, b) }, "pool", runs);
    const gflops = Object.fromEntries(Object.entries(ms).map(([key, t]) => [key, (2 * n) / (t * 1e6)]));
    return {
      n,
      ms,
      gflops,
      gbps: (16 * n) / (ms.pool * 1e6),
      // Each the median of per-run ratios, the batches timed side by side (measure.js).
      speedupOverOneThread: ratio.single,
      speedupOverJs: ratio.js,
      relativeError: Math.abs(value - reference) / Math.abs(reference),
    };
  } finally {
    free(a);
    if (b !== undefined) free(b);
  }
}

/**
 * Empty for createPool's default (every core); else an integer, whose range createPool checks.
 * threads=0 and threads=abc from the URL ran the default.
 */
function parseThreads(text) {
  if (text.trim() === "") return undefined;
  const threads = Number(text);
  if (!Number.isInteger(threads)) throw new RangeError(`threads must be an integer, or empty for every core; got "${text}"`);
  return threads;
}

/**
 * The form's min and max, which a value from the URL bypasses: runs=1e9 froze the tab, and
 * runs=0 ran 15 where runs=-5 ran 3.
 */
function parseRuns(text) {
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 3 || runs > 1000) throw new RangeError(`runs must be an integer from 3 to 1000; got "${text}"`);
  return runs;
}

function parseSizes(text) {
  const sizes = text.split(",").map((part) => Number(part.trim()));
  for (const n of sizes) if (!Number.isInteger(n) || n < 1 || n > 1e8) throw new RangeError(`n must be integers from 1 to 1e8; got "${text}"`);
  return sizes;
}

function rowElement(row) {
  const tr = document.createElement("tr");
  const time = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
  for (const cell of [
    row.n.toExponential(0).replace("e+", "e"),
    time(row.ms.pool),
    time(row.ms.single),
    time(row.ms.js),
    row.gflops.pool.toFixed(2),
    row.gbps.toFixed(1),
    `${row.speedupOverOneThread.toFixed(2)}×`,
    `${row.speedupOverJs.toFixed(1)}×`,
    row.relativeError.toExponential(1),
  ]) {
    const td = document.createElement("td");
    td.textContent = cell;
    tr.append(td);
  }
  return tr;
}

function showCapabilities(values) {
  const labels = {
    crossOriginIsolated: "cross-origin isolated",
    simd: "WebAssembly SIMD",
    relaxedSimd: "relaxed SIMD",
    variant: "kernel build",
    hardwareThreads: "hardware threads",
    poolThreads: "pool threads",
    singleThreadReason: "why one thread",
  };
  const list = document.querySelector("#capabilities");
  list.replaceChildren();
  for (const [key, value] of Object.entries(values)) {
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = labels[key] ?? key;
    dd.textContent = typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
    if (typeof value === "boolean") dd.className = value ? "yes" : "no";
    list.append(dt, dd);
  }
}
