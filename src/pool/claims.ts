// How the threads of a job share its tasks. The task table is cut into one contiguous range per
// thread of the pool; a thread claims from its own range first, then from each other range in
// turn. On many cores this matters twice over: until it runs dry, a thread's claims touch only
// its own cache line, and it computes the same blocks call after call, so operands that fit in
// the cores' caches stay in the cache of the core that reads them (numpy's static split gets
// this too). Taking from the other ranges keeps a thread that starts late or stalls from
// holding up the job.
import { DONE, NTASKS, rangeWord, TASK_BYTES, TASKS } from "./layout.js";

/** A range count that no claim can take below zero from: the job is closed. */
const CLOSED = -(2 ** 30);

/** Index of the first task of range r, for `tasks` tasks cut into `ranges` ranges. */
function rangeStart(r: number, tasks: number, ranges: number): number {
  return Math.floor((r * tasks) / ranges);
}

/**
 * Makes a job's tasks claimable, after its task table, NTASKS and TASKS are written. Ranges
 * left empty are not written: a range ends every job at zero or below (or CLOSED).
 */
export function openRanges(ctrl: Int32Array, tasks: number, ranges: number): void {
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
 * Claims tasks, range `home` first, and passes each task's address to `run`, until no range has
 * any left or `run` returns false. Returns how many tasks it claimed. All of them belong to one
 * job: that job cannot end, and no other can start, before the caller reports them (`report`).
 */
export function claimTasks(ctrl: Int32Array, home: number, ranges: number, run: (task: number) => boolean): number {
  let claimed = 0;
  for (let k = 0; k < ranges; k++) {
    const r = (home + k) % ranges;
    const word = rangeWord(r);
    // Load before claiming: a range that ran dry is only read, and its line stays with its owner.
    while (Atomics.load(ctrl, word) > 0) {
      const left = Atomics.sub(ctrl, word, 1);
      if (left <= 0) break;
      claimed++;
      // NTASKS and TASKS are read after the claim, so they are the claimed job's.
      const end = rangeStart(r + 1, Atomics.load(ctrl, NTASKS), ranges);
      if (!run((Atomics.load(ctrl, TASKS) >>> 0) + (end - left) * TASK_BYTES)) return claimed;
    }
  }
  return claimed;
}

/**
 * Adds a thread's claimed tasks, all finished, to DONE, once per job rather than per task, and
 * wakes a host asleep on DONE if they were the last.
 */
export function report(ctrl: Int32Array, claimed: number): void {
  if (claimed === 0) return;
  const tasks = Atomics.load(ctrl, NTASKS);
  if (Atomics.add(ctrl, DONE, claimed) + claimed === tasks) Atomics.notify(ctrl, DONE);
}
