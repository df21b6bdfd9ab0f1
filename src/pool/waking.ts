// Whether a job wakes the workers that sleep. A worker polls for SPIN_MS after its last task and
// then sleeps on EPOCH; waking one costs the waking thread a futex wake and the job the time until
// the worker runs. So a blocking call that finds the workers asleep runs on the caller alone
// (Dispatcher.runBlocking) where waking them would cost more than they save.
//
// Both sides of that trade differ from machine to machine, so each pool learns them from its own
// calls that found the workers asleep, each cost only from the calls that went its way: the time
// alone from calls alone, the wake from jobs, against the pace of the caller's own tasks in each
// (jobWake). Near the edge it tries the other way now and then, and it forgets what it learnt
// after a while (recent-quartile.ts). 5 ms after the last call, medians of 40:
// - 2-core VM (Firecracker): `dot` of 1e5 f64 61 µs and of 1e6 520 µs alone (26–31 MB/ms);
//   dotSync woke worker 1 in 214–257 µs at 1e5, and in 550–610 µs at 1e6 (wake ~0.2–0.35 ms, as
//   the time beyond half the time alone).
// - 16-core device (gVisor): `dot` 136 µs at 1e5, 584 µs at 5e5 (12–14 MB/ms); waking all 16
//   took 283, 219, 230 and 311 µs at 1e5, 2.5e5, 5e5 and 1e6 (wake ~200–270 µs). A fixed rule
//   tuned on the 2-core VM ran 2.5e5 and 5e5 alone there, 1.3 and 2.4 times slower than waking.
//
// A burst of calls (each within SPIN_MS of the last one's end) is weighed as a whole: once woken,
// the workers poll between its calls, so one wake serves the rest of it. Its calls run alone
// until what the workers would have saved them (their measured time, less a share) adds up to
// the wake, and then wake them: the ski-rental rule, never more than about twice the better of
// the two, whatever the burst's length.
import { RecentQuartile } from "./recent-quartile.js";

/**
 * How long a worker polls its range and EPOCH after a job before it sleeps, in ms. Waking a
 * sleeping thread costs 10–70 µs on the 2-core VM, and an awaited call leaves a gap of about
 * 15 µs before the next one, so the poll outlasts that gap. It is bounded because a polling
 * worker takes its core from other work on a busy machine: in an early prototype whose workers
 * spun longer, other processes busy on the 2-core VM slowed a 1e5 call to 444 µs.
 */
export const SPIN_MS = 0.05;

/**
 * Jobs a new pool runs before its woken jobs teach it anything: its workers' code is not yet
 * compiled. On the 16-core device a new pool's first seven jobs, 1e5 f64 each woken after a
 * pause, took 0.47–1.95 ms, and a pool woken for every call ~0.25 ms. Later slow ones, such as
 * its 8th to 14th (of 2.5e5 and 1e6, 0.45–0.86 ms), the lower quartile mostly leaves out.
 */
export const WARM_JOBS = 8;

/**
 * What a pool assumes before its own calls tell it. The rate lies between the two machines above;
 * the wake is the 2-core VM's, the higher, since a cost estimated too high comes down within 3
 * calls and one estimated too low goes up only after 7 (recent-quartile.ts).
 */
export const PRIOR_ALONE_BYTES_PER_MS = 25e6;
export const PRIOR_WAKE_MS = 0.3;

/**
 * Near the edge, where neither what the workers would save a call after a pause nor the wake is
 * expected to be more than EXPLORE_RATIO times the other, such a call goes the other way after
 * EXPLORE_AFTER of them in a row were expected to go one way (one count for all sizes). A cost is
 * learnt only from calls that went its way, so a wrong prior could otherwise keep the calls from
 * ever measuring the better way. By the estimates, going it costs at most half a wake in 9
 * calls; where the way not taken is misestimated, more, until its samples correct it.
 */
const EXPLORE_RATIO = 1.5;
const EXPLORE_AFTER = 8;

/**
 * The most bytes a woken job may read and teach the wake: 1 ms alone at the prior rate (1 562 500
 * f64 elements a pair), near this VM's L3 (32 MiB). A longer job streams from DRAM, where the
 * caller's pace while the workers share the memory is slower than alone, so its wake (jobWake)
 * comes out near 0; the wake is one figure for all sizes, and short calls after a pause would then
 * wake the workers where running alone is ~4 times faster (1e5 f64 on the 2-core VM: 214–257 µs
 * woken, 61 alone). Such long jobs wake the workers anyway: what they save dwarfs any wake.
 */
export const LEARN_WAKE_BYTES = PRIOR_ALONE_BYTES_PER_MS * 1;

/**
 * The fewest bytes a woken job must read to teach the wake: 1 MiB, two operands of 512 KiB, the
 * shortest blocking job before pool.dotSync's inline threshold fell to 256 KiB (pool.ts). A
 * shorter job can end before the worker it woke starts, its caller running every task, and
 * jobWake then reads a fraction of the job's own time (at 256 KiB on the 2-core VM, ~5–10 µs)
 * where waking cost ~150 µs: such samples would pull the wake down until calls of 1e5 after a
 * pause woke the workers, 214–257 µs against 61 alone.
 */
export const LEARN_WAKE_MIN_BYTES = 1024 * 1024;

/**
 * What waking the workers cost a blocking job that found them asleep, in ms of its time: what it
 * took (`tookMs`) beyond an even share of its time alone, where its time alone is its `elements`
 * (of an operand) at the pace the caller ran its own share of them (`callerElements` in
 * `callerMs`). Whatever slowed the job but not the caller's own tasks counts: the publishing, the
 * workers' start, a wait for the last task. Where the caller ran none (the worker it woke took its
 * core, and then every task: seen about once in 20 jobs after a pause on the 2-core VM), the job
 * ran on one thread at a time, as if alone, and its wake is what the others would have saved it.
 *
 * The pace comes from the job itself, not from the rate learnt alone (or the prior, before any
 * call ran alone), whose error would land in the wake. Taken against the rate, a job in a minute
 * when the machine runs slow teaches the slowness as a wake: on the 2-core VM at a third of its
 * speed, jobs of 2e6 f64 (1.28 ms alone at the prior rate, 4 ms woken) taught 3.4 ms, and 53 of 150
 * calls then ran alone, each ~2 times slower than woken (jobs past LEARN_WAKE_BYTES taught then
 * where they took 3 times their estimate).
 */
export function jobWake(tookMs: number, callerMs: number, callerElements: number, elements: number, threads: number): number {
  const alone = callerElements === 0 ? tookMs : (callerMs / callerElements) * elements;
  return Math.max(0, tookMs - alone / threads);
}

/**
 * A pool's rule for its blocking calls, learnt from the ones it made while the workers slept.
 * It also keeps when the last call or job ended, and whether it ran on the caller alone. Its
 * samples age by the calls it weighs after a pause (RecentQuartile's clock), not by time, so that
 * calls seconds apart still gather enough samples to learn from.
 */
export class WakingRule {
  readonly #threads: number;
  /** What a call on the caller alone takes per byte it reads, in ms, after a pause. */
  readonly #aloneMsPerByte = new RecentQuartile(1 / PRIOR_ALONE_BYTES_PER_MS);
  /** What waking the workers costs a job, in ms of its time (jobWake). */
  readonly #wakeMs = new RecentQuartile(PRIOR_WAKE_MS);
  #lastEnd = -Infinity;
  #lastAlone = false;
  #jobs = 0;
  /** Calls weighed after a pause so far: the clock the samples age by. */
  #decisions = 0;
  /** What awake workers would have saved the calls of this burst that ran alone, in ms. */
  #saved = 0;
  /** Calls near the edge in a row expected to go the way `#streakWakes` says. */
  #streak = 0;
  #streakWakes = false;

  constructor(threads: number) {
    this.#threads = threads;
  }

  /**
   * Whether a blocking job of `bytes` starting at `now` (ms, performance.now()) should wake the
   * workers. Within SPIN_MS of the last end: yes after a job (they still poll); after a call
   * alone, once what they would have saved the burst's calls so far exceeds the wake. After a
   * pause: where what they would save this call, by the learnt rate, exceeds the wake, or where
   * that is close and the calls have been expected to go the other way EXPLORE_AFTER times. On
   * one thread, never: its worker sits out whenever the caller computes, so a job saves nothing
   * and costs its publishing (pool(1).dotSync of 131072 f64 right after an awaited call, as a job
   * each: 52.9 µs, against 44.5 for dot() on the 2-core VM).
   */
  wakes(bytes: number, now: number): boolean {
    if (this.#threads === 1) return false;
    if (now - this.#lastEnd < SPIN_MS) return !this.#lastAlone || this.#saved > this.#wakeMs.valueAt(this.#decisions);
    const at = ++this.#decisions;
    const alone = bytes * this.#aloneMsPerByte.valueAt(at);
    const saving = alone - alone / this.#threads;
    const wake = this.#wakeMs.valueAt(at);
    const expected = saving > wake;
    if (Math.max(saving, wake) > EXPLORE_RATIO * Math.min(saving, wake)) return expected;
    if (expected !== this.#streakWakes) {
      this.#streakWakes = expected;
      this.#streak = 0;
    }
    if (++this.#streak <= EXPLORE_AFTER) return expected;
    this.#streak = 0;
    return !expected;
  }

  /**
   * A blocking call of `bytes` ran on the caller alone from `start` to `end`. What the workers
   * would have saved it counts towards waking them for the rest of its burst. Only the first of a
   * burst teaches the rate alone: the rest run warm, and would make every call after a pause look
   * cheaper alone than it is (on the device, 1e5 f64 took ~30 µs back to back and 136 after a
   * pause).
   */
  ranAlone(bytes: number, start: number, end: number): void {
    // A call within one tick of a coarse clock reads 0 ms (Firefox rounds to 20 µs where pages are
    // isolated): three such among the last nine made the rate alone 0, and then every call after
    // a pause, 1e7 f64 included, ran alone. Such a call teaches nothing; one that spans a tick
    // reads too slow, if anything, which errs towards waking.
    if (start - this.#lastEnd >= SPIN_MS && end > start) {
      this.#aloneMsPerByte.add((end - start) / bytes, this.#decisions);
      this.#saved = 0;
    }
    this.#saved += ((end - start) * (this.#threads - 1)) / this.#threads;
    this.#ended(end, true);
  }

  /**
   * A blocking job of `bytes` ran from `start` to `end`. Once the pool has run WARM_JOBS jobs, a
   * job that found the workers asleep (past SPIN_MS after the last end, or after a call that ran
   * alone, which left them asleep) and read from LEARN_WAKE_MIN_BYTES to LEARN_WAKE_BYTES teaches
   * the wake: `wakeMs()`, what waking them cost it (jobWake), asked only then.
   */
  ranJob(bytes: number, start: number, end: number, wakeMs: () => number): void {
    this.#jobs++;
    const teaches = bytes >= LEARN_WAKE_MIN_BYTES && bytes <= LEARN_WAKE_BYTES;
    if (!this.foundPolling(start) && this.#jobs > WARM_JOBS && teaches) this.#wakeMs.add(wakeMs(), this.#decisions);
    this.#ended(end, false);
  }

  /**
   * Whether a job starting at `now` finds the workers polling: within SPIN_MS of a job's end,
   * not of a call that ran alone, which left them asleep.
   */
  foundPolling(now: number): boolean {
    return now - this.#lastEnd < SPIN_MS && !this.#lastAlone;
  }

  /** Any other job (an awaited one, or one that threw) ended at `end`. */
  jobEnded(end: number): void {
    this.#jobs++;
    this.#ended(end, false);
  }

  #ended(end: number, alone: boolean): void {
    this.#lastEnd = end;
    this.#lastAlone = alone;
  }
}
