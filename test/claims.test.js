// How threads share a job's tasks (src/pool/claims.ts): one range of the task table per thread,
// home range first, then the others. Driven on one thread with a control block of its own, so
// the test chooses every interleaving.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { claimOneTask, claimTasks, clearRanges, closeRanges, NONE_LEFT, OPENED_GROUP, openRanges, RAN_ONE, tasksLeft } from "../dist/pool/claims.js";
import { f64 } from "../dist/index.js";
import { kernels } from "../dist/kernels/module.js";
import { CONTROL_BYTES, DONE, LINE_WORDS, NTASKS, RANGE_TASKS, rangeWord, TASK_BYTES } from "../dist/pool/layout.js";

/** What this thread claims with: the control block and its kernels' claimTask. */
const claimer = (ctrl) => ({ ctrl, claimTask: kernels().kernels.claimTask });

const TABLE = 1 << 20; // a made-up task-table address; task i comes back as TABLE + i·TASK_BYTES

function publish(ctrl, tasks, ranges) {
  Atomics.store(ctrl, NTASKS, tasks);
  Atomics.store(ctrl, DONE, 0);
  openRanges(ctrl, tasks, TABLE, ranges);
}

/** A control block in the arena, where the kernels' claimTask reads it. */
function controlBlock(tasks, ranges) {
  const block = f64(CONTROL_BYTES / 8);
  const ctrl = new Int32Array(block.buffer, block.byteOffset, CONTROL_BYTES / 4);
  publish(ctrl, tasks, ranges);
  return ctrl;
}

/**
 * Claims at most one task for the thread whose home is `home`: `run` answers false, as after a
 * failure, so the thread stops there. Returns the task's index, or undefined.
 */
function claimOne(ctrl, home, ranges) {
  let claimed;
  const finished = claimTasks(claimer(ctrl), home, ranges, (task) => {
    claimed = (task - TABLE) / TASK_BYTES;
    return false;
  });
  assert.is(finished, claimed === undefined, "claimTasks says whether run stopped it");
  return claimed;
}

/** Every thread claims one task in turn until none is left; returns each thread's claims in order. */
function roundRobin(ctrl, ranges) {
  const claims = Array.from({ length: ranges }, () => []);
  for (let progress = true; progress; ) {
    progress = false;
    for (let home = 0; home < ranges; home++) {
      const task = claimOne(ctrl, home, ranges);
      if (task !== undefined) claims[home].push(task);
      progress ||= task !== undefined;
    }
  }
  return claims;
}

const sequence = (from, to) => Array.from({ length: to - from }, (_, i) => from + i);
const rangeOf = (r, tasks, ranges) => sequence(Math.floor((r * tasks) / ranges), Math.floor(((r + 1) * tasks) / ranges));

test("one thread alone claims every task once: its own range first, then the following ranges in turn", () => {
  const ctrl = controlBlock(10, 4); // ranges [0,2) [2,5) [5,7) [7,10)
  const seen = [];
  assert.ok(claimTasks(claimer(ctrl), 2, 4, (task) => seen.push((task - TABLE) / TASK_BYTES) > 0));
  assert.equal(seen, [5, 6, 7, 8, 9, 0, 1, 2, 3, 4]);
  assert.is(Atomics.load(ctrl, DONE), 10);
  assert.is(claimOne(ctrl, 0, 4), undefined, "nothing is left for another thread");
});

test("a thread adds its home tasks to DONE when its range runs dry, then each other task as it ends", () => {
  const ctrl = controlBlock(10, 4); // home range 2 is [5,7)
  const doneWhenRun = [];
  claimTasks(claimer(ctrl), 2, 4, () => doneWhenRun.push(Atomics.load(ctrl, DONE)) > 0);
  assert.equal(doneWhenRun, [0, 0, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("a task whose run fails still counts as done, and its thread claims nothing more", () => {
  const ctrl = controlBlock(6, 2);
  let runs = 0;
  assert.is(claimTasks(claimer(ctrl), 0, 2, () => ++runs < 2), false);
  assert.is(runs, 2);
  assert.is(Atomics.load(ctrl, DONE), 2);
  assert.equal(roundRobin(ctrl, 2).flat().sort((a, b) => a - b), [2, 3, 4, 5], "the others finish the job");
  assert.is(Atomics.load(ctrl, DONE), 6);
});

test("threads claiming in turn take their own contiguous ranges first; every task is claimed once", () => {
  for (const [tasks, ranges] of [[64, 16], [21, 7], [25, 16], [3, 8], [7, 3], [1, 1], [1000, 7]]) {
    const claims = roundRobin(controlBlock(tasks, ranges), ranges);
    // With ranges of unequal size a thread that ran dry helps its neighbours while they still
    // work on their own, so only equal ranges show each thread keeping to its own.
    for (let r = 0; r < ranges && tasks % ranges === 0; r++) {
      assert.equal(claims[r].slice(0, tasks / ranges), rangeOf(r, tasks, ranges), `${tasks} tasks over ${ranges}: thread ${r} takes its range`);
    }
    assert.equal(claims.flat().sort((a, b) => a - b), sequence(0, tasks), `${tasks} tasks over ${ranges}: each claimed once`);
  }
});

test("a task table from 2 GiB up gives its tasks' addresses whole, above what an i32 holds", () => {
  const ctrl = controlBlock(0, 2);
  const table = 2 ** 31 + 2 ** 30; // 3 GiB, a multiple of TASK_BYTES
  Atomics.store(ctrl, NTASKS, 5);
  openRanges(ctrl, 5, table, 2); // ranges [0,2) and [2,5)
  const seen = [];
  assert.ok(claimTasks(claimer(ctrl), 1, 2, (task) => seen.push(task) > 0));
  assert.equal(seen, [2, 3, 4, 0, 1].map((i) => table + i * TASK_BYTES));
  assert.is(Atomics.load(ctrl, DONE), 5);
});

test("a thread whose range runs dry first takes from the next range onwards", () => {
  // 5 tasks over 2 ranges: [0,2) and [2,5). Thread 0 claims twice, thread 1 once; then thread 0
  // takes what is left of range 1, in order.
  const ctrl = controlBlock(5, 2);
  assert.equal([claimOne(ctrl, 0, 2), claimOne(ctrl, 0, 2), claimOne(ctrl, 1, 2)], [0, 1, 2]);
  assert.equal([claimOne(ctrl, 0, 2), claimOne(ctrl, 0, 2), claimOne(ctrl, 0, 2)], [3, 4, undefined]);
});

test("a job with fewer tasks than ranges, after a job that used them all, gives each task once", () => {
  const ctrl = controlBlock(64, 16);
  roundRobin(ctrl, 16);
  publish(ctrl, 3, 16);
  const claims = roundRobin(ctrl, 16);
  assert.equal(claims.flat().sort((a, b) => a - b), [0, 1, 2]);
});

test("claimOneTask takes one task, home range first, and adds it to DONE before it returns", () => {
  const ctrl = controlBlock(5, 2); // ranges [0,2) [2,5)
  const seen = [];
  const doneAfter = [];
  while (claimOneTask(claimer(ctrl), 1, 2, (task) => seen.push((task - TABLE) / TASK_BYTES))) doneAfter.push(Atomics.load(ctrl, DONE));
  assert.equal(seen, [2, 3, 4, 0, 1]);
  assert.equal(doneAfter, [1, 2, 3, 4, 5]);
  assert.is(claimOneTask(claimer(ctrl), 0, 2, () => assert.unreachable("a task was run after none was left")), NONE_LEFT);
});

test("a claim reads only its range's line: the line a spinning worker polls holds all it needs", () => {
  const ranges = 4;
  const ctrl = controlBlock(8, ranges); // ranges [0,2) [2,4) [4,6) [6,8)
  // Every word outside the range lines cleared, as if their lines had not reached this thread.
  const lines = new Set(Array.from({ length: ranges }, (_, r) => Math.floor(rangeWord(r) / LINE_WORDS)));
  for (let word = 0; word < ctrl.length; word++) if (!lines.has(Math.floor(word / LINE_WORDS))) ctrl[word] = 0;
  assert.equal(roundRobin(ctrl, ranges), [[0, 1], [2, 3], [4, 5], [6, 7]]);
});

const open = (ctrl, ranges) => Array.from({ length: ranges }, (_, r) => r).filter((r) => Atomics.load(ctrl, rangeWord(r)) > 0);

test("the caller opens its group and each leader; the first claim on a leader's range opens the rest of its group", () => {
  const ctrl = controlBlock(32, 16); // groups of 4: leaders 4, 8 and 12; range r holds tasks 2r and 2r + 1
  assert.equal(open(ctrl, 16), [0, 1, 2, 3, 4, 8, 12]);
  assert.is(claimOneTask(claimer(ctrl), 8, 16, (task) => assert.is((task - TABLE) / TASK_BYTES, 16)), OPENED_GROUP);
  assert.equal(open(ctrl, 16), [0, 1, 2, 3, 4, 8, 9, 10, 11, 12]);
  assert.is(claimOneTask(claimer(ctrl), 8, 16, () => {}), RAN_ONE);
  assert.equal(open(ctrl, 16), [0, 1, 2, 3, 4, 9, 10, 11, 12], "only the first claim opens; range 8 ran dry");
  assert.equal(roundRobin(ctrl, 16).flat().sort((a, b) => a - b), sequence(0, 32).filter((t) => t !== 16 && t !== 17));
});

test("a group whose leader's range is empty is opened by the caller", () => {
  const ctrl = controlBlock(3, 16); // ranges 5, 10 and 15 hold one task each; leaders 4, 8 and 12 none
  assert.equal(open(ctrl, 16), [5, 10, 15]);
});

test("a thread that opens a group on its way through the others looks through every range again", () => {
  // Thread 6 (in leader 4's group) finds its own range closed, passes 7 (not open yet), then opens
  // groups 8 and 12 and, near the end of its pass, 4's: ranges 5 and 7 open. Range 7 lies behind it.
  const ctrl = controlBlock(32, 16);
  const seen = [];
  assert.ok(claimTasks(claimer(ctrl), 6, 16, (task) => seen.push((task - TABLE) / TASK_BYTES) > 0));
  const ownRange = [12, 13];
  assert.equal(seen.sort((a, b) => a - b), sequence(0, 32).filter((t) => !ownRange.includes(t)));
  assert.equal(open(ctrl, 16), [6], "its own range was opened after its claims on it; its owner's poll finds it");
});

test("tasksLeft says whether any range has a task to claim: not once the last is taken, nor when the ranges are closed", () => {
  const ctrl = controlBlock(5, 3); // ranges [0,1) [1,3) [3,5)
  assert.ok(tasksLeft(ctrl, 3));
  for (let taken = 0; taken < 4; taken++) claimOne(ctrl, 0, 3);
  assert.ok(tasksLeft(ctrl, 3), "one task is left, in the last range");
  claimOne(ctrl, 1, 3);
  assert.not.ok(tasksLeft(ctrl, 3), "all five are taken");
  publish(ctrl, 5, 3);
  closeRanges(ctrl, 3);
  assert.not.ok(tasksLeft(ctrl, 3), "a closed job has none");
});

test("closing the ranges stops every claim; cleared, the next job opens them again", () => {
  const ctrl = controlBlock(12, 4);
  assert.is(claimOne(ctrl, 1, 4), 3);
  closeRanges(ctrl, 4);
  for (let home = 0; home < 4; home++) assert.is(claimOne(ctrl, home, 4), undefined);
  clearRanges(ctrl, 4);
  publish(ctrl, 12, 4);
  assert.equal(roundRobin(ctrl, 4).flat().sort((a, b) => a - b), sequence(0, 12));
});

test("a group whose opener claimed before its job was closed stays closed", () => {
  // The close lands between the claim of leader 4's first task and the opening of ranges 5–7,
  // as when the host fails the job while the opener is descheduled there.
  const ctrl = controlBlock(32, 16);
  const { load } = Atomics;
  Atomics.load = (array, index) => {
    if (array === ctrl && index === rangeWord(4) + RANGE_TASKS) closeRanges(ctrl, 16);
    return load(array, index);
  };
  try {
    assert.ok(claimOneTask(claimer(ctrl), 4, 16, () => {}));
  } finally {
    Atomics.load = load;
  }
  assert.equal(open(ctrl, 16), [], "no range reopened after the close");
  for (let home = 0; home < 16; home++) assert.is(claimOne(ctrl, home, 16), undefined);
});

test.run();
