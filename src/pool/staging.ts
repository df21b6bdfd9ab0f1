// Operands of a pool call that are not arena arrays are copied into temporary arena blocks,
// whole, since workers can read only the shared memory. The blocks are given back when the
// call settles, whether it succeeded or not.
import { allocate, release } from "../arena/arena.js";
import { BYTES, copyChunk, pointerOf, type Precision, type Vector } from "../dot/operands.js";

export class Staging {
  readonly #blocks: number[] = [];

  /** The kernel pointer to vector's elements, copying it into the arena when it lives elsewhere. */
  pointer(where: string, name: string, vector: Vector, precision: Precision): number {
    const inPlace = pointerOf(vector);
    if (inPlace >= 0) return inPlace;
    const ptr = allocate(vector.length * BYTES[precision], false);
    this.#blocks.push(ptr);
    copyChunk(where, name, vector, precision, 0, vector.length, ptr);
    return ptr;
  }

  release(): void {
    for (const ptr of this.#blocks.splice(0)) release(ptr);
  }
}
