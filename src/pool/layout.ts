// The pool's control block: Int32 words in the arena that the host and every worker read and
// write atomically (with Atomics; a claim with wasm's atomics, assembly/claims.ts), in lines of
// 128 bytes (Apple silicon's cache line; two of x86's). The words written while a job runs are
// kept apart: each thread's range line (its claim counter and state) and DONE's line; on 16
// cores, one shared claim counter cost several µs a call in cache-line transfers. The host's
// per-job words share the line of the word they go with (NTASKS with DONE, a range's END and
// TABLE with its count), which the thread that reads them fetches anyway.
//
//   word  0           EPOCH    bumped for each job, and to have every worker look again (stop;
//                              a polling caller that opened a group); idle workers wait on it
//   word  1           STOP     1: workers leave their loop and exit; read with EPOCH, on its line
//   word 32           DONE     tasks finished; each thread adds its home tasks at once (claims.ts)
//   word 33           NTASKS   tasks in the current job; beside DONE, whose line a thread takes
//                              to add to it anyway
//   word 64           FAILED   1 + index of a worker whose task threw; the job then fails
//   word 65           CALLER   1: worker 0 sits out, asleep on this word (its seat is the caller's)
//   line 96 + 32·r    thread r's line:
//     + 0  RANGE   tasks of range r not yet claimed; a claim subtracts one (assembly/claims.ts)
//     + 1  STATE   worker r's state: 1 while it may hold a task not yet added to DONE, else 0
//     + 2  END     index one past range r's last task     ┐ written before RANGE, read only
//     + 3  TABLE   address of the job's task table        │ after a claim
//     + 4  TASKS   the job's task count, on a group        │
//                  leader's line (claims.ts)               ┘
//
// Each line a job's start or end needs crosses between cores, and on the 2-core VM one crossing
// costs ~0.4 µs (a ping-pong of one word between two threads: 850 ns a round trip). So a worker
// finds what a claim needs in its own range line, which it polls while it spins: the job reaches
// it in one crossing, where EPOCH, then NTASKS and TASKS, then RANGE took three.
//
// Publishing a job: write the task table (or keep the last job's, job-area.ts), NTASKS, DONE = 0,
// then open the ranges: a range's END and TABLE, then its count. Storing a range's count is the
// moment its tasks become claimable.
// The caller opens its own group of ranges and each other group's leader; the first claim on a
// leader's range opens the rest of its group (claims.ts). Bumping EPOCH alerts the polling
// workers, which then look through every range, and wakes as many sleeping ones as the job has
// tasks (at most all). A range opened later may find its owner asleep again. Its tasks are then
// taken by the thread that opened it, which looks through the ranges again; where that is a
// polling caller that stops first, by the workers a second EPOCH bump sends through them; and
// where it is a worker whose kernel trapped, by a blocking caller's rescans (dispatcher.ts).
//
// A job runs on the pool's `threads` threads. Where the caller computes (pool.dotSync, an
// awaited call that polls) it takes worker 0's seat and range, and worker 0 sleeps on CALLER
// instead of spinning: a third thread on 2 cores made dotSync 15–25% slower at 1e6 and 1e7.

export const LINE_WORDS = 32;

export const EPOCH = 0;
export const STOP = 1;
export const DONE = LINE_WORDS;
export const NTASKS = DONE + 1;
export const FAILED = 2 * LINE_WORDS;
export const CALLER = FAILED + 1;

const LINES = 3 * LINE_WORDS;

/** Word of range r's unclaimed-task count. */
export function rangeWord(r: number): number {
  return LINES + r * LINE_WORDS;
}

/** Offsets in a range line: worker r's state, and the words a claim reads after it succeeds. */
const RANGE_STATE = 1;
export const RANGE_END = 2;
export const RANGE_TABLE = 3;
export const RANGE_TASKS = 4;

/** Word of worker w's state. */
export function stateWord(w: number): number {
  return rangeWord(w) + RANGE_STATE;
}

/** The most workers a pool may have: one line each. */
export const MAX_WORKERS = 256;
export const CONTROL_BYTES = (LINES + MAX_WORKERS * LINE_WORDS) * 4;

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
  /** This worker's index: its home range, its STATE word and its name in error messages. */
  readonly index: number;
  /** The pool's thread count, which is also the number of ranges a job's tasks are cut into. */
  readonly ranges: number;
}
