// The arena block a job's task table and partial sums live in. A dispatcher runs jobs one at a
// time, so one block serves them all; it grows when a job needs more and is kept between jobs.
// Each job run on the calling thread (here.ts) has one of its own, since those can interleave.
//
//   [ partial 0 | partial 1 | … (f64 each) | task 0 | task 1 | … (32 bytes each) ]
import { allocate, arenaBuffer, release } from "../arena/arena.js";
import type { JobPlan } from "./job.js";
import { TASK_BYTES, TASK_WORDS } from "./layout.js";

export class JobArea {
  #ptr = 0;
  #bytes = 0;
  #partials = 0;

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
   * elements an operand (JobPlan.emit); returns how many tasks it has.
   */
  write(plan: JobPlan, threads: number, longest: number): number {
    this.#reserve(plan.maxTasks, plan.partials);
    const words = this.#taskWords();
    const partials = this.partials;
    let at = 0;
    return plan.emit(threads, longest, (kernel, x, y, n, count, strideX, strideY, firstPartial) => {
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

  partialsView(count: number): Float64Array {
    return new Float64Array(arenaBuffer(), this.#ptr, count);
  }

  free(): void {
    if (this.#ptr !== 0) release(this.#ptr);
    this.#ptr = 0;
    this.#bytes = 0;
  }
}
