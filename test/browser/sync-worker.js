// Runs in a dedicated Web Worker, which may block: pool.dotSync must work here and give the bits
// of dot(), on the workers too. Module workers do not see the page's import map, hence the paths.
import { createPool, dot, f64, free } from "/dist/index.browser.js";
import { internals } from "/dist/pool/pool.js";
import { bits, fillRandom } from "../support/seeded.js";

const pool = await createPool({ threads: 2 });
const a = fillRandom(f64(1_000_000), 41);
const b = fillRandom(f64(1_000_000), 42);
const expected = bits(dot(a, b));
// A dotSync after a pause runs on this thread alone (src/pool/waking.ts); the one right after it
// goes to the workers, unless this thread stalled between the two: so up to 20 pairs.
let same = true;
let ranAsJob = false;
for (let pair = 0; pair < 20 && !ranAsJob; pair++) {
  same &&= bits(pool.dotSync(a, b)) === expected;
  const jobs = pool[internals].jobs;
  same &&= bits(pool.dotSync(a, b)) === expected;
  ranAsJob = pool[internals].jobs > jobs;
}
free(a);
free(b);
await pool.close();
postMessage({ threads: pool.threads, same, ranAsJob });
