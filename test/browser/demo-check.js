// Loads the demo page with URL parameters, waits for its benchmark, checks that the numbers are
// sane (not fast: speed is reported, never asserted) and saves a screenshot in test-results/.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const RESULTS = fileURLToPath(new URL("../../test-results/", import.meta.url));
const SIZES = [1e5, 1e6, 1e7];

export async function checkDemo(context, baseUrl) {
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl}demo/?n=${SIZES.join(",")}&threads=2&runs=15&autorun=1`);
    await page.waitForFunction(() => ["done", "failed"].includes(window.demo?.state), null, { timeout: 180_000 });
    const demo = await page.evaluate(() => window.demo);
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: `${RESULTS}demo.png`, fullPage: true });
    if (demo.state !== "done") throw new Error(`the demo failed: ${demo.error}`);
    if (!demo.capabilities.crossOriginIsolated || demo.threads !== 2) throw new Error(`expected an isolated page and 2 threads: ${JSON.stringify(demo)}`);
    if (demo.results.map((row) => row.n).join() !== SIZES.join()) throw new Error(`expected rows for ${SIZES}: ${JSON.stringify(demo.results)}`);
    for (const row of demo.results) {
      const numbers = [...Object.values(row.ms), ...Object.values(row.gflops), row.gbps, row.speedupOverOneThread, row.speedupOverJs];
      if (!numbers.every((x) => Number.isFinite(x) && x > 0)) throw new Error(`a figure is not a positive number: ${JSON.stringify(row)}`);
      // Data in [0, 1): Dot2 is the reference, and f64 blocks keep the error near n·u at worst.
      if (!(row.relativeError <= row.n * 2 ** -53)) throw new Error(`relative error ${row.relativeError} at n = ${row.n}`);
    }
    const last = demo.results.at(-1);
    return `n = 1e7: pool ${last.ms.pool.toFixed(2)} ms, one thread ${last.ms.single.toFixed(2)} ms (×${last.speedupOverOneThread.toFixed(2)}), JS loop ×${last.speedupOverJs.toFixed(1)}; screenshot in test-results/demo.png`;
  } finally {
    await page.close();
  }
}
