// pool.dotSync run as a job on the workers, for tests of that path. A dotSync made after a pause
// runs on the calling thread alone (src/pool/waking.ts); the one right after it goes to the
// workers, unless a stall of this thread (this VM has them) came between the two: so a few pairs.
import { INLINE_BYTES, internals } from "../../dist/pool/pool.js";

/** pool.dotSync(a, b) as a published job; throws if 20 tries all ran alone. */
export function dotSyncAsJob(pool, a, b) {
  const dispatcher = pool[internals];
  for (let tries = 0; tries < 20; tries++) {
    pool.dotSync(a, b);
    const jobs = dispatcher.jobs;
    const value = pool.dotSync(a, b);
    if (dispatcher.jobs > jobs) return value;
  }
  throw new Error("pool.dotSync ran alone 20 times in a row, each right after another call");
}

/** pool.dotSync(a, b), as a job wherever its length sends it to the pool rather than inline. */
export function dotSyncOnPool(pool, a, b) {
  return a.length * a.BYTES_PER_ELEMENT < INLINE_BYTES ? pool.dotSync(a, b) : dotSyncAsJob(pool, a, b);
}
