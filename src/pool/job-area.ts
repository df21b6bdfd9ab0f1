// The arena block a job's task table and partial sums live in. Jobs run one at a time, so one
// block serves them all; it grows when a job needs more and is kept between jobs.
//
//   [ partial 0 | partial 1 | … (f64 each) | task 0 | task 1 | … (32 bytes each) ]
import { allocate, arenaBuffer, release } from "../arena/arena.js";
import { TASK_BYTES } from "./layout.js";

export class JobArea {
  #ptr = 0;
  #bytes = 0;
  #partials = 0;

  /** Room for `tasks` task records after `partials` partial sums. */
  reserve(tasks: number, partials: number): void {
    this.#partials = partials;
    const bytes = partials * 8 + tasks * TASK_BYTES;
    if (bytes <= this.#bytes) return;
    const grown = Math.max(bytes, 2 * this.#bytes, 4096);
    const ptr = allocate(grown, false);
    if (this.#ptr !== 0) release(this.#ptr);
    this.#ptr = ptr;
    this.#bytes = grown;
  }

  get partials(): number {
    return this.#ptr;
  }

  /** The task table starts right after the partials: 8-byte aligned, enough for u32 words. */
  get tasks(): number {
    return this.#ptr + this.#partials * 8;
  }

  /** A view of the task table as u32 words; made anew since the arena may have grown. */
  taskWords(): Uint32Array {
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
