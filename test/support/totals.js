// uvu's closing totals, as `npm test` (test/run.js) and the in-page suites (page-suite.js) read
// them. uvu leaves skipped tests (test.skip, or every test beside a test.only) out of "Total:",
// so a stray one would leave a pass green: skipped tests count as failed here.

/**
 * { total, passed, skipped } from uvu's output, 0 for a line that is missing.
 * @param {string} output
 */
export function readTotals(output) {
  const plain = output.replace(/\u001b\[[0-9;]*m/g, ""); // uvu colours a count of skipped tests
  const count = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? 0);
  return { total: count("Total"), passed: count("Passed"), skipped: count("Skipped") };
}
