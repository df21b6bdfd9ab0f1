// The demo's inputs, from its form or its URL, read strictly: a value from the URL bypasses the
// form's own checks, and a wrong one that ran anyway (threads=0 on every core, runs=0 as 15, a
// misspelt key ignored) gave figures for a run nobody asked for.

/** The URL parameters the page reads; `autorun=1` starts a run once the page has loaded. */
const KEYS = ["n", "threads", "runs", "autorun"];

/**
 * The page's URL parameters as form values ({ n, threads, runs } as given, absent keys left out)
 * and whether to run at once. Throws a RangeError naming an unknown or repeated key, or an
 * autorun other than 1, so that a typo never runs the defaults in its place.
 * @param {string} search  location.search
 */
export function parseQuery(search) {
  const params = new URLSearchParams(search);
  const values = {};
  for (const key of new Set(params.keys())) {
    if (!KEYS.includes(key)) throw new RangeError(`unknown URL parameter "${key}": the page reads ${KEYS.join(", ")}`);
    const all = params.getAll(key);
    if (all.length > 1) throw new RangeError(`URL parameter ${key} is given ${all.length} times; give it once (n takes a comma-separated list)`);
    values[key] = all[0];
  }
  const { autorun, ...fields } = values;
  if (autorun !== undefined && autorun !== "1") throw new RangeError(`autorun must be 1 to run at once, or left out; got "${autorun}"`);
  return { fields, autorun: autorun === "1" };
}

/**
 * Lengths from 1 to 1e8, comma-separated, in ascending order without repeats: the table and the
 * chart's lines run along n, and a row measured twice says nothing the first did not.
 * @param {string} text
 */
export function parseSizes(text) {
  const sizes = text.split(",").map(Number); // "" reads as 0, which the rule refuses
  for (const n of sizes) if (!Number.isInteger(n) || n < 1 || n > 1e8) throw new RangeError(`n must be integers from 1 to 1e8, comma-separated; got "${text}"`);
  return [...new Set(sizes)].sort((x, y) => x - y);
}

/**
 * Empty for createPool's default (every core); else an integer, whose range createPool checks.
 * @param {string} text
 */
export function parseThreads(text) {
  if (text.trim() === "") return undefined;
  const threads = Number(text);
  if (!Number.isInteger(threads)) throw new RangeError(`threads must be an integer, or empty for every core; got "${text}"`);
  return threads;
}

/**
 * The form's min and max: runs=1e9 froze the tab.
 * @param {string} text
 */
export function parseRuns(text) {
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 3 || runs > 1000) throw new RangeError(`runs must be an integer from 3 to 1000; got "${text}"`);
  return runs;
}
