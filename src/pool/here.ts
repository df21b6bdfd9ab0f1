// Work on the calling thread that must not hold up its event loop: a pool without workers (a page
// that is not cross-origin isolated) and pool.dot of copied operands. It runs a step at a time and
// gives the loop a turn between steps, as often as turns are cheap enough to allow.
import { kernels } from "../kernels/module.js";
import { platform } from "../platform/platform.js";
import { JobArea } from "./job-area.js";
import { STEPPED_TASK_ELEMENTS, type JobPlan } from "./job.js";
import { TASK_BYTES } from "./layout.js";
import { owesTurn, takeTurn } from "./turns.js";

/**
 * Runs step(0) … step(steps − 1) on this thread with turns of the event loop between steps: after
 * every step where turns are cheap (Node), else once SLICE_MS has passed since the thread's last
 * turn (turns.ts), and once more after the last step where that has passed by then.
 * `stopped` is asked before every step, the first included (work that follows a copy starts a
 * microtask after it, when destroy() may already have come), and after the last (a getter of the
 * last step may have called destroy()): an error it returns ends the work.
 */
export function inSteps(steps: number, step: (i: number) => void, stopped: () => Error | undefined): Promise<void> {
  let i = 0;
  return whileSteps(() => i < steps, () => step(i++), stopped);
}

/** As inSteps, for work whose steps are counted as they go: `more` says whether a step is left. */
export async function whileSteps(more: () => boolean, step: () => void, stopped: () => Error | undefined): Promise<void> {
  const { cheapTurns } = platform();
  for (let first = true; ; first = false) {
    if (!first && ((cheapTurns && more()) || owesTurn())) await takeTurn();
    const error = stopped();
    if (error !== undefined) throw error;
    if (!more()) return;
    step();
  }
}

/**
 * Runs a job's tasks on this thread with this thread's kernels, the same tasks and partial sums
 * the workers would make, so the same bits, in steps of one task; `finish` reads the partials.
 */
export async function runHere<T>(plan: JobPlan, stopped: () => Error | undefined, finish: (partials: Float64Array) => T): Promise<T> {
  const area = new JobArea();
  try {
    const tasks = area.write(plan, 1, STEPPED_TASK_ELEMENTS);
    const { runTask } = kernels().kernels;
    await inSteps(tasks, (task) => runTask(area.tasks + task * TASK_BYTES), stopped);
    return finish(area.partialsView(plan.partials));
  } finally {
    area.free();
  }
}
