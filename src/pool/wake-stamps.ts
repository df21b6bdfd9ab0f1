// What waking the workers cost a job, measured rather than inferred. A worker stamps in its line
// when it goes to sleep and when it wakes, before it claims anything. After a blocking job that
// found the workers asleep, the host reads the stamps against the moment it began to publish: how
// late each worker joined is compute the job lost, and publishing (the futex wakes, on the
// caller's own thread) is lost too. Two stamps, not one "asleep" mark: a worker that woke for the
// job may finish, poll and sleep again before the host reads (after 1e7 f64 the host's own code
// runs cold for ~70 µs), and a mark would then hide when it woke.
//
// Inferred, as the job's time beyond an even share of an estimated time alone, the cost took in
// the estimate's error: on the 2-core VM, a minute when the machine ran at a third of its speed
// made 2e6 f64 jobs (32 MB) look 3 ms costlier than their estimate, and 53 of 150 calls in a loop
// then ran alone, ~2 times slower than woken (2026-11-27). The stamps see only the wake.
//
// The clock is performance.timeOrigin + performance.now(), an epoch time in ms that every thread
// of a process reads alike (each thread's now() has its own origin).
import { rangeWord } from "./layout.js";

/** Byte offset of worker w's stamps from the control block: words 6–9 of its range line. */
function stampOffset(w: number): number {
  return (rangeWord(w) + 6) * 4;
}

/** The stamps' indices in their view: when the worker last woke, and when it last went to sleep. */
const WOKE = 0;
const SLEPT = 1;

/** The epoch time in ms, alike on every thread. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A view of worker w's two stamps in the control block at `control`. */
export function stampOf(buffer: ArrayBufferLike, control: number, w: number): Float64Array {
  return new Float64Array(buffer, control + stampOffset(w), 2);
}

/** Worker side: stamps the time it goes to sleep, just before it waits. */
export function markAsleep(stamp: Float64Array): void {
  stamp[SLEPT] = epochMs();
}

/** Worker side: stamps the time it woke, before it claims anything. */
export function markWoken(stamp: Float64Array): void {
  stamp[WOKE] = epochMs();
}

/**
 * How late a worker joined a job published at `publishedAt`, in ms: from its wake stamp if it
 * woke since; Infinity if it was asleep throughout (it went to sleep before the job and has not
 * stamped a wake since); 0 if it was awake, polling, when the job came.
 */
function delayOf(stamp: Float64Array, publishedAt: number): number {
  const woke = stamp[WOKE] ?? 0;
  const slept = stamp[SLEPT] ?? 0;
  if (woke >= publishedAt) return woke - publishedAt;
  return slept > woke && slept < publishedAt ? Infinity : 0;
}

/**
 * Host side, once a job has ended: what waking cost it, in ms of the job's time, from the stamps
 * of the workers that compute in it. Each worker lost min(its delay, the job) of compute: 0 for
 * one that was awake, all of it for one asleep throughout. With
 * `threads` threads sharing the work, the job took that lost compute, and the publishing, over
 * `threads` longer.
 * @param stamps       the stamps of the workers that compute in the job (not one that sits out)
 * @param publishedAt  epochMs() as the caller began to publish
 * @param publishMs    how long publishing took the caller
 * @param tookMs       the job's time
 */
export function measuredWake(stamps: readonly Float64Array[], publishedAt: number, publishMs: number, tookMs: number, threads: number): number {
  let lost = publishMs;
  // The stamps are read without Atomics (there are none for f64): a torn read is clamped too.
  for (const stamp of stamps) lost += Math.min(Math.max(delayOf(stamp, publishedAt), 0), tookMs);
  return lost / threads;
}
