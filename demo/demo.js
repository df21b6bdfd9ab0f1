// The demo page: shows what this browser offers, runs the benchmark from the form or from URL
// parameters (?n=1e5,1e6&threads=2&runs=15&autorun=1), and puts everything on window.demo, where
// the Chromium test reads it: `state` is "loading", "idle", "running", "done", "stopped" or
// "failed", with `error` saying why it failed.
import { drawChart } from "./chart.js";
import { dot2, interleavedMedians, jsDot, relativeError, Stopped } from "./measure.js";
import { parseQuery, parseRuns, parseSizes, parseThreads } from "./params.js";

const form = document.querySelector("#controls");
const status = document.querySelector("#status");
const runButton = document.querySelector("#run");
const stopButton = document.querySelector("#stop");
const state = (window.demo = { state: "loading", capabilities: undefined, results: [], error: undefined });
/** Set by Stop, read between two batches of the run under way. */
let stopRequested = false;

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void run();
});
stopButton.addEventListener("click", () => (stopRequested = true));

// Loaded here rather than imported above, so that a page whose kernelpool does not load (dist/ or
// build/ not built, or not served) says so instead of staying blank.
let kernelpool;
try {
  kernelpool = await import("kernelpool");
} catch (error) {
  failed(error, "kernelpool did not load (run `npm run build`, and serve the repository's root): ");
}
if (kernelpool !== undefined) start();

function start() {
  const caps = kernelpool.capabilities();
  state.capabilities = {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    secureContext: globalThis.isSecureContext === true,
    sharedMemory: caps.sharedMemory,
    simd: caps.simd,
    relaxedSimd: caps.relaxedSimd,
    variant: caps.variant,
    hardwareThreads: navigator.hardwareConcurrency,
  };
  showCapabilities(state.capabilities);
  // Workers need isolation: without it a pool runs on this thread alone, whatever it is asked.
  form.threads.value = state.capabilities.crossOriginIsolated ? String(navigator.hardwareConcurrency) : "1";
  state.state = "idle";
  runButton.disabled = false;
  let query;
  try {
    query = parseQuery(location.search);
  } catch (error) {
    failed(error);
    return;
  }
  for (const [key, value] of Object.entries(query.fields)) form[key].value = value;
  if (query.autorun) void run();
}

async function run() {
  if (state.state === "running" || state.state === "loading") return;
  Object.assign(state, { state: "running", results: [], error: undefined, threads: undefined, singleThreadReason: undefined });
  showCapabilities(state.capabilities);
  const tbody = document.querySelector("#results tbody");
  tbody.replaceChildren();
  drawChart(document.querySelector("#chart"), []);
  runButton.disabled = true;
  stopButton.disabled = false;
  stopRequested = false;
  let sizes = [];
  try {
    sizes = parseSizes(form.n.value);
    const runs = parseRuns(form.runs.value);
    const pool = await kernelpool.createPool({ threads: parseThreads(form.threads.value) });
    state.threads = pool.threads;
    state.singleThreadReason = pool.singleThreadReason;
    showCapabilities({ ...state.capabilities, poolThreads: pool.threads, singleThreadReason: pool.singleThreadReason ?? "none" });
    try {
      for (const [index, n] of sizes.entries()) {
        const size = `n = ${n.toLocaleString()} (${index + 1} of ${sizes.length})`;
        status.textContent = `${size}…`;
        await new Promise((resolve) => setTimeout(resolve)); // let the page paint between sizes
        const onRun = (k) => (status.textContent = `${size}: run ${k + 1} of ${runs}…`);
        const row = await measure(pool, n, runs, { stopped: () => stopRequested, onRun });
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
    if (error instanceof Stopped) {
      state.state = "stopped";
      status.textContent = `stopped, with ${state.results.length} of ${sizes.length} sizes measured`;
    } else failed(error);
  } finally {
    runButton.disabled = false;
    stopButton.disabled = true;
  }
}

function failed(error, context = "") {
  Object.assign(state, { state: "failed", error: context + String(error?.stack ?? error) });
  status.textContent = `failed: ${context}${error?.message ?? error}`;
}

async function measure(pool, n, runs, options) {
  // Values in [0, 1) keep the sum away from cancellation, so the relative error means something.
  const a = kernelpool.f64(n);
  let b;
  try {
    b = kernelpool.f64(n); // within the try: where it does not fit, `a` is freed all the same
    for (let i = 0; i < n; i++) {
      a[i] = Math.random();
      b[i] = Math.random();
    }
    const reference = dot2(a, b);
    const value = await pool.dot(a, b);
    const calls = { pool: () => pool.dot(a, b), single: () => kernelpool.dot(a, b), js: () => jsDot(a, b) };
    const { ms, ratio } = await interleavedMedians(calls, "pool", runs, options);
    const gflops = Object.fromEntries(Object.entries(ms).map(([key, t]) => [key, (2 * n) / (t * 1e6)]));
    return {
      n,
      ms,
      gflops,
      gbps: (16 * n) / (ms.pool * 1e6),
      // Each the median of per-run ratios, the batches timed side by side (measure.js).
      speedupOverOneThread: ratio.single,
      speedupOverJs: ratio.js,
      relativeError: relativeError(value, reference),
    };
  } finally {
    kernelpool.free(a);
    if (b !== undefined) kernelpool.free(b);
  }
}

function rowElement(row) {
  const tr = document.createElement("tr");
  const time = (ms) => (ms < 1 ? `${(ms * 1000).toPrecision(3)} µs` : `${ms.toPrecision(3)} ms`);
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
    secureContext: "secure context",
    sharedMemory: "shared memory",
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
