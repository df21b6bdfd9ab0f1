// Operands of a pool call that are not arena arrays are copied into temporary arena blocks,
// whole, since workers can read only the shared memory. The copies run on the calling thread a
// chunk at a time between turns of its event loop (here.ts), as pool.dot's copy path does, so a
// page never waits on a long copy. The blocks are given back when the call settles, whether it
// succeeded or not.
import { allocate, MOST_NESTED, release } from "../arena/arena.js";
import { BYTES, copyChunk, pointerOf, type Precision, type Vector } from "../dot/operands.js";
import { CHUNK } from "../dot/scratch.js";
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

/**
 * Copies of at most this many bytes share blocks of PACK_BYTES: a dotBatch of 32768 pairs of 2
 * plain f64 made a block a copy, 65536 allocations and releases, and spent 250 ms where the same
 * batch on the calling thread took 33.
 */
const PACKED_BYTES = 4096;
const PACK_BYTES = 65536;
/** Where packed copies start: the kernels read any address, but 16-byte vectors load faster aligned. */
const PACKED_ALIGNMENT = 16;

export class Staging {
  readonly #blocks: number[] = [];
  readonly #copies: Copy[] = [];
  /** Elements of all copies, which copy() takes CHUNK a step. */
  #elements = 0;
  /** The free part of the current pack block. */
  #packAt = 0;
  #packEnd = 0;

  /**
   * The kernel pointer to vector's elements: the array itself where it lives in the arena, else
   * a place in a new block that copy() fills.
   */
  pointer(where: string, name: string, vector: Vector, precision: Precision, length: number): number {
    const inPlace = pointerOf(where, name, vector);
    if (inPlace >= 0) return inPlace;
    if (stepsRunning >= MOST_NESTED) throw nestedTooDeep(where, MOST_NESTED);
    const ptr = this.#place(length * BYTES[precision], where, name);
    this.#copies.push({ where, name, vector, precision, length, ptr });
    this.#elements += length;
    return ptr;
  }

  #place(bytes: number, where: string, name: string): number {
    if (bytes > PACKED_BYTES) return this.#allocate(bytes, where, name);
    const at = Math.ceil(this.#packAt / PACKED_ALIGNMENT) * PACKED_ALIGNMENT;
    if (at + bytes <= this.#packEnd && this.#packAt !== 0) {
      this.#packAt = at + bytes;
      return at;
    }
    const block = this.#allocate(PACK_BYTES, where, name);
    this.#packAt = block + bytes;
    this.#packEnd = block + PACK_BYTES;
    return block;
  }

  #allocate(bytes: number, where: string, name: string): number {
    const ptr = allocate(bytes, false, `a copy of ${where}: ${name}, which is not in the arena`);
    this.#blocks.push(ptr);
    return ptr;
  }

  /** Whether some operand waits for copy(). */
  get pending(): boolean {
    return this.#copies.length > 0;
  }

  /**
   * Copies the operands in, CHUNK elements a step, with turns between steps; plain arrays are
   * checked element by element, so a stray string is an error that names it. `stopped` may end
   * the copy between steps (a destroyed pool). Short operands share a step: a step each made
   * 1700 pairs of 40 f64 take 1700 turns in Node, 34 ms against 5 ms inline.
   */
  async copy(stopped: () => Error | undefined): Promise<void> {
    const [steps, next] = this.#steps();
    await inSteps(steps, () => runStep(next), stopped);
  }

  /** As copy(), at once: for operands short enough to run inline. */
  copyNow(): void {
    const [steps, next] = this.#steps();
    for (let step = 0; step < steps; step++) runStep(next);
  }

  /**
   * How many steps the copies take, and a function that copies the next CHUNK elements of them,
   * in order, on each call.
   */
  #steps(): [steps: number, next: () => void] {
    const copies = this.#copies.splice(0);
    const steps = Math.ceil(this.#elements / CHUNK);
    this.#elements = 0;
    let at = 0;
    let start = 0;
    return [steps, () => {
      for (let room = CHUNK; room > 0 && at < copies.length; ) {
        const { where, name, vector, precision, length, ptr } = copies[at]!;
        const count = Math.min(room, length - start);
        // An empty copy reads nothing, not even a detached buffer that a view of none would refuse.
        if (count > 0) copyChunk(where, name, vector, precision, start, count, ptr + start * BYTES[precision]);
        room -= count;
        start += count;
        if (start === length) at++, (start = 0);
      }
    }];
  }

  release(): void {
    for (const ptr of this.#blocks.splice(0)) release(ptr);
  }
}
