// The demo page's inputs (demo/params.js): what the form and the URL may say, and the error for
// what they may not. The Chromium pass checks that the page shows these errors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseQuery, parseRuns, parseSizes, parseThreads } from "../demo/params.js";

/** Asserts that `body` throws a RangeError whose message matches `rule`. */
function refuses(body, rule) {
  assert.throws(body, (error) => error instanceof RangeError && rule.test(error.message));
}

test("the URL's four keys become form values, and autorun=1 runs", () => {
  assert.equal(parseQuery("?n=1e5,1e6&threads=2&runs=15&autorun=1"), { fields: { n: "1e5,1e6", threads: "2", runs: "15" }, autorun: true });
  assert.equal(parseQuery(""), { fields: {}, autorun: false });
  assert.equal(parseQuery("?threads="), { fields: { threads: "" }, autorun: false });
});

test("an unknown or repeated key, or an autorun other than 1, is refused by name", () => {
  refuses(() => parseQuery("?thread=1"), /unknown URL parameter "thread": the page reads n, threads, runs, autorun/);
  refuses(() => parseQuery("?N=1e7"), /unknown URL parameter "N"/);
  refuses(() => parseQuery("?n=1e3&n=1e7"), /URL parameter n is given 2 times/);
  for (const autorun of ["true", "0", "", "yes"]) refuses(() => parseQuery(`?autorun=${autorun}`), new RegExp(`autorun must be 1 to run at once, or left out; got "${autorun}"`));
});

test("sizes are integers from 1 to 1e8, put in ascending order without repeats", () => {
  assert.equal(parseSizes("1e3,1e4, 1e5"), [1e3, 1e4, 1e5]);
  assert.equal(parseSizes("1e5,1e3,1e4,1e3"), [1e3, 1e4, 1e5]);
  assert.equal(parseSizes("1,100000000"), [1, 1e8]);
  for (const text of ["0", "-5", "abc", "1e12", "1.5", "1e3,", ",1e3", "", "1e3,,1e4", "1e8+1", "NaN", "Infinity"]) {
    refuses(() => parseSizes(text), /^n must be integers from 1 to 1e8, comma-separated; got /);
  }
  refuses(() => parseSizes("100000001"), /got "100000001"/);
});

test("threads: empty for every core, else an integer (createPool checks its range)", () => {
  assert.is(parseThreads(""), undefined);
  assert.is(parseThreads("  "), undefined);
  assert.is(parseThreads("2"), 2);
  assert.is(parseThreads("0"), 0); // createPool refuses it, naming its own rule
  for (const text of ["abc", "1.5", "2x"]) refuses(() => parseThreads(text), new RegExp(`threads must be an integer, or empty for every core; got "${text}"`));
});

test("runs: an integer from 3 to 1000", () => {
  assert.is(parseRuns("3"), 3);
  assert.is(parseRuns("1000"), 1000);
  for (const text of ["2", "1001", "1e9", "0", "-5", "2.5", "abc", ""]) refuses(() => parseRuns(text), new RegExp(`runs must be an integer from 3 to 1000; got "${text}"`));
});

test.run();
