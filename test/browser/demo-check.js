// Loads the demo page with URL parameters, waits for its benchmark, checks that the numbers are
// sane (not fast: speed is reported, never asserted) and saves a screenshot in test-results/.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { INSECURE_HOST } from "./chromium.js";

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
    for (const row of demo.results) checkFigures(row);
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

/** Each figure of a row follows from its times by the definitions the page states. */
function checkFigures(row) {
  const fail = (what) => {
    throw new Error(`${what}: ${JSON.stringify(row)}`);
  };
  const numbers = [...Object.values(row.ms), ...Object.values(row.gflops), row.gbps, row.speedupOverOneThread, row.speedupOverJs];
  if (!numbers.every((x) => Number.isFinite(x) && x > 0)) fail("a figure is not a positive number");
  const near = (x, y) => Math.abs(x / y - 1) < 1e-12;
  // A dot of n f64 elements is 2n flops and reads 16n bytes.
  for (const key of ["pool", "single", "js"]) if (!near(row.gflops[key], (2 * row.n) / (row.ms[key] * 1e6))) fail(`GFLOP/s of ${key} is not 2n per its time`);
  if (!near(row.gbps, 8 * row.gflops.pool)) fail("GB/s is not 16n bytes per the pool's time");
  // A speed-up is the median of per-run ratios, not the quotient of the median times, but never
  // far from it; one turned upside down is.
  const within2 = (x, y) => x / y > 0.5 && x / y < 2;
  if (!within2(row.speedupOverOneThread, row.ms.single / row.ms.pool)) fail("the speed-up over one thread is not its time over the pool's");
  if (!within2(row.speedupOverJs, row.ms.js / row.ms.pool)) fail("the speed-up over the JS loop is not its time over the pool's");
  // Data in [0, 1): f64 blocks keep the error near n·u at worst. The reference keeps the fraction
  // of an ulp, so an error of exactly 0 would take a sum exact in f64 (some 1 in 2^50 of random
  // data): a 0 means the error was not measured.
  if (!(row.relativeError > 0 && row.relativeError <= row.n * 2 ** -53)) fail(`relative error ${row.relativeError} at n = ${row.n}`);
}

/**
 * URL parameters past the form's rules fail the run at once, naming the rule: threads=0 and
 * threads=abc ran on the default 2 threads, runs=0 ran 15 where runs=-5 ran 3, and a misspelt
 * key ran the defaults in its place. (test/demo-params.test.js has each rule's edges.)
 */
async function checkBadParameters(context, baseUrl) {
  for (const [query, rule] of [
    ["n=1e5&threads=0&runs=15", /createPool\(options\): options\.threads must be/],
    ["n=1e5&threads=2&runs=0", /runs must be an integer from 3 to 1000; got "0"/],
    ["n=1e5&threads=2&runs=1e9", /runs must be an integer from 3 to 1000; got "1e9"/],
    // A number field emptied these, and the run went on with the default threads.
    ["n=1e5&threads=abc&runs=15", /threads must be an integer, or empty for every core; got "abc"/],
    ["n=abc&threads=2&runs=15", /n must be integers from 1 to 1e8, comma-separated; got "abc"/],
    ["n=1e5&thread=1&runs=15", /unknown URL parameter "thread"/],
    ["n=1e3&n=1e7&runs=15", /URL parameter n is given 2 times/],
    ["n=1e5&runs=15&autorun=true", /autorun must be 1/],
  ]) {
    const demo = await runDemo(context, `${baseUrl}demo/?${query.includes("autorun") ? query : `${query}&autorun=1`}`);
    if (demo.state !== "failed" || !rule.test(demo.error)) throw new Error(`?${query}: expected a failure matching ${rule}, got ${demo.state}: ${demo.error}`);
  }
}

/**
 * Without isolation the demo runs on one thread and says why, whether the headers are missing
 * or the page is not a secure context: served with them but opened at a name other than
 * localhost, it told the user to add the headers it already had.
 */
export async function checkDemoWithoutIsolation(context, plainUrl, isolatedUrl) {
  const insecureUrl = isolatedUrl.replace("127.0.0.1", INSECURE_HOST);
  for (const [baseUrl, reason] of [
    [plainUrl, /not cross-origin isolated[^]*Cross-Origin-Opener-Policy: same-origin/],
    [insecureUrl, /not a secure context[^]*https/],
  ]) {
    const demo = await runDemo(context, `${baseUrl}demo/?n=1e4&runs=3&autorun=1`, async (page) => ({ threadsField: await page.inputValue("#controls [name=threads]") }));
    if (demo.state !== "done") throw new Error(`${baseUrl}: the demo failed: ${demo.error}`);
    if (demo.capabilities.crossOriginIsolated || demo.threads !== 1 || demo.threadsField !== "1" || !reason.test(demo.singleThreadReason)) {
      throw new Error(`${baseUrl}: expected one thread (prefilled) and a reason matching ${reason}: ${JSON.stringify(demo)}`);
    }
    checkFigures(demo.results[0]);
  }
  return `one thread, and why, at ${plainUrl} and ${insecureUrl}`;
}

/**
 * Stop ends a long run between two batches; a page whose kernelpool does not load says so (it
 * stayed blank, and Run submitted the form as a GET).
 */
export async function checkDemoStopsAndLoadFailure(context, baseUrl) {
  const page = await context.newPage();
  try {
    // 1000 runs at 1e6 would take 5 minutes.
    await page.goto(`${baseUrl}demo/?n=1e6&threads=2&runs=1000&autorun=1`);
    await page.waitForFunction(() => /\(1 of 1\): run 2 of 1000/.test(document.querySelector("#status").textContent), null, { timeout: 30_000 });
    await page.click("#stop");
    await page.waitForFunction(() => window.demo.state !== "running", null, { timeout: 10_000 });
    const stopped = await page.evaluate(() => ({ state: window.demo.state, rows: window.demo.results.length, status: document.querySelector("#status").textContent, run: document.querySelector("#run").disabled }));
    if (stopped.state !== "stopped" || stopped.rows !== 0 || stopped.status !== "stopped, with 0 of 1 sizes measured" || stopped.run) throw new Error(`Stop: ${JSON.stringify(stopped)}`);
  } finally {
    await page.close();
  }
  const demo = await runDemo(context, `${baseUrl}demo/?n=1e3&autorun=1`, undefined, (page) => page.route(/\/dist\/index\.browser\.js$/, (route) => route.fulfill({ status: 404 })));
  if (demo?.state !== "failed" || !/kernelpool did not load/.test(demo.error)) throw new Error(`kernelpool not served: ${JSON.stringify(demo)}`);
  return "stopped at run 2 of 1000; a missing dist/ reported";
}

/** Opens `url`, waits for the demo to end, and returns window.demo with what `read(page)` adds. */
async function runDemo(context, url, read, prepare) {
  const page = await context.newPage();
  try {
    await prepare?.(page);
    await page.goto(url);
    await page.waitForFunction(() => ["done", "failed"].includes(window.demo?.state), null, { timeout: 60_000 });
    return { ...(await page.evaluate(() => window.demo)), ...(await read?.(page)) };
  } finally {
    await page.close();
  }
}
