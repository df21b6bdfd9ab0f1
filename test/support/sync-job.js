// pool.dotSync run as a job on the workers, for tests of that path. A dotSync that finds the
// workers asleep may run on the calling thread alone (src/pool/waking.ts), and so may the calls
// right after it, until what the workers would have saved them adds up to waking them: so calls
// back to back until one is a job (a stall of this thread, which this VM has, starts the sum
// again). A pool of one thread never publishes one, since its worker would only sit out: there
// the call runs alone, which this checks.
import { BLOCKING_INLINE_BYTES, internals } from "../../dist/pool/pool.js";

/**
 * Calls in a row before giving up. A burst wakes the workers once what they would have saved it
 * adds up to the wake, and dotSync's shortest job (256 KiB an operand, ~10 µs alone here) saves
 * least: 1000 of them cover a wake of ~8 ms on 8 threads, where an oversubscribed pool learns
 * wakes of milliseconds.
 */
const MAX_CALLS = 1000;

/**
 * pool.dotSync(a, b) as a published job, or on a pool of one thread as the call alone that it
 * always is there; throws if MAX_CALLS calls in a row all ran alone on more threads.
 */
export async function dotSyncAsJob(pool, a, b) {
  const dispatcher = pool[internals];
  if (pool.threads === 1) {
    const alone = dispatcher.callsAlone;
    const value = pool.dotSync(a, b);
    if (dispatcher.callsAlone !== alone + 1) throw new Error("pool(1).dotSync did not run alone");
    return value;
  }
  let inFlight = 0;
  for (let calls = 0; calls < MAX_CALLS; calls++) {
    if (dispatcher.busy) inFlight++; // such a dotSync runs alone whatever the rule says
    const jobs = dispatcher.jobs;
    const value = pool.dotSync(a, b);
    if (dispatcher.jobs > jobs) return value;
  }
  throw new Error(`pool.dotSync ran alone ${MAX_CALLS} times in a row, each right after another call (${inFlight} with an awaited job in flight)`);
}

/** pool.dotSync(a, b), as a job wherever its length sends it to the pool rather than inline. */
export async function dotSyncOnPool(pool, a, b) {
  return a.length * a.BYTES_PER_ELEMENT < BLOCKING_INLINE_BYTES ? pool.dotSync(a, b) : dotSyncAsJob(pool, a, b);
}
