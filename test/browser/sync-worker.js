// Runs in a dedicated Web Worker, which may block: pool.dotSync must work here and give the bits
// of dot(), as a job on the workers too (support/sync-job.js says how). Module workers do not see
// the page's import map, hence the path.
import { createPool, dot, f64, free } from "/dist/index.browser.js";
import { bits, fillRandom } from "../support/seeded.js";
import { dotSyncAsJob } from "../support/sync-job.js";

const pool = await createPool({ threads: 2 });
const a = fillRandom(f64(1_000_000), 41);
const b = fillRandom(f64(1_000_000), 42);
const expected = bits(dot(a, b));
const alone = bits(pool.dotSync(a, b)) === expected; // a fresh pool: on this thread alone
const same = alone && bits(await dotSyncAsJob(pool, a, b)) === expected; // throws if it never ran as a job
free(a);
free(b);
await pool.close();
postMessage({ threads: pool.threads, same });
