// Runs an in-page uvu suite and reads its totals from the console, as test/run.js reads them
// from a Node run. An uncaught page error or a suite that never finishes counts as a failure.
import { readTotals } from "../support/totals.js";

const ANSI = /\u001b\[[0-9;]*m/g;
const TIMEOUT_MS = 120_000;

/** Loads `url` in a new page and resolves to { total, passed, output } once uvu has finished. */
export async function runSuite(context, url, nodeResults) {
  const page = await context.newPage();
  let output = "";
  let failures = 0;
  try {
    await page.addInitScript((results) => {
      globalThis.NODE_RESULTS = results;
    }, nodeResults);
    const finished = new Promise((resolve) => {
      page.on("console", (message) => {
        const text = message.text().replace(ANSI, "");
        output += text;
        if (text.includes("Duration:")) resolve();
      });
    });
    page.on("pageerror", (error) => {
      failures++;
      output += `\npage error: ${error.stack ?? error.message}\n`;
    });
    await page.goto(url);
    let timer;
    const timedOut = await Promise.race([finished.then(() => false), new Promise((resolve) => (timer = setTimeout(() => resolve(true), TIMEOUT_MS)))]);
    // Left running, the timer kept the browser pass alive for its full two minutes after each suite.
    clearTimeout(timer);
    const { total, passed, skipped } = readTotals(output);
    if (timedOut) output += `\nthe suite did not finish within ${TIMEOUT_MS / 1000} s\n`;
    if (skipped > 0) output += `\n${skipped} skipped, counted as failed: no test here is skipped\n`;
    // A page that failed outside any test, or never finished, adds one failure.
    return { total: total + skipped + (timedOut || failures > 0 ? 1 : 0), passed, output };
  } finally {
    await page.close();
  }
}
