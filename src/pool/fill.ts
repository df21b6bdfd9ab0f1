// Plans a parallel fill, the way numpy's arange makes a vector: the array is cut into slices of
// whole cache lines, a few per thread, and each task writes one slice. It has no partial sums.
import { BYTES, type Precision } from "../dot/operands.js";
import { overlaps } from "../arena/readers.js";
import { KERNEL } from "./layout.js";
import type { JobPlan } from "./job.js";

/** Slices per thread: enough to even out threads that start late. */
const SLICES_PER_THREAD = 4;
/** The shortest slice worth a task: 64K elements, tens of microseconds of stores. */
const MIN_SLICE = 65536;
/**
 * The longest: 256K elements, as a dot task's 64 blocks (plan.ts), ~0.1 ms of stores. Uncapped,
 * slices grew with n, and a descheduled worker held up a quarter of its share; a pool without
 * workers, filling a slice a step, held a page's thread for 200 ms at a time at 1.6e7 (such a
 * thread now gets slices of STEPPED_TASK_ELEMENTS, job.ts).
 */
const MAX_SLICE = 262144;

/** Fills `n` elements at `ptr` with 0, 1, 2, … in the given precision. */
export function iotaPlan(ptr: number, n: number, precision: Precision): JobPlan {
  const kernel = precision === "f64" ? KERNEL.iotaF64 : KERNEL.iotaF32;
  const width = BYTES[precision];
  return {
    partials: 0,
    bytes: n * width,
    maxTasks: Math.ceil(n / MIN_SLICE),
    touches: (start, end) => overlaps(ptr, n * width, start, end),
    // A fill is made once an array: its table is not worth keeping.
    keepable: false,
    sameTasks: () => false,
    cap: (_threads, longest) => longest,
    emit(threads, longest, sink) {
      // Never below MIN_SLICE, which maxTasks counts on; `longest` is no shorter where it is set.
      const slice = Math.max(MIN_SLICE, Math.min(MAX_SLICE, longest, Math.ceil(n / (threads * SLICES_PER_THREAD) / 16) * 16));
      let tasks = 0;
      for (let first = 0; first < n; first += slice, tasks++) {
        sink(kernel, ptr + first * width, 0, Math.min(slice, n - first), first, 0, 0, 0);
      }
      return tasks;
    },
  };
}
