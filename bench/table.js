// @ts-check
// Plain-text tables for the terminal: one per n, numbers right-aligned, units chosen per value.

/** @typedef {import('./metrics.js').Row} Row */

/**
 * A duration in ns, in the unit that keeps 3 significant digits readable: 338 ns, 41.9 µs, 3.65 ms.
 * @param {number} ns
 */
export function formatTime(ns) {
  // The unit is chosen after rounding to 3 digits: 999.7 ns is "1.00 µs", not "1.00e+3 ns".
  const rounded = Number(ns.toPrecision(3));
  if (rounded < 1e3) return `${rounded.toPrecision(3)} ns`;
  if (rounded < 1e6) return `${(rounded / 1e3).toPrecision(3)} µs`;
  if (rounded < 1e9) return `${(rounded / 1e6).toPrecision(3)} ms`;
  return `${(rounded / 1e9).toPrecision(3)} s`;
}

/** @param {number | null} ratio */
export const formatRatio = (ratio) => (ratio === null ? "–" : `${ratio.toFixed(2)}×`);

/** The lowest and highest round of a ratio: "[0.95–1.10]". @param {{ low: number, high: number }} s */
export const formatBounds = (s) => `[${s.low.toFixed(2)}–${s.high.toFixed(2)}]`;

/** A ratio from rounds, with its lowest and highest: "1.02× [0.95–1.10]". @param {import('./in-turns.js').Spread | undefined} s */
export const formatSpread = (s) => (s === undefined ? "–" : `${formatRatio(s.median)} ${formatBounds(s)}`);

/** @param {number} rate */
export const formatRate = (rate) => (rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2));

/** @typedef {{ title: string, left?: boolean, cell: (r: Row) => string }} Column */

/** @type {Column[]} The serial rows: each against numpy on one thread and the JS loop. */
export const COLUMNS = [
  { title: "case", left: true, cell: (r) => r.name },
  { title: "median", cell: (r) => formatTime(r.medianNs) },
  { title: "GFLOP/s", cell: (r) => formatRate(r.gflops) },
  { title: "GB/s", cell: (r) => formatRate(r.gbps) },
  { title: "vs numpy 1 thr", cell: (r) => formatRatio(r.vsNumpy) },
  { title: "vs JS loop", cell: (r) => formatRatio(r.vsJsLoop) },
];

/** @type {Column[]} The pool rows: against numpy on all threads, the C yardstick and dot on one thread. */
export const POOL_COLUMNS = [
  { title: "case", left: true, cell: (r) => r.name },
  { title: "threads", cell: (r) => String(r.threads) },
  { title: "median", cell: (r) => formatTime(r.medianNs) },
  { title: "GB/s", cell: (r) => formatRate(r.gbps) },
  { title: "vs numpy all", cell: (r) => formatRatio(r.vsNumpyAll) },
  { title: "vs C/OpenMP", cell: (r) => formatRatio(r.vsLimit) },
  { title: "vs dot 1 thread", cell: (r) => formatRatio(r.vsDot1) },
];

/**
 * @param {Row[]} rows  the rows at one n
 * @param {Column[]} [columns]
 * @param {boolean} [markdown]
 * @returns {string}
 */
export function formatTable(rows, columns = COLUMNS, markdown = false) {
  const header = columns.map((c) => c.title);
  const body = rows.map((r) => columns.map((c) => c.cell(r)));
  const left = columns.map((c) => Boolean(c.left));
  return markdown ? markdownTable(header, body, left) : textTable(header, body, left);
}

/**
 * A plain-text table: numbers right-aligned, `left` columns left-aligned.
 * @param {string[]} header
 * @param {string[][]} body
 * @param {boolean[]} [left]  default: the first column only
 */
export function textTable(header, body, left = header.map((_, i) => i === 0)) {
  const cells = [header, ...body];
  const widths = header.map((_, i) => Math.max(...cells.map((line) => line[i]?.length ?? 0)));
  const render = (/** @type {string[]} */ line) =>
    line.map((text, i) => (left[i] ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  return [render(header), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(render)].join("\n");
}

/**
 * The same table in GitHub markdown.
 * @param {string[]} header
 * @param {string[][]} body
 * @param {boolean[]} [left]
 */
export function markdownTable(header, body, left = header.map((_, i) => i === 0)) {
  const line = (/** @type {string[]} */ cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (left[i] ? "---" : "---:"))), ...body.map(line)].join("\n");
}

/**
 * The machine facts printed above the tables.
 * @param {import('./machine.js').Machine} machine
 * @param {Array<Record<string, any>>} external  what each external runner reported when it started
 */
export function formatHeader(machine, external) {
  const k = machine.kernelpool;
  /** @type {Array<[string, string]>} */
  const facts = [
    ["cpu", `${machine.cpu} × ${machine.cores} (availableParallelism ${machine.availableParallelism}), load ${machine.loadavg.map((l) => l.toFixed(2)).join(" ")}`],
    ["memory", `${machine.totalMemGiB} GiB, ${machine.freeMemGiB} GiB free at the start`],
    ["node", `${machine.node} (V8 ${machine.v8}) on ${machine.platform}-${machine.arch}`],
    ["kernel", `${k.variant} (simd ${yes(k.simd)}, relaxed simd ${yes(k.relaxedSimd)}, shared memory ${yes(k.sharedMemory)})`],
    ...external.map((info) => /** @type {[string, string]} */ ([String(info.runner), describeExternal(info)])),
  ];
  const width = Math.max(...facts.map(([key]) => key.length));
  return facts.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join("\n");
}

/** @param {boolean} b */
const yes = (b) => (b ? "yes" : "no");

/** @param {Record<string, any>} info */
function describeExternal(info) {
  if (!info.ok) return `skipped: ${info.reason}`;
  if (info.kernel !== undefined) {
    const perCpu = info.perCpuGBps ? `; one thread pinned to each CPU at 1e7: ${info.perCpuGBps.map((/** @type {number} */ r) => r.toFixed(1)).join(", ")} GB/s` : "";
    return `${info.kernel}, ${info.threads} threads (OMP_NUM_THREADS), gcc -O3 -march=native -ffast-math: ${info.path}${perCpu}`;
  }
  if (info.numpy === undefined) return JSON.stringify(info);
  const blas = info.blas ?? {};
  const library =
    blas.source === "threadpoolctl"
      ? blas.libraries.map((/** @type {any} */ l) => `${l.internal_api} ${l.version} (${l.architecture}, ${l.num_threads} threads)`).join(", ")
      : [blas.name, blas.version, blas.corename && `core ${blas.corename}`, blas.num_threads && `${blas.num_threads} thread${blas.num_threads === 1 ? "" : "s"}`].filter(Boolean).join(" ");
  return `numpy ${info.numpy}, python ${info.python}, BLAS ${library || "unknown"}; OPENBLAS_NUM_THREADS=${info.env?.OPENBLAS_NUM_THREADS ?? "(unset)"}`;
}
