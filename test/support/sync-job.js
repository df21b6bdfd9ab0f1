// pool.dotSync run as a job on the workers, for tests of that path. A dotSync that finds the
// workers asleep may run on the calling thread alone (src/pool/waking.ts), and so may the calls
// right after it, until what the workers would have saved them adds up to waking them: so calls
// back to back until one is a job (a stall of this thread, which this VM has, starts the sum
// again). A pool of one thread never wakes its worker after a call alone, since it would only sit
// out: there an awaited call first leaves the worker polling, which the dotSync right after finds.
import { INLINE_BYTES, internals } from "../../dist/pool/pool.js";

/** pool.dotSync(a, b) as a published job; throws if 200 calls in a row all ran alone. */
export async function dotSyncAsJob(pool, a, b) {
  const dispatcher = pool[internals];
  // The awaited call that leaves a one-worker pool's worker polling: a short job, since after
  // a long one the caller's own caches are cold and its next call comes too late (after a
  // 2e6-element job, 80–300 µs on the slow 2-core VM, against the workers' 50 µs poll).
  const warm = Math.min(a.length, (2 * INLINE_BYTES) / a.BYTES_PER_ELEMENT);
  let inFlight = 0;
  for (let calls = 0; calls < 200; calls++) {
    if (pool.threads === 1) await pool.dot(a.subarray(0, warm), b.subarray(0, warm));
    if (dispatcher.busy) inFlight++; // such a dotSync runs alone whatever the rule says
    const jobs = dispatcher.jobs;
    const value = pool.dotSync(a, b);
    if (dispatcher.jobs > jobs) return value;
  }
  throw new Error(`pool.dotSync ran alone 200 times in a row, each right after another call (${inFlight} with an awaited job in flight)`);
}

/** pool.dotSync(a, b), as a job wherever its length sends it to the pool rather than inline. */
export async function dotSyncOnPool(pool, a, b) {
  return a.length * a.BYTES_PER_ELEMENT < INLINE_BYTES ? pool.dotSync(a, b) : dotSyncAsJob(pool, a, b);
}
