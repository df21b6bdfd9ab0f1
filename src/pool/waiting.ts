// How an async call waits for its job. Sleeping in Atomics.waitAsync frees the host's core for
// the workers, but an awaited call that sleeps costs about 80 µs more than its compute on the
// 2-core VM (the host's and the workers' wake-ups). Polling DONE once per turn of the event loop
// catches the end at once and never holds the loop up for long. The rule below dates from when
// the polling thread only watched, so that the job ran on threads − 1 workers: with C the job's
// compute time on one thread and T threads, polling won when C/(T − 1) < C/T + wait, that is when
// C < wait·T·(T − 1). The polling thread now runs a task per turn too (dispatcher.ts); letting
// longer jobs poll as well (1e6 and 2e6 f64 on 2 threads) then changed nothing measurable, so the
// rule stands, and long jobs leave the event loop alone.

/** What sleeping adds to an awaited call, in ms: 2-core VM, 2 threads, 3e5 and 1e6 f64. */
const WAIT_COST_MS = 0.08;
/**
 * Bytes one thread's kernel streams per ms: 1e5 f64 pairs (1.6 MB) in 19 µs on the 2-core VM.
 * The cache figure, not DRAM's (~35 GB/s): only jobs small enough to sit in cache poll.
 */
const BYTES_PER_MS = 80e6;
/** The longest poll, in ms: a loaded machine must not lose a core to a job that overruns. */
const MAX_POLL_MS = 1;

/**
 * How long an async job of `bytes` on `threads` threads should poll before it sleeps, in ms:
 * 0 where sleeping at once is faster or the job is long. The budget is twice the job's
 * expected time, so a job slowed by a busy machine or a replaced worker is soon waited for asleep.
 */
export function pollBudgetMs(bytes: number, threads: number): number {
  if (threads < 2) return 0; // the polling thread would leave no worker
  const compute = bytes / BYTES_PER_MS;
  const expected = compute / (threads - 1);
  if (compute >= WAIT_COST_MS * threads * (threads - 1) || 2 * expected > MAX_POLL_MS) return 0;
  return 2 * expected + WAIT_COST_MS;
}
