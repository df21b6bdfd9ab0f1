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
  /**
   * No free span is longer than this. A request above it skips the scan: with tens of thousands
   * of small holes, scanning them all for every larger block made allocation quadratic.
   */
  #longestBound = 0;
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

  /** The longest free block: a free span, or what lies above top. */
  get longestFree(): number {
    let bytes = this.#limit - this.#top;
    for (const span of this.#free) bytes = Math.max(bytes, span.end - span.start);
    return bytes;
  }

  /** The size of the block a request of `bytes` takes: a multiple of ALIGNMENT, one at least. */
  static blockSize(bytes: number): number {
    return Math.max(ALIGNMENT, roundUp(bytes));
  }

  /** The start of a block of at least `bytes` bytes, or undefined where none fits below the limit. */
  allocate(bytes: number): number | undefined {
    const size = FreeListAllocator.blockSize(bytes);
    const index = size > this.#longestBound ? -1 : this.#firstFit(size);
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

  /** The index of the first free span of at least `size` bytes, or -1; tightens the bound on a miss. */
  #firstFit(size: number): number {
    let longest = 0;
    for (let i = 0; i < this.#free.length; i++) {
      const length = this.#free[i]!.end - this.#free[i]!.start;
      if (length >= size) return i;
      longest = Math.max(longest, length);
    }
    this.#longestBound = longest;
    return -1;
  }

  /** The index of the first free span that starts after `ptr` (binary search: spans are sorted). */
  #spanAfter(ptr: number): number {
    let low = 0;
    let high = this.#free.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#free[mid]!.start > ptr) high = mid;
      else low = mid + 1;
    }
    return low;
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
    const at = this.#spanAfter(start);
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
      this.#longestBound = Math.max(this.#longestBound, end - start);
    }
    return true;
  }
}

function roundUp(bytes: number): number {
  return Math.ceil(bytes / ALIGNMENT) * ALIGNMENT;
}
