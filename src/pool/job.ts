import { CHUNK } from "../dot/scratch.js";
import type { TaskSink } from "./plan.js";

/**
 * The most elements of an operand one task covers where the calling thread runs a job's tasks
 * between turns of its event loop. An awaited call that polls runs tasks for a 15 µs slice, one
 * at least, so this bounds how long it holds its loop, as CHUNK bounds a step of the copy path;
 * a pool without workers runs tasks for SLICE_MS between turns in a browser (here.ts, turns.ts), and this
 * bounds the overshoot. Left to the plans, a task reached 64 blocks: on the 2-core VM an awaited
 * pool.dot of 1e6 to 5e6 f64 held its loop for 200–300 µs at a stretch (90th percentile), and
 * 1-block tasks made 1e6 9% slower.
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
   * Whether the job, or its caller when it ends, may read or write a byte in [start, end) of the
   * arena: free() refuses such an array meanwhile (arena/readers.ts).
   */
  touches(start: number, end: number): boolean;
  /**
   * Emits the tasks, sized for `threads` threads, none covering more than `longest` elements of
   * an operand (Infinity leaves that to the plan); returns how many it emitted.
   */
  emit(threads: number, longest: number, sink: TaskSink): number;
  /**
   * A cap no longer than `longest` under which emit(threads, ·) makes the same tasks as under
   * `longest`, the same for every `longest` no task reaches. Tables are written and kept under
   * it (JobArea), so calls whose caps differ only beyond their tasks' length share one: an
   * awaited call that polls and a blocking one on the same product of 1e5 elements, 2 threads.
   */
  cap(threads: number, longest: number): number;
  /**
   * Whether the dispatcher may keep this plan to compare later ones with (JobArea): a plan of
   * many groups (a big dotBatch) is not, since comparing would cost as much as writing its table
   * and keeping it would hold its groups.
   */
  readonly keepable: boolean;
  /**
   * Whether `other`, a plan the dispatcher kept, emits the same tasks for any threads and
   * `longest`, so that its table serves this plan.
   */
  sameTasks(other: JobPlan): boolean;
}
