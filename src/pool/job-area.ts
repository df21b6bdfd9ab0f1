// The arena block a job's task table and partial sums live in. Jobs run one at a time, so one
// block serves them all; it grows when a job needs more and is kept between jobs.
//
//   [ task 0 | task 1 | … (32 bytes each) | partial 0 | partial 1 | … (f64 each) ]
import { allocate, arenaBuffer, release } from "../arena/arena.js";
import { TASK_BYTES } from "./layout.js";

export class JobArea {
  #ptr = 0;
  #blocks = 0;

  /** Room for `blocks` partials and as many tasks (a task covers at least one block). */
  reserve(blocks: number): void {
    if (blocks <= this.#blocks) return;
    const grown = Math.max(blocks, 2 * this.#blocks, 64);
    const ptr = allocate(grown * (TASK_BYTES + 8), false);
    if (this.#ptr !== 0) release(this.#ptr);
    this.#ptr = ptr;
    this.#blocks = grown;
  }

  get tasks(): number {
    return this.#ptr;
  }

  get partials(): number {
    return this.#ptr + this.#blocks * TASK_BYTES;
  }

  /** A view of the task table as u32 words; made anew since the arena may have grown. */
  taskWords(): Uint32Array {
    return new Uint32Array(arenaBuffer(), this.#ptr, this.#blocks * (TASK_BYTES / 4));
  }

  partialsView(count: number): Float64Array {
    return new Float64Array(arenaBuffer(), this.partials, count);
  }

  free(): void {
    if (this.#ptr !== 0) release(this.#ptr);
    this.#ptr = 0;
    this.#blocks = 0;
  }
}
