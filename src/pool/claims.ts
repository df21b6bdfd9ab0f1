// How the threads of a job share its tasks. The task table is cut into one contiguous range per
// thread of the pool; a thread claims from its own range first, then from each other range in
// turn. On many cores this matters twice over: until it runs dry, a thread's claims touch only
// its own cache line, and it computes the same blocks call after call, so operands that fit in
// the cores' caches stay in the cache of the core that reads them (numpy's static split gets
// this too). Taking from the other ranges keeps a thread that starts late or stalls from
// holding up the job.
import { DONE, NTASKS, RANGE_END, RANGE_TABLE, rangeWord, TASK_BYTES } from "./layout.js";

/** A range count that no claim can take below zero from: the job is closed. */
const CLOSED = -(2 ** 30);

/** Index of the first task of range r, for `tasks` tasks cut into `ranges` ranges. */
export function rangeStart(r: number, tasks: number, ranges: number): number {
  return Math.floor((r * tasks) / ranges);
}

/**
 * Makes a job's tasks claimable, after its task table (at `table`) and NTASKS are written. An
 * empty range's count is not written: a range ends every job at zero or below (or CLOSED).
 *
 * Two passes: each range's END and TABLE as plain writes, then the counts. A count's atomic
 * store publishes the plain writes before it (on any memory model). On x86 the plain writes of
 * every line can wait in the store buffer together, so on many cores their lines may cross at
 * once rather than one locked store at a time; the counts are still stored one by one. Not
 * measured: this was written without a many-core machine.
 */
export function openRanges(ctrl: Int32Array, tasks: number, table: number, ranges: number): void {
  for (let r = 0; r < ranges; r++) {
    ctrl[rangeWord(r) + RANGE_END] = rangeStart(r + 1, tasks, ranges);
    ctrl[rangeWord(r) + RANGE_TABLE] = table;
  }
  for (let r = 0; r < ranges; r++) {
    const count = rangeStart(r + 1, tasks, ranges) - rangeStart(r, tasks, ranges);
    if (count > 0) Atomics.store(ctrl, rangeWord(r), count);
  }
}

/** Stops every further claim, of the running job's tasks or by a thread that comes late. */
export function closeRanges(ctrl: Int32Array, ranges: number): void {
  for (let r = 0; r < ranges; r++) Atomics.store(ctrl, rangeWord(r), CLOSED);
}

/**
 * Claims tasks, range `home` first, then each other range in turn, and passes each task's address
 * to `run` until no range has any left or `run` returns false (having marked the failure first).
 * Returns false if `run` did.
 */
export function claimTasks(ctrl: Int32Array, home: number, ranges: number, run: (task: number) => boolean): boolean {
  return claimHome(ctrl, home, run) && claimOthers(ctrl, home, ranges, run);
}

/**
 * The first half of claimTasks: range `home` until it runs dry. Its finished tasks are added to
 * DONE in one go then, so the last home task to finish ends the job at once, not after its
 * thread has looked through every other range (a cache-line read each, ~0.1 µs apiece on 16
 * cores).
 */
export function claimHome(ctrl: Int32Array, home: number, run: (task: number) => boolean): boolean {
  let ok = true;
  let ran = 0;
  let task: number;
  while (ok && (task = claim(ctrl, home)) >= 0) {
    ran++;
    ok = run(task);
  }
  report(ctrl, ran);
  return ok;
}

/** The second half of claimTasks: every other range in turn, each task added to DONE as it ends. */
export function claimOthers(ctrl: Int32Array, home: number, ranges: number, run: (task: number) => boolean): boolean {
  let ok = true;
  let task: number;
  for (let k = 1; ok && k < ranges; k++) {
    const r = (home + k) % ranges;
    while (ok && (task = claim(ctrl, r)) >= 0) {
      ok = run(task);
      report(ctrl, 1);
    }
  }
  return ok;
}

/**
 * Claims one task, range `home` first, then each other range in turn, runs it and adds it to
 * DONE at once: for a thread that gives its event loop turns between tasks and so must never
 * hold a claimed task across one. Returns false when no range has any left.
 */
export function claimOneTask(ctrl: Int32Array, home: number, ranges: number, run: (task: number) => void): boolean {
  for (let k = 0; k < ranges; k++) {
    const task = claim(ctrl, (home + k) % ranges);
    if (task >= 0) {
      run(task);
      report(ctrl, 1);
      return true;
    }
  }
  return false;
}

/** Claims one task of range r: its address, or −1 when the range has none left. */
function claim(ctrl: Int32Array, r: number): number {
  const word = rangeWord(r);
  // Load before claiming: a range that ran dry is only read, and its line stays with its owner.
  if (Atomics.load(ctrl, word) <= 0) return -1;
  const left = Atomics.sub(ctrl, word, 1);
  if (left <= 0) return -1;
  // END and TABLE are read after the claim, so they are the claimed job's.
  const end = Atomics.load(ctrl, word + RANGE_END);
  return (Atomics.load(ctrl, word + RANGE_TABLE) >>> 0) + (end - left) * TASK_BYTES;
}

/**
 * Adds finished tasks to DONE and wakes a host asleep on DONE if they were the last. They all
 * belong to the running job: it cannot end, and no other can start, before they are added.
 * NTASKS is read after the add, on the line the add just took; it may by then be the next job's,
 * but only where the host saw the job end without sleeping, so at worst a notify wakes no one,
 * or wakes a host asleep on the next job, which finds it not done and sleeps again.
 */
function report(ctrl: Int32Array, finished: number): void {
  if (finished === 0) return;
  if (Atomics.add(ctrl, DONE, finished) + finished === Atomics.load(ctrl, NTASKS)) Atomics.notify(ctrl, DONE);
}
