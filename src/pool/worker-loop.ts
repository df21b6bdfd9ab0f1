// What every worker runs, on any platform: sleep on EPOCH, claim tasks until none are left,
// go back to sleep. Only pointers travel; the data never leaves the shared memory.
import { instantiate } from "../kernels/exports.js";
import { DONE, EPOCH, FAILED, NTASKS, REMAINING, STATE, STOP, TASK_BYTES, TASKS, type WorkerInit } from "./layout.js";

/**
 * Polls of EPOCH before sleeping. A few microseconds catch back-to-back jobs without a wake-up;
 * longer spins steal the core from the thread that has work on a 2-core machine (DESIGN.md).
 */
const SPIN = 2000;

/**
 * Instantiates the kernels, calls `ready`, then serves jobs until the host sets STOP.
 * A task that throws marks FAILED, counts as done so the job ends, and rethrows.
 */
export function serve({ module, memory, control, index }: WorkerInit, ready: () => void): void {
  const kernels = instantiate(module, memory);
  const ctrl = new Int32Array(memory.buffer, control, STATE + index + 1);
  // Read before `ready`: the host may publish (or stop) as soon as it hears from us, and a
  // later read would take that epoch as already seen and sleep through it.
  let seen = Atomics.load(ctrl, EPOCH);
  ready();
  for (;;) {
    // Claim first, then sleep: a worker that replaces a lost one may find a job already waiting.
    Atomics.store(ctrl, STATE + index, 1);
    for (let left = Atomics.sub(ctrl, REMAINING, 1); left > 0; left = Atomics.sub(ctrl, REMAINING, 1)) {
      const count = Atomics.load(ctrl, NTASKS);
      const task = (Atomics.load(ctrl, TASKS) >>> 0) + (count - left) * TASK_BYTES;
      try {
        kernels.runTask(task);
      } catch (error) {
        // Counted as done so the job ends; STATE is cleared first, so the host knows this
        // worker holds no task when its exit arrives. The host then replaces the worker.
        Atomics.store(ctrl, FAILED, index + 1);
        Atomics.store(ctrl, STATE + index, 0);
        finish(ctrl, count);
        throw error;
      }
      finish(ctrl, count);
    }
    Atomics.store(ctrl, STATE + index, 0);
    for (let spin = 0; Atomics.load(ctrl, EPOCH) === seen; spin++) {
      if (spin >= SPIN) Atomics.wait(ctrl, EPOCH, seen);
    }
    seen = Atomics.load(ctrl, EPOCH);
    if (Atomics.load(ctrl, STOP) !== 0) return;
  }
}

function finish(ctrl: Int32Array, count: number): void {
  if (Atomics.add(ctrl, DONE, 1) + 1 === count) Atomics.notify(ctrl, DONE);
}
