// How the host counts a job's finished tasks (src/pool/tally.ts): each worker's REPORT word, the
// caller's own count, and the WAITING/WAKE handshake of a host that sleeps.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Worker } from "node:worker_threads";
import { CONTROL_BYTES, reportWord, WAITING, WAKE } from "../dist/pool/layout.js";
import { Tally, workerReport } from "../dist/pool/tally.js";

const controlBlock = () => new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));

test("a job is finished once the workers' reports and the caller's count reach its tasks", () => {
  const ctrl = controlBlock();
  const tally = new Tally(ctrl, 3);
  tally.start(5);
  assert.not.ok(tally.finished());
  workerReport(ctrl, 1)(2);
  tally.callerReport(2);
  assert.not.ok(tally.finished(), "4 of 5");
  workerReport(ctrl, 2)(1);
  assert.ok(tally.finished());
  assert.is(Atomics.load(ctrl, reportWord(1)), 2);
  assert.is(Atomics.load(ctrl, reportWord(2)), 1);
});

test("each job counts from the reports in when it starts", () => {
  const ctrl = controlBlock();
  const tally = new Tally(ctrl, 2);
  const report = workerReport(ctrl, 1);
  tally.start(3);
  report(3);
  assert.ok(tally.finished());
  tally.start(2);
  assert.not.ok(tally.finished(), "the last job's reports do not count for this one");
  report(1);
  assert.not.ok(tally.finished());
  tally.callerReport(1);
  assert.ok(tally.finished());
});

test("a replacement worker goes on from its slot's count, and counts wrap past 2³¹ without a false end", () => {
  const ctrl = controlBlock();
  Atomics.store(ctrl, reportWord(0), 2 ** 31 - 2);
  const tally = new Tally(ctrl, 2);
  tally.start(4);
  const replacement = workerReport(ctrl, 0);
  replacement(3);
  assert.is(Atomics.load(ctrl, reportWord(0)), -(2 ** 31) + 1, "wrapped");
  assert.not.ok(tally.finished(), "3 of 4 across the wrap");
  replacement(1);
  assert.ok(tally.finished());
});

test("a host about to sleep gets WAKE's value and sets WAITING; only the first report after that bumps WAKE", () => {
  const ctrl = controlBlock();
  const tally = new Tally(ctrl, 2);
  tally.start(3);
  Atomics.store(ctrl, WAKE, 41);
  assert.is(tally.sleepValue(), 41);
  assert.is(Atomics.load(ctrl, WAITING), 1);
  const report = workerReport(ctrl, 1);
  report(1);
  assert.is(Atomics.load(ctrl, WAKE), 42, "the first report wakes the host");
  assert.is(Atomics.load(ctrl, WAITING), 0, "and takes WAITING");
  report(1);
  assert.is(Atomics.load(ctrl, WAKE), 42, "a later one does not, until the host sleeps again");
  assert.is(tally.sleepValue(), 42);
  report(1);
  assert.is(Atomics.load(ctrl, WAKE), 43);
  assert.is(tally.sleepValue(), undefined, "finished: no sleep");
  tally.awake();
  assert.is(Atomics.load(ctrl, WAITING), 0);
});

test("a host whose job is already finished never sets WAITING, so reports never touch WAKE's line", () => {
  const ctrl = controlBlock();
  const tally = new Tally(ctrl, 2);
  tally.start(1);
  workerReport(ctrl, 1)(1);
  assert.is(tally.sleepValue(), undefined);
  assert.is(Atomics.load(ctrl, WAITING), 0);
  workerReport(ctrl, 1)(1);
  assert.is(Atomics.load(ctrl, WAKE), 0);
});

test("the next job's start clears a WAITING left by a host that gave up on a failed job", () => {
  const ctrl = controlBlock();
  const tally = new Tally(ctrl, 2);
  tally.start(2);
  assert.is(tally.sleepValue(), 0);
  tally.start(1);
  assert.is(Atomics.load(ctrl, WAITING), 0);
});

// Reports from another thread, 2 ms apart, while this thread sleeps on WAKE as runSync does:
// each sleep must end by a wake, never by its 2-second timeout.
const REPORTER = `
  import { workerData } from "node:worker_threads";
  const { workerReport } = await import(workerData.tally);
  const report = workerReport(new Int32Array(workerData.buffer), 1);
  for (let i = 0; i < workerData.tasks; i++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    report(1);
  }
`;

test("a host asleep on WAKE is woken by another thread's reports until its job is finished", async () => {
  const ctrl = controlBlock();
  const tally = new Tally(ctrl, 2);
  const tasks = 20;
  tally.start(tasks);
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(REPORTER)}`), {
    workerData: { buffer: ctrl.buffer, tasks, tally: new URL("../dist/pool/tally.js", import.meta.url).href },
  });
  const outcomes = [];
  for (let wake = tally.sleepValue(); wake !== undefined; wake = tally.sleepValue()) outcomes.push(Atomics.wait(ctrl, WAKE, wake, 2000));
  tally.awake();
  await new Promise((resolve) => worker.once("exit", resolve));
  assert.ok(tally.finished());
  assert.not.ok(outcomes.includes("timed-out"), `woken each time: ${outcomes.join(", ")}`);
});

test.run();
