// How an async call waits for its job. Sleeping in Atomics.waitAsync frees the caller's core for
// the workers, but an awaited call that sleeps costs about 80 µs more than its compute on the
// 2-core VM (the caller's and the workers' wake-ups). A call that polls instead takes worker 0's
// seat (layout.ts): it runs the job's tasks in short slices between turns of the event loop and
// polls DONE once none is left, so it computes as a worker would, less its turns, and sees the
// end at once. That makes polling the faster wait for a job of any length; it is bounded only so
// that a long job does not keep the caller's loop turning and its core busy: only jobs expected
// to end within MAX_POLL_MS / 2 poll.
//
// Before the caller computed, a polling caller cost the job a core, and only jobs with
// C < wait·T·(T − 1) polled (C the compute on one thread): on 2 threads up to 0.16 ms, so 1e6
// f64 slept. Polled with the caller computing, 1e6 f64 awaited on 2 threads took 129–133 µs
// against 174–186 µs asleep (three alternating runs).
//
// Browsers poll by the same rule. A turn there is a task, but a cheap one: in Chromium on the
// 2-core VM, 5 µs for scheduler.yield() and 5–10 µs for a MessageChannel message, against 75 µs
// and more that sleeping added. pool.dot of f64 on 2 threads, two runs of a page timing both
// builds in turn, polled against asleep: 1e5 20 against 96–110 µs, 3e5 51–61 against 124–151 µs,
// 1e6 149–163 against 259–272 µs.
//
// A pool of one worker polls by the same rule, the caller computing alone while its worker sits
// out: that costs no wake-up and, on a machine of one core, no switch between the two threads.
// pool(1).dot of f64, one process timing both rules in turn (two runs): 1e5 p50 27–28 against
// 38 µs asleep, 1e6 245–249 against 299–317 µs.
//
// A job's expected time is learnt by each pool from its own jobs, starting from this machine's
// figure on a good day (BYTES_PER_MS). With that figure fixed, on an evening when the 2-core VM
// ran at half its usual speed (2026-11-26, ~21:50 UTC), awaited 1e6 f64 on 2 threads outran its
// budget (0.28 ms) at most calls, and the switch to sleeping (worker 0 woken to take the caller's
// seat, then the caller's own wake-up) made those calls 391–618 µs, against 289–336 µs with the
// budget of a 30 MB/ms thread (five runs of alternating batches in one process, both ways round);
// the learnt budget below made them 6–34% faster in each of four runs (388 against 552 µs in one,
// 22:23 UTC), and 2e6 f64 −18% to +10%; dot() on one thread took 280–590 µs that hour. Calls 5 ms
// apart, cold, took 6% longer at 3e5 and from 3% less to 17% longer at 1e6 with the 30 MB/ms
// budget (two runs): so cold jobs teach nothing.

import { RecentQuartile } from "./recent-quartile.js";

/** What sleeping adds to an awaited call, in ms: 2-core VM, 2 threads, 3e5 and 1e6 f64. */
const WAIT_COST_MS = 0.08;
/**
 * Bytes one thread's kernel streams per ms: 1e5 f64 pairs (1.6 MB) in 19 µs on the 2-core VM.
 * The cache figure: jobs that stream from DRAM (~35 GB/s) run past their budget and then sleep,
 * the caller giving worker 0 its seat back (dispatcher.ts). A new pool's starting point only.
 */
const BYTES_PER_MS = 80e6;
/** The longest poll, in ms: past it the call sleeps, so an overrunning job frees the caller. */
const MAX_POLL_MS = 1;
/**
 * The shortest job, by its good-day time in ms, that the budget learns from: in shorter ones the
 * fixed costs (publishing, the caller's turns) weigh as much as the bytes, and learnt per byte,
 * nine 1e5 f64 jobs of 25 µs would have had 3e6 f64 sleep at once.
 */
const LEARN_FROM_MS = 0.05;

/**
 * The budget for a job expected to take `expectedMs`: twice that, so a job slowed by a busy
 * machine or a replaced worker is soon waited for asleep, plus what sleeping would cost; 0 where
 * the job is long.
 */
function budgetFor(expectedMs: number): number {
  if (2 * expectedMs > MAX_POLL_MS) return 0;
  return 2 * expectedMs + WAIT_COST_MS;
}

/** A job's size class: its bytes to the nearest power of two. */
function sizeClass(bytes: number): number {
  return Math.round(Math.log2(bytes));
}

/**
 * A pool's poll budgets. A job's expected time is its bytes times the lower quartile of the last
 * times per byte of polled jobs of its size class (RecentQuartile: 7 of 9 slower jobs raise it, 3
 * faster ones lower it), so that the budget follows a machine slower than BYTES_PER_MS says.
 * - By size class: jobs in cache and jobs from DRAM differ per byte, and a review found one rate
 *   for all let overrunning DRAM-bound jobs make every job above ~1e6 f64 sleep.
 * - Never faster than BYTES_PER_MS: learnt from jobs in cache, a 1e7 f64 job would poll, which
 *   ran 7–15% slower than waiting asleep.
 * - Only from jobs that polled, found the workers polling and are not short (LEARN_FROM_MS): a
 *   job after a pause pays for waking them, which says nothing of the next ones.
 * - A job that outran its budget and then slept counts as at most MAX_POLL_MS / 2: its time has
 *   the wake-ups in it, and alone it must not make its size sleep. One that polled to its end in
 *   more than that does, and its size then sleeps and teaches nothing until its samples age out,
 *   MAX_AGE jobs after they were taken.
 */
export class PollBudget {
  /** What a job takes per byte on this pool's threads on a good day, in ms: the floor. */
  readonly #goodDay: number;
  readonly #classes = new Map<number, RecentQuartile>();
  /** Jobs budgeted so far: the clock the samples age by. */
  #jobs = 0;

  constructor(threads: number) {
    this.#goodDay = 1 / (BYTES_PER_MS * threads);
  }

  /** How long a job of `bytes` should poll before it sleeps, in ms: 0 where it is long. */
  budgetMs(bytes: number): number {
    const learnt = this.#classes.get(sizeClass(bytes))?.valueAt(++this.#jobs) ?? this.#goodDay;
    return budgetFor(bytes * Math.max(this.#goodDay, learnt));
  }

  /**
   * A job of `bytes` that polled, and found the workers polling when it started, ended `ms`
   * after it was published; `slept` if it outran its budget and slept for its end.
   */
  ended(bytes: number, ms: number, slept: boolean): void {
    if (bytes * this.#goodDay < LEARN_FROM_MS) return;
    const key = sizeClass(bytes);
    let samples = this.#classes.get(key);
    if (samples === undefined) this.#classes.set(key, (samples = new RecentQuartile(this.#goodDay)));
    samples.add((slept ? Math.min(ms, MAX_POLL_MS / 2) : ms) / bytes, this.#jobs);
  }
}
