// What every worker runs, on any platform: claim tasks until none are left, then poll its own
// range and EPOCH for a while, then sleep on EPOCH until the next job. Only pointers travel; the
// data never leaves the shared memory.
import { instantiate } from "../kernels/exports.js";
import { claimHome, claimOthers } from "./claims.js";
import { CALLER, CONTROL_BYTES, EPOCH, FAILED, rangeWord, STOP, stateWord, type WorkerInit } from "./layout.js";
import { SPIN_MS } from "./waking.js";

/**
 * Instantiates the kernels; returns the loop that serves jobs until the host sets STOP, which
 * the entry runs only once the host admits this worker to its slot. A worker that claimed before
 * that could be abandoned as it began (a start that stalled, or a pool that closed), and then
 * nobody would count its task or answer its trap: its job, and close(), waited for good. The
 * loop claims at once: a worker that replaces a lost one may find a job already waiting.
 * A task that throws marks FAILED, counts as done so the job ends, and is rethrown.
 */
export function prepareWorker({ module, memory, control, index, ranges }: WorkerInit): () => void {
  const kernels = instantiate(module, memory);
  const ctrl = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  const state = stateWord(index);
  const count = rangeWord(index);
  const claimer = { ctrl, claimTask: kernels.claimTask };
  let trap: unknown;
  const run = (task: number): boolean => {
    try {
      kernels.runTask(task);
      return true;
    } catch (error) {
      // The failed task then counts as done so the job ends. FAILED is set before it is
      // counted, so the host cannot take the job for a success.
      trap = error;
      Atomics.store(ctrl, FAILED, index + 1);
      return false;
    }
  };
  return () => {
    for (;;) {
      Atomics.store(ctrl, state, 1);
      let ok = claimHome(claimer, index, ranges, run);
      // Read between the two halves, after the home tasks are counted, where the read delays the
      // job only if this worker goes on to take tasks from other ranges. A job published before it
      // has its other ranges looked through below, and its tasks in this worker's range show in
      // waitForJob's poll; one published after it moves EPOCH past `seen`. Read any later, a job
      // could slip in unseen, and a range whose owner was lost would then wait for good. A range
      // that a group's first claim opens later may find this worker asleep; layout.ts says who
      // takes its tasks then.
      const seen = Atomics.load(ctrl, EPOCH);
      ok &&= claimOthers(claimer, index, ranges, run);
      // Cleared only once every claimed task is counted: the host reads STATE = 0 as "adds
      // nothing more to DONE", and a count landing after it would go to the next job. Cleared
      // before a trap is rethrown, so the host knows this worker holds no task when its exit
      // arrives; the host then replaces it.
      Atomics.store(ctrl, state, 0);
      if (!ok) throw trap;
      // A stop published before `seen` was read shows here; one published after it moves EPOCH.
      if (Atomics.load(ctrl, STOP) !== 0) return;
      waitForJob(ctrl, seen, count);
      if (index === 0) sitOutWhileCallerComputes(ctrl);
    }
  };
}

/**
 * Returns once this worker's range has tasks or EPOCH differs from `seen`: polls both for
 * SPIN_MS, then sleeps on EPOCH. Polling the range, the line its claims read, lets a job reach
 * a spinning worker in one line crossing (layout.ts).
 */
function waitForJob(ctrl: Int32Array, seen: number, countWord: number): void {
  const until = performance.now() + SPIN_MS;
  for (let poll = 1; Atomics.load(ctrl, countWord) <= 0 && Atomics.load(ctrl, EPOCH) === seen; poll++) {
    // The clock is read every 64 polls: a read costs more than a poll.
    if ((poll & 63) === 0 && performance.now() > until) Atomics.wait(ctrl, EPOCH, seen);
  }
}

/**
 * Worker 0 sits out while CALLER is 1: it sleeps on that word, neither spinning nor on EPOCH,
 * where a wake meant for another worker could reach it. The host clears CALLER and notifies it
 * when it publishes a job the caller does not compute in, when a polling caller's budget runs
 * out, and on stop.
 */
function sitOutWhileCallerComputes(ctrl: Int32Array): void {
  while (Atomics.load(ctrl, CALLER) !== 0) Atomics.wait(ctrl, CALLER, 1);
}
