// GFLOP/s across n as an inline SVG line chart: log-scaled n, one line per method.
const SVG = "http://www.w3.org/2000/svg";
const MARGIN = { left: 48, right: 110, top: 12, bottom: 32 };
export const SERIES = [
  { key: "pool", label: "pool", color: "#1a73e8" },
  { key: "single", label: "one thread", color: "#e8710a" },
  { key: "js", label: "JS loop", color: "#7a7f85" },
];

/** Draws rows ({ n, gflops: { pool, single, js } }) into the svg element, replacing what was there. */
export function drawChart(svg, rows) {
  svg.replaceChildren();
  if (rows.length === 0) return;
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const logs = rows.map((row) => Math.log10(row.n));
  const [lo, hi] = [Math.min(...logs), Math.max(...logs)];
  const top = Math.max(...rows.flatMap((row) => SERIES.map((s) => row.gflops[s.key]))) * 1.1;
  const x = (n) => MARGIN.left + (hi === lo ? plotW / 2 : ((Math.log10(n) - lo) / (hi - lo)) * plotW);
  const y = (g) => MARGIN.top + plotH - (g / top) * plotH;

  add(svg, "line", { x1: MARGIN.left, y1: MARGIN.top + plotH, x2: MARGIN.left + plotW, y2: MARGIN.top + plotH, stroke: "#9aa4ae" });
  add(svg, "line", { x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: MARGIN.top + plotH, stroke: "#9aa4ae" });
  for (const row of rows) add(svg, "text", { x: x(row.n), y: height - 12, "text-anchor": "middle" }, `1e${Math.log10(row.n).toFixed(1).replace(/\.0$/, "")}`);
  for (let i = 0; i <= 4; i++) add(svg, "text", { x: MARGIN.left - 6, y: y((top * i) / 4) + 4, "text-anchor": "end" }, ((top * i) / 4).toFixed(1));
  add(svg, "text", { x: MARGIN.left + plotW / 2, y: height - 1, "text-anchor": "middle" }, "n (log scale)");
  add(svg, "text", { x: width - MARGIN.right + 10, y: MARGIN.top + 2 }, "GFLOP/s");
  SERIES.forEach((series, i) => {
    const points = rows.map((row) => `${x(row.n)},${y(row.gflops[series.key])}`).join(" ");
    add(svg, "polyline", { points, fill: "none", stroke: series.color, "stroke-width": 2 });
    for (const row of rows) add(svg, "circle", { cx: x(row.n), cy: y(row.gflops[series.key]), r: 3, fill: series.color });
    add(svg, "text", { x: width - MARGIN.right + 10, y: MARGIN.top + 22 + i * 18, style: `fill: ${series.color}` }, series.label);
  });
}

function add(parent, name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  parent.append(node);
  return node;
}
