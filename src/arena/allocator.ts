// First-fit free-list allocator over the address range [base, limit) of the arena. It only does
// address arithmetic: the arena owns the memory and grows it to cover what is handed out. All
// allocation happens on the thread that owns the arena; workers only read and write blocks.
//
//   base                      top                                   limit
//    │ used │ free │ used │ used │ never handed out …………………………………………… │
//
// Freed blocks merge with free neighbours; a free block that reaches `top` lowers `top`.

/** Blocks start on a cache line, so arrays in different blocks never share one between threads. */
export const ALIGNMENT = 64;

interface Span {
  start: number;
  end: number;
}

export class FreeListAllocator {
  readonly #limit: number;
  readonly #sizes = new Map<number, number>();
  #free: Span[] = []; // sorted by start, never adjacent to each other or to top
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
    let bytes = this.#limit - this.#top;
    for (const span of this.#free) bytes += span.end - span.start;
    return bytes;
  }

  /** The start of a block of at least `bytes` bytes, or undefined where none fits below the limit. */
  allocate(bytes: number): number | undefined {
    const size = Math.max(ALIGNMENT, roundUp(bytes));
    const index = this.#free.findIndex((span) => span.end - span.start >= size);
    let start: number;
    if (index >= 0) {
      const span = this.#free[index]!;
      start = span.start;
      if (span.end - span.start === size) this.#free.splice(index, 1);
      else span.start += size;
    } else {
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
    let start = ptr;
    let end = ptr + size;
    let at = this.#free.findIndex((span) => span.start > start);
    if (at < 0) at = this.#free.length;
    const before = this.#free[at - 1];
    const after = this.#free[at];
    let removeFrom = at;
    let removeCount = 0;
    if (before !== undefined && before.end === start) {
      start = before.start;
      removeFrom = at - 1;
      removeCount++;
    }
    if (after !== undefined && after.start === end) {
      end = after.end;
      removeCount++;
    }
    if (end === this.#top) {
      this.#free.splice(removeFrom, removeCount);
      this.#top = start;
    } else {
      this.#free.splice(removeFrom, removeCount, { start, end });
    }
    return true;
  }
}

function roundUp(bytes: number): number {
  return Math.ceil(bytes / ALIGNMENT) * ALIGNMENT;
}
