// Operands of a pool call that are not arena arrays are copied into temporary arena blocks,
// whole, since workers can read only the shared memory. The copies run on the calling thread a
// chunk at a time between turns of its event loop (here.ts), as pool.dot's copy path does, so a
// page never waits on a long copy. The blocks are given back when the call settles, whether it
// succeeded or not.
import { allocate, release } from "../arena/arena.js";
import { BYTES, copyChunk, pointerOf, type Precision, type Vector } from "../dot/operands.js";
import { CHUNK } from "../dot/scratch.js";
import { inSteps } from "./here.js";

interface Copy {
  readonly where: string;
  readonly name: string;
  readonly vector: Vector;
  readonly precision: Precision;
  readonly ptr: number;
}

export class Staging {
  readonly #blocks: number[] = [];
  readonly #copies: Copy[] = [];

  /**
   * The kernel pointer to vector's elements: the array itself where it lives in the arena, else
   * a new block that copy() fills.
   */
  pointer(where: string, name: string, vector: Vector, precision: Precision): number {
    const inPlace = pointerOf(vector);
    if (inPlace >= 0) return inPlace;
    const ptr = allocate(vector.length * BYTES[precision], false);
    this.#blocks.push(ptr);
    this.#copies.push({ where, name, vector, precision, ptr });
    return ptr;
  }

  /** Whether some operand waits for copy(). */
  get pending(): boolean {
    return this.#copies.length > 0;
  }

  /**
   * Copies the operands in, CHUNK elements a step, with turns between steps; plain arrays are
   * checked element by element, so a stray string is an error that names it. `stopped` may end
   * the copy between steps (a destroyed pool).
   */
  async copy(stopped: () => Error | undefined): Promise<void> {
    const steps = this.#steps();
    await inSteps(steps.length, (i) => steps[i]!(), stopped);
  }

  /** As copy(), at once: for operands short enough to run inline. */
  copyNow(): void {
    for (const step of this.#steps()) step();
  }

  #steps(): (() => void)[] {
    const steps: (() => void)[] = [];
    for (const { where, name, vector, precision, ptr } of this.#copies.splice(0)) {
      for (let start = 0; start < vector.length; start += CHUNK) {
        const count = Math.min(CHUNK, vector.length - start);
        steps.push(() => copyChunk(where, name, vector, precision, start, count, ptr + start * BYTES[precision]));
      }
    }
    return steps;
  }

  release(): void {
    for (const ptr of this.#blocks.splice(0)) release(ptr);
  }
}
