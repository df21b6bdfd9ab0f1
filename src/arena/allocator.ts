// First-fit free-list allocator over the address range [base, limit) of the arena. It only does
// address arithmetic: the arena owns the memory and grows it to cover what is handed out. All
// allocation happens on the thread that owns the arena; workers only read and write blocks.
//
//   base                      top                                   limit
//    │ used │ free │ used │ used │ never handed out …………………………………………… │
//
// Freed blocks merge with free neighbours (free-spans.ts); a free block that reaches `top`
// lowers `top`.
import { BlockTable } from "./block-table.js";
import { FreeSpans } from "./free-spans.js";

/** Blocks start on a cache line, so arrays in different blocks never share one between threads. */
export const ALIGNMENT = 64;

export class FreeListAllocator {
  readonly #limit: number;
  readonly #sizes = new BlockTable<number>(ALIGNMENT);
  /** Free blocks below top, never touching each other or top. */
  readonly #free = new FreeSpans();
  #top: number;

  constructor(base: number, limit: number) {
    this.#top = roundUp(base);
    this.#limit = limit;
  }

  /** End of the highest block in use: everything from here to the limit is unused. */
  get top(): number {
    return this.#top;
  }

  /** Bytes not in use: free blocks plus everything above top. */
  get available(): number {
    return this.#limit - this.#top + this.#free.bytes;
  }

  /** The longest free block: a free span, or what lies above top. */
  get longestFree(): number {
    return Math.max(this.#limit - this.#top, this.#free.longest);
  }

  /** The size of the block a request of `bytes` takes: a multiple of ALIGNMENT, one at least. */
  static blockSize(bytes: number): number {
    return Math.max(ALIGNMENT, roundUp(bytes));
  }

  /** The start of a block of at least `bytes` bytes, or undefined where none fits below the limit. */
  allocate(bytes: number): number | undefined {
    const size = FreeListAllocator.blockSize(bytes);
    let start = this.#free.takeFirstFit(size);
    if (start === undefined) {
      if (this.#limit - this.#top < size) return undefined;
      start = this.#top;
      this.#top += size;
    }
    this.#sizes.set(start, size);
    return start;
  }

  /** The size of the block starting at ptr, or undefined when no block in use starts there. */
  sizeOf(ptr: number): number | undefined {
    return this.#sizes.get(ptr);
  }

  /** Gives back the block starting at ptr. Returns false when no block in use starts there. */
  release(ptr: number): boolean {
    const size = this.#sizes.get(ptr);
    if (size === undefined) return false;
    this.#sizes.delete(ptr);
    const merged = this.#free.add(ptr, ptr + size);
    if (merged.end === this.#top) {
      // Only the highest span can reach top.
      this.#free.removeLast();
      this.#top = merged.start;
    }
    return true;
  }
}

function roundUp(bytes: number): number {
  return Math.ceil(bytes / ALIGNMENT) * ALIGNMENT;
}
