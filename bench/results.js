// @ts-check
// Writes a run's data as JSON: one file per run, named by its start time, and latest.json,
// so that a later change can be compared with the run before it (bench/results/ is gitignored);
// and the markdown summary as latest.md (and a stamped copy).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));

/**
 * @param {Date} startedAt
 * @param {object} report
 * @param {string} [markdown]
 * @returns {string[]}  the paths written
 */
export function writeResults(startedAt, report, markdown) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  // Colons are not allowed in file names on Windows.
  const stamped = join(RESULTS_DIR, `${startedAt.toISOString().replaceAll(":", "-")}.json`);
  const latest = join(RESULTS_DIR, "latest.json");
  writeFileSync(stamped, text);
  writeFileSync(latest, text);
  if (markdown === undefined) return [stamped, latest];
  const stampedMd = stamped.replace(/\.json$/, ".md");
  const latestMd = join(RESULTS_DIR, "latest.md");
  writeFileSync(stampedMd, markdown);
  writeFileSync(latestMd, markdown);
  return [stamped, latest, stampedMd, latestMd];
}
