// How the threads of a job share its tasks. The task table is cut into one contiguous range per
// thread of the pool; a thread claims from its own range first, then from each other range in
// turn. On many cores this matters twice over: until it runs dry, a thread's claims touch only
// its own cache line, and it computes the same blocks call after call, so operands that fit in
// the cores' caches stay in the cache of the core that reads them (numpy's static split gets
// this too). Taking from the other ranges keeps a thread that starts late or stalls from
// holding up the job.
import { DONE, NTASKS, RANGE_END, RANGE_TABLE, RANGE_TASKS, rangeWord, TASK_BYTES } from "./layout.js";

/**
 * What a thread claims with: the control block, and the kernels' `claimTask` (assembly/claims.ts)
 * on the same memory. A claim is three atomic reads and a subtraction. In wasm each of them is
 * one instruction, while each `Atomics` call from JavaScript cost 13–27 ns on the 2-core VM,
 * about 0.1 µs a task. So the kernels claim, and this file chooses the ranges and keeps count.
 */
export interface Claimer {
  readonly ctrl: Int32Array;
  /** The task claimed from the range whose count is at byte address `range`, as an i32; −1 if none. */
  readonly claimTask: (range: number) => number;
}

/** A range count that no claim can take below zero from: the job is closed. */
const CLOSED = -(2 ** 30);
/** Counts at or below this are CLOSED: claims that loaded a count before the close subtract on. */
const CLOSED_BELOW = CLOSED / 2;

/** Index of the first task of range r, for `tasks` tasks cut into `ranges` ranges. */
export function rangeStart(r: number, tasks: number, ranges: number): number {
  return Math.floor((r * tasks) / ranges);
}

/**
 * Ranges per group. Opening a range is a locked store to a line that its owner polls from another
 * core, and such stores go one after another: on 16 cores, opening all 16 ranges took 4.6–4.9 µs
 * of a 10 µs call. So the caller opens its own group and the first range (the leader) of every
 * other group, and the first claim on a leader's range opens the rest of its group, on another
 * core while the caller computes. Groups of ⌈√ranges⌉ leave each about √ranges stores. With 3
 * ranges or fewer the caller opens them all, as before.
 */
function groupSize(ranges: number): number {
  return Math.ceil(Math.sqrt(ranges));
}

/**
 * Makes a job's tasks claimable, once its task table (at `table`) is in place and NTASKS
 * written: each leader's range first, so that their groups open sooner, then the caller's group.
 * A leader's line also gets the job's task count, which opening its group needs.
 */
export function openRanges(ctrl: Int32Array, tasks: number, table: number, ranges: number): void {
  const size = groupSize(ranges);
  for (let leader = size; leader < ranges; leader += size) {
    ctrl[rangeWord(leader) + RANGE_TASKS] = tasks;
    // An empty leader range has no first claim to open its group.
    if (!openRange(ctrl, leader, tasks, table, ranges)) openGroup(ctrl, leader, tasks, table, ranges);
  }
  for (let r = 0; r < Math.min(size, ranges); r++) openRange(ctrl, r, tasks, table, ranges);
}

/**
 * Writes range r's END and TABLE, then swaps its count in; returns whether the range has tasks
 * (an empty one is left as it is: a range ends every job at zero or below). The swap publishes
 * the writes before it, and the task table's. It never replaces CLOSED: a group's followers are
 * opened by the thread that claimed the leader's first task, and the job may have failed since
 * (closeRanges); a count stored after the close would let a straggler claim once the host took
 * the job for quiet. A close landing before the swap makes it fail, and one landing after
 * overwrites it, while any thread that claimed meanwhile had set its STATE before the close
 * ended, and the host waits for it. The first swap guesses 0, what a range almost always holds
 * between jobs (the dispatcher clears CLOSED once a failed job is quiet), so opening costs one
 * locked operation, as a store would.
 */
function openRange(ctrl: Int32Array, r: number, tasks: number, table: number, ranges: number): boolean {
  const count = rangeStart(r + 1, tasks, ranges) - rangeStart(r, tasks, ranges);
  if (count <= 0) return false;
  const word = rangeWord(r);
  // A closed range's END and TABLE are never read.
  ctrl[word + RANGE_END] = rangeStart(r + 1, tasks, ranges);
  ctrl[word + RANGE_TABLE] = table;
  for (let expected = 0; ; ) {
    const held = Atomics.compareExchange(ctrl, word, expected, count);
    if (held === expected || held <= CLOSED_BELOW) return true;
    expected = held;
  }
}

/** Opens the ranges that follow `leader` in its group. */
function openGroup(ctrl: Int32Array, leader: number, tasks: number, table: number, ranges: number): void {
  const end = Math.min(leader + groupSize(ranges), ranges);
  for (let r = leader + 1; r < end; r++) openRange(ctrl, r, tasks, table, ranges);
}

/**
 * Opens the rest of a group if `task`, just claimed from range r, is the first task of a leader's
 * range; returns whether it did. The claimer holds that task, so no later job can have started,
 * and the leader's line (read after the claim, like END and TABLE) is this job's. The job may
 * have failed since the claim: openRange then leaves the closed ranges closed.
 */
function openGroupIfFirst(ctrl: Int32Array, r: number, ranges: number, task: number): boolean {
  if (r === 0 || r % groupSize(ranges) !== 0) return false;
  const word = rangeWord(r);
  const tasks = Atomics.load(ctrl, word + RANGE_TASKS);
  const table = Atomics.load(ctrl, word + RANGE_TABLE) >>> 0;
  if (task !== table + rangeStart(r, tasks, ranges) * TASK_BYTES) return false;
  openGroup(ctrl, r, tasks, table, ranges);
  return true;
}

/** Stops every further claim, of the running job's tasks or by a thread that comes late. */
export function closeRanges(ctrl: Int32Array, ranges: number): void {
  for (let r = 0; r < ranges; r++) Atomics.store(ctrl, rangeWord(r), CLOSED);
}

/**
 * Sets every range's count back to zero, once no thread may still claim from or open a failed
 * job's ranges: a group's later opens refuse a CLOSED range, so one left from an old job would
 * never open again.
 */
export function clearRanges(ctrl: Int32Array, ranges: number): void {
  for (let r = 0; r < ranges; r++) Atomics.store(ctrl, rangeWord(r), 0);
}

/**
 * Claims tasks, range `home` first, then each other range in turn, and passes each task's address
 * to `run` until no range has any left or `run` returns false (having marked the failure first).
 * Returns false if `run` did.
 */
export function claimTasks(claimer: Claimer, home: number, ranges: number, run: (task: number) => boolean): boolean {
  return claimHome(claimer, home, ranges, run) && claimOthers(claimer, home, ranges, run);
}

/**
 * The first half of claimTasks: range `home` until it runs dry. Its finished tasks are added to
 * DONE in one go then, so the last home task to finish ends the job at once, not after its
 * thread has looked through every other range (a cache-line read each, ~0.1 µs apiece on 16
 * cores). A group this opens is looked through by claimOthers, which every claimer runs next
 * unless `run` failed: an async job then fails and the dispatcher closes its ranges, and a
 * blocking caller looks through them again while it waits (dispatcher.ts, runSync).
 */
export function claimHome(claimer: Claimer, home: number, ranges: number, run: (task: number) => boolean): boolean {
  let ok = true;
  let ran = 0;
  let task: number;
  while (ok && (task = claim(claimer, home)) >= 0) {
    openGroupIfFirst(claimer.ctrl, home, ranges, task);
    ran++;
    ok = run(task);
  }
  report(claimer.ctrl, ran);
  return ok;
}

/**
 * The second half of claimTasks: every other range in turn, each task added to DONE as it ends.
 * A thread that opens a group looks through every range once more: an owner that went to sleep
 * on EPOCH before its range opened does not wake for it, and a range before this thread's
 * place in the pass would otherwise be left to no one.
 */
export function claimOthers(claimer: Claimer, home: number, ranges: number, run: (task: number) => boolean): boolean {
  let ok = true;
  for (let opened = true; ok && opened; ) {
    opened = false;
    for (let k = 1; ok && k < ranges; k++) {
      const r = (home + k) % ranges;
      let task: number;
      while (ok && (task = claim(claimer, r)) >= 0) {
        opened = openGroupIfFirst(claimer.ctrl, r, ranges, task) || opened;
        ok = run(task);
        report(claimer.ctrl, 1);
      }
    }
  }
  return ok;
}

/** What claimOneTask did: found no task left, ran one, or ran one whose claim opened a group. */
export const NONE_LEFT = 0;
export const RAN_ONE = 1;
export const OPENED_GROUP = 2;

/**
 * Claims one task, range `home` first, then each other range in turn, runs it and adds it to
 * DONE at once: for a thread that gives its event loop turns between tasks and so must never
 * hold a claimed task across one. Returns NONE_LEFT when no range has any left. A group it
 * opens (OPENED_GROUP) is looked through by its later calls, or, if its caller stops before
 * then, by the workers, which the caller must then have look again (dispatcher.ts).
 */
export function claimOneTask(claimer: Claimer, home: number, ranges: number, run: (task: number) => void): number {
  for (let k = 0; k < ranges; k++) {
    const r = (home + k) % ranges;
    const task = claim(claimer, r);
    if (task >= 0) {
      const opened = openGroupIfFirst(claimer.ctrl, r, ranges, task);
      run(task);
      report(claimer.ctrl, 1);
      return opened ? OPENED_GROUP : RAN_ONE;
    }
  }
  return NONE_LEFT;
}

/**
 * Whether any range still has tasks to claim. Only a hint, since other threads claim meanwhile;
 * a closed range counts as empty.
 */
export function tasksLeft(ctrl: Int32Array, ranges: number): boolean {
  for (let r = 0; r < ranges; r++) if (Atomics.load(ctrl, rangeWord(r)) > 0) return true;
  return false;
}

/** Claims one task of range r: its address, or −1 when the range has none left. */
function claim(claimer: Claimer, r: number): number {
  const task = claimer.claimTask(claimer.ctrl.byteOffset + rangeWord(r) * 4);
  // An address from 2 GiB up comes back negative. −1 is none: task records are 32-byte aligned.
  return task === -1 ? -1 : task >>> 0;
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
