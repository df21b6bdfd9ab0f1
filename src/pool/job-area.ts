// The arena block a job's task table and partial sums live in. A dispatcher runs jobs one at a
// time, so one block serves them all; it grows when a job needs more and is kept between jobs.
// Each job run on the calling thread (here.ts) has one of its own, since those can interleave.
//
// A job with the same tasks as the last one, such as a dot of the same arrays called again, finds
// its table already written and leaves it as it is. Writing one costs the caller ~25 ns a task
// before any thread can start (32 tasks on 16 threads: 0.8 µs on the 2-core VM), and the lines it
// writes then cross to every worker that reads them. Kept, the table took pool(16).dotSync at
// 131072 f64 from 10.2 to 9.1 µs on the 16-core device, and 1e5 from 9.0 to 8.1 (2026-11-27,
// alternating batches in one process); on 2 cores, 2–7% off the same calls.
//
// A cap on task length that none of its tasks reaches does not count as a difference
// (JobPlan.cap), so a blocking and an awaited call in turn share one table: 4–8% off such calls
// at 65536 and 131072 f64 on the 2-core VM, where each had written it anew (bench/ab.js mixed,
// 300 rounds, twice).
//
//   [ partial 0 | partial 1 | … (f64 each) | task 0 | task 1 | … (32 bytes each) ]
import { allocate, arenaBuffer, release } from "../arena/arena.js";
import type { JobPlan } from "./job.js";
import { TASK_BYTES, TASK_WORDS } from "./layout.js";

/**
 * Elements of an operand that the dot task at byte address `task` reads: its n · count (its
 * words 3 and 4, layout.ts), read through `words`, a view of the whole arena.
 */
export function taskElements(words: Uint32Array, task: number): number {
  const at = task >>> 2;
  return (words[at + 3] ?? 0) * (words[at + 4] ?? 0);
}

export class JobArea {
  #ptr = 0;
  #bytes = 0;
  #partials = 0;
  /**
   * The plan whose table the block holds, what it was sized for and its task count: set once a
   * keepable plan's table is written whole, cleared as a write starts (so a write that throws
   * leaves none) and when the block is freed.
   */
  #kept: { plan: JobPlan; threads: number; cap: number; tasks: number } | undefined;

  /** Room for `tasks` task records after `partials` partial sums. */
  #reserve(tasks: number, partials: number): void {
    this.#partials = partials;
    const bytes = partials * 8 + tasks * TASK_BYTES;
    if (bytes <= this.#bytes) return;
    const grown = Math.max(bytes, 2 * this.#bytes, 4096);
    const ptr = allocate(grown, false, "the task table and partial sums of this call (kept by the pool for its later calls)");
    if (this.#ptr !== 0) release(this.#ptr);
    this.#ptr = ptr;
    this.#bytes = grown;
  }

  /**
   * Writes the plan's task table, sized for `threads` threads, each task at most `longest`
   * elements an operand (JobPlan.emit), or keeps the last job's if it has the same tasks;
   * returns how many tasks it has.
   */
  write(plan: JobPlan, threads: number, longest: number): number {
    const cap = plan.cap(threads, longest);
    const last = this.#kept;
    if (last !== undefined && last.threads === threads && last.cap === cap && plan.sameTasks(last.plan)) return last.tasks;
    this.#kept = undefined;
    this.#reserve(plan.maxTasks, plan.partials);
    const words = this.#taskWords();
    const partials = this.partials;
    let at = 0;
    const tasks = plan.emit(threads, cap, (kernel, x, y, n, count, strideX, strideY, firstPartial) => {
      words[at] = kernel;
      words[at + 1] = x;
      words[at + 2] = y;
      words[at + 3] = n;
      words[at + 4] = count;
      words[at + 5] = strideX;
      words[at + 6] = strideY;
      words[at + 7] = partials + firstPartial * 8;
      at += TASK_WORDS;
    });
    if (plan.keepable) this.#kept = { plan, threads, cap, tasks };
    return tasks;
  }

  get partials(): number {
    return this.#ptr;
  }

  /** The task table starts right after the partials: 8-byte aligned, enough for u32 words. */
  get tasks(): number {
    return this.#ptr + this.#partials * 8;
  }

  /** A view of the task table as u32 words; made anew since the arena may have grown. */
  #taskWords(): Uint32Array {
    return new Uint32Array(arenaBuffer(), this.tasks, (this.#bytes - this.#partials * 8) / 4);
  }

  /** Elements of an operand that the first `tasks` dot tasks of the table read (taskElements). */
  elements(words: Uint32Array, tasks: number): number {
    let sum = 0;
    for (let i = 0; i < tasks; i++) sum += taskElements(words, this.tasks + i * TASK_BYTES);
    return sum;
  }

  partialsView(count: number): Float64Array {
    return new Float64Array(arenaBuffer(), this.#ptr, count);
  }

  free(): void {
    if (this.#ptr !== 0) release(this.#ptr);
    this.#kept = undefined;
    this.#ptr = 0;
    this.#bytes = 0;
  }
}
