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
    // A rerun that fails leaves no figure of the run before it: it showed the last pool's threads.
    await page.evaluate(() => {
      const form = document.querySelector("#controls");
      form.threads.value = "999"; // past createPool's most
      form.dispatchEvent(new Event("submit", { cancelable: true }));
    });
    await page.waitForFunction(() => window.demo.state === "failed", null, { timeout: 30_000 });
    const rerun = await page.evaluate(() => ({ threads: window.demo.threads, results: window.demo.results.length, error: window.demo.error }));
    if (rerun.threads !== undefined || rerun.results !== 0 || !/threads/.test(rerun.error)) throw new Error(`a failed rerun kept figures or hid its cause: ${JSON.stringify(rerun)}`);
    await checkBadParameters(context, baseUrl);
    const last = demo.results.at(-1);
    return `n = 1e7: pool ${last.ms.pool.toFixed(2)} ms, one thread ${last.ms.single.toFixed(2)} ms (×${last.speedupOverOneThread.toFixed(2)}), JS loop ×${last.speedupOverJs.toFixed(1)}; screenshot in test-results/demo.png`;
  } finally {
    await page.close();
  }
}

/**
 * URL parameters past the form's rules fail the run at once, naming the rule: threads=0 and
 * threads=abc ran on the default 2 threads, and runs=0 ran 15 where runs=-5 ran 3.
 */
async function checkBadParameters(context, baseUrl) {
  for (const [query, rule] of [
    ["n=1e5&threads=0&runs=15", /createPool\(options\): options\.threads must be/],
    ["n=1e5&threads=2&runs=0", /runs must be an integer from 3 to 1000; got "0"/],
    ["n=1e5&threads=2&runs=2.5", /runs must be an integer from 3 to 1000/],
    // A number field emptied these, and the run went on with the default threads.
    ["n=1e5&threads=abc&runs=15", /threads must be an integer, or empty for every core; got "abc"/],
    ["n=1e5&threads=2&runs=abc", /runs must be an integer from 3 to 1000; got "abc"/],
  ]) {
    const page = await context.newPage();
    try {
      await page.goto(`${baseUrl}demo/?${query}&autorun=1`);
      await page.waitForFunction(() => ["done", "failed"].includes(window.demo?.state), null, { timeout: 30_000 });
      const demo = await page.evaluate(() => window.demo);
      if (demo.state !== "failed" || !rule.test(demo.error)) throw new Error(`?${query}: expected a failure matching ${rule}, got ${demo.state}: ${demo.error}`);
    } finally {
      await page.close();
    }
  }
}
