import { CHUNK } from "../dot/scratch.js";
import type { TaskSink } from "./plan.js";

/**
 * The most elements of an operand one task covers where the calling thread runs a job's tasks
 * between turns of its event loop (an awaited call that polls, a pool without workers). It holds
 * its loop a task at a time, so this bounds the hold as CHUNK bounds a step of the copy path.
 * Left to the plans, such a task reached 64 blocks: on the 2-core VM an awaited pool.dot of 5e6
 * f64 held its loop for 250–400 µs at a stretch, and 1-block tasks made 1e6 9% slower.
 */
export const STEPPED_TASK_ELEMENTS = CHUNK;

/** What the dispatcher runs: a way to emit tasks, and how many partial sums they write. */
export interface JobPlan {
  /** f64 slots the tasks write, one per block of a product; 0 for a job with no partials. */
  readonly partials: number;
  /** Bytes the tasks read and write, to estimate how long the job runs. */
  readonly bytes: number;
  /** At most how many tasks emit will make, to reserve room for the table first. */
  readonly maxTasks: number;
  /**
   * Emits the tasks, sized for `threads` threads, none covering more than `longest` elements of
   * an operand (Infinity leaves that to the plan); returns how many it emitted.
   */
  emit(threads: number, longest: number, sink: TaskSink): number;
}
