// Runs in a dedicated Web Worker, which may block: pool.dotSync must work here and give the bits
// of dot(). Module workers do not see the page's import map, hence the path.
import { createPool, dot, f64, free } from "/dist/index.browser.js";
import { bits, fillRandom } from "../support/seeded.js";

const pool = await createPool({ threads: 2 });
const a = fillRandom(f64(1_000_000), 41);
const b = fillRandom(f64(1_000_000), 42);
const same = bits(pool.dotSync(a, b)) === bits(dot(a, b));
free(a);
free(b);
await pool.close();
postMessage({ threads: pool.threads, same });
