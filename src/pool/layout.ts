// The pool's control block: a few Int32 words in the arena that the host and every worker read
// and write with Atomics. The words that many threads hammer each get a cache line of their own.
//
//   word  0  EPOCH      bumped once per job; idle workers Atomics.wait on it
//   word 16  REMAINING  tasks not yet claimed; a claim is Atomics.sub, index = NTASKS − old value
//   word 32  DONE       tasks finished; the thread that finishes the last one notifies it
//   word 48  NTASKS     tasks in the current job          ┐ written before REMAINING is set,
//   word 49  TASKS      address of the job's task table   ┘ read only after a successful claim
//   word 50  STOP       1: workers leave their loop and exit
//   word 51  FAILED     1 + index of a worker whose task threw; the job then fails
//   word 64 + w         worker w's state: 1 while it may hold a claimed task, else 0
//
// Publishing a job: write the task table, NTASKS and TASKS, store DONE = 0, then REMAINING.
// Storing REMAINING is the moment the job becomes visible; bumping EPOCH only wakes sleepers.

export const EPOCH = 0;
export const REMAINING = 16;
export const DONE = 32;
export const NTASKS = 48;
export const TASKS = 49;
export const STOP = 50;
export const FAILED = 51;
export const STATE = 64;

/** The most workers a pool may have: one state word each after STATE. */
export const MAX_WORKERS = 256;
export const CONTROL_BYTES = (STATE + MAX_WORKERS) * 4;

/** A task record is eight u32 words: kernel, x, y, n, count, strideX, strideY, out (assembly/tasks.ts). */
export const TASK_WORDS = 8;
export const TASK_BYTES = TASK_WORDS * 4;

/** Kernel ids of the task table, as in assembly/tasks.ts. */
export const KERNEL = { dotManyF64: 0, dotManyF32: 1, iotaF64: 2, iotaF32: 3 } as const;

/** What a worker receives when it starts. */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Byte address of the control block. */
  readonly control: number;
  /** This worker's index, for its STATE word and in error messages. */
  readonly index: number;
}
