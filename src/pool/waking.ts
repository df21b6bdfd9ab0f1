// Whether a job wakes the workers that sleep. A worker polls for SPIN_MS after its last task and
// then sleeps on EPOCH; waking one costs the waking thread a futex wake and the job the time until
// the worker runs. On the 2-core VM a dotSync of 1e5 f64 made 5 ms after the last call took
// 214–257 µs (medians) on pool(2), against 68–91 µs for `dot` on the calling thread alone, and
// 1e6 about the same on both (571–605 against 572–624 µs; the first call after a pause is slow
// on its own too: 18 µs at 1e5 back to back). So a blocking call that finds the workers asleep
// runs on the caller alone (Dispatcher.onCaller) where waking them could not pay.
//
// A run of calls still reaches the workers: a call that starts within SPIN_MS of the last one's
// end wakes them, as any did before, and they then poll between calls. Its cost is one call: the
// first of a burst after a pause runs on the caller alone, the second wakes.
import { BYTES_PER_MS } from "./waiting.js";

/**
 * How long a worker polls its range and EPOCH after a job before it sleeps, in ms. Waking a
 * sleeping thread costs 10–70 µs on the 2-core VM, and an awaited call leaves a gap of about
 * 15 µs before the next one, so the poll outlasts that gap. It is bounded because a polling
 * worker takes its core from other work on a busy machine: in an early prototype whose workers
 * spun longer, other processes busy on the 2-core VM slowed a 1e5 call to 444 µs.
 */
export const SPIN_MS = 0.05;

/**
 * What waking the workers costs a job, in ms: on the 2-core VM, the 1e5 call above took 80–170 µs
 * more on the pool than on the caller alone, in several runs.
 */
const WAKE_COST_MS = 0.1;

/**
 * Whether a blocking job of `bytes` should wake sleeping workers, `idleMs` after the last call
 * ended: yes within SPIN_MS of it (the workers may still poll, or a run of calls has begun after
 * one that ran alone), else only when the time that the other `threads` − 1 would save the
 * caller exceeds what waking them costs.
 */
export function wakesWorkers(bytes: number, threads: number, idleMs: number): boolean {
  if (idleMs < SPIN_MS) return true;
  const alone = bytes / BYTES_PER_MS;
  return (alone * (threads - 1)) / threads > WAKE_COST_MS;
}
