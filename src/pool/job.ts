import type { TaskSink } from "./plan.js";

/** What the dispatcher runs: a way to emit tasks, and how many partial sums they write. */
export interface JobPlan {
  /** f64 slots the tasks write, one per block of a product; 0 for a job with no partials. */
  readonly partials: number;
  /** Bytes the tasks read and write, to estimate how long the job runs. */
  readonly bytes: number;
  /** At most how many tasks emit will make, to reserve room for the table first. */
  readonly maxTasks: number;
  /** Emits the tasks, sized for `threads` threads; returns how many it emitted. */
  emit(threads: number, sink: TaskSink): number;
}
