// Operands of a pool call that are not arena arrays are copied into temporary arena blocks,
// whole, since workers can read only the shared memory. The copies run on the calling thread a
// chunk at a time between turns of its event loop (here.ts), as pool.dot's copy path does, so a
// page never waits on a long copy. The blocks are given back when the call settles, whether it
// succeeded or not.
import { allocate, release } from "../arena/arena.js";
import { BYTES, copyChunk, pointerOf, type Precision, type Vector } from "../dot/operands.js";
import { CHUNK, MOST_NESTED } from "../dot/scratch.js";
import { nestedTooDeep } from "../errors.js";
import { inSteps } from "./here.js";

/**
 * Copy steps running on this thread's stack now: more than one where an element getter of a
 * copied operand calls the pool again. Bounded as dot()'s nesting is: a getter that called
 * matvec or dotBatch without end took a block a level, ~330 levels, until the stack overflowed,
 * and the arena had grown by 186–379 MiB for good.
 */
let stepsRunning = 0;

function runStep(step: () => void): void {
  stepsRunning++;
  try {
    step();
  } finally {
    stepsRunning--;
  }
}

interface Copy {
  readonly where: string;
  readonly name: string;
  readonly vector: Vector;
  readonly precision: Precision;
  /** The vector's length when the call checked it: a Proxy may answer otherwise later. */
  readonly length: number;
  readonly ptr: number;
}

export class Staging {
  readonly #blocks: number[] = [];
  readonly #copies: Copy[] = [];

  /**
   * The kernel pointer to vector's elements: the array itself where it lives in the arena, else
   * a new block that copy() fills.
   */
  pointer(where: string, name: string, vector: Vector, precision: Precision, length: number): number {
    const inPlace = pointerOf(where, name, vector);
    if (inPlace >= 0) return inPlace;
    if (stepsRunning >= MOST_NESTED) throw nestedTooDeep(where, MOST_NESTED);
    const ptr = allocate(length * BYTES[precision], false, `a copy of ${where}: ${name}, which is not in the arena`);
    this.#blocks.push(ptr);
    this.#copies.push({ where, name, vector, precision, length, ptr });
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

  /**
   * The copies cut into steps of at most CHUNK elements: long operands over several steps, short
   * ones packed together into one (a step per short operand made 1700 pairs of 40 f64 take
   * 1700 turns in Node, 34 ms against 5 ms inline).
   */
  #steps(): (() => void)[] {
    const steps: (() => void)[] = [];
    let step: (() => void)[] = [];
    let room = CHUNK;
    const endStep = (): void => {
      const pieces = step;
      if (pieces.length > 0) steps.push(() => runStep(() => pieces.forEach((piece) => piece())));
      step = [];
      room = CHUNK;
    };
    for (const { where, name, vector, precision, length, ptr } of this.#copies.splice(0)) {
      for (let start = 0; start < length; ) {
        const count = Math.min(room, length - start);
        const first = start;
        step.push(() => copyChunk(where, name, vector, precision, first, count, ptr + first * BYTES[precision]));
        start += count;
        room -= count;
        if (room === 0) endStep();
      }
    }
    endStep();
    return steps;
  }

  release(): void {
    for (const ptr of this.#blocks.splice(0)) release(ptr);
  }
}
