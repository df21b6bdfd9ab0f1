// The free spans below the allocator's top, in address order, for first-fit allocation. They are
// kept in chunks of at most MAX_CHUNK spans, each sorted and knowing its longest span, so that
// adding or removing a span moves the spans of one chunk (and the list of chunks when one splits
// or empties), and a first fit skips every chunk whose spans are all too short. One sorted array
// moved the whole rest of the list on each change: with 20 000 holes, freeing 20 000 arrays took
// 0.46–1.0 s on the 2-core VM, and takes 14–44 ms now.
//
// Spans never overlap or touch: a span added beside another is merged with it.

export interface Span {
  start: number;
  end: number;
}

/** A chunk grown past this is cut in two. */
const MAX_CHUNK = 512;

export class FreeSpans {
  /** Sorted by start within and across chunks; no chunk is empty. */
  readonly #chunks: Span[][] = [];
  /** The longest span of each chunk, in bytes. */
  readonly #longest: number[] = [];
  /**
   * No span is longer than this: a request above it skips the chunks at once (a request larger
   * than every hole is the usual miss). Raised as spans grow, lowered by a scan that misses.
   */
  #bound = 0;
  #bytes = 0;

  /** Bytes in all spans. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The longest span's length, 0 with none. */
  get longest(): number {
    let longest = 0;
    for (const length of this.#longest) longest = Math.max(longest, length);
    return longest;
  }

  /**
   * Takes `size` bytes from the front of the lowest span that has them, removing it if that
   * uses it up; returns where they start, or undefined if no span is long enough.
   */
  takeFirstFit(size: number): number | undefined {
    if (size > this.#bound) return undefined;
    let longest = 0;
    for (let c = 0; c < this.#chunks.length; c++) {
      longest = Math.max(longest, this.#longest[c]!);
      if (this.#longest[c]! < size) continue;
      const chunk = this.#chunks[c]!;
      for (let i = 0; i < chunk.length; i++) {
        const span = chunk[i]!;
        if (span.end - span.start < size) continue;
        const start = span.start;
        const length = span.end - start;
        span.start += size;
        this.#bytes -= size;
        if (span.start < span.end || this.#removeAt(c, i)) this.#shrank(c, length);
        return start;
      }
    }
    this.#bound = longest;
    return undefined;
  }

  /** Adds the free bytes [start, end), which no span overlaps; returns the span they end up in. */
  add(start: number, end: number): Readonly<Span> {
    this.#bytes += end - start;
    if (this.#chunks.length === 0) {
      const span = { start, end };
      this.#chunks.push([span]);
      this.#longest.push(0);
      this.#grew(0, span);
      return span;
    }
    const c = this.#chunkFor(start);
    const chunk = this.#chunks[c]!;
    const i = firstAfter(chunk, start);
    const before = i > 0 ? chunk[i - 1] : undefined;
    const afterChunk = i < chunk.length ? c : c + 1;
    const afterIndex = i < chunk.length ? i : 0;
    const after = this.#chunks[afterChunk]?.[afterIndex];
    if (before !== undefined && before.end === start) {
      before.end = end;
      if (after !== undefined && after.start === end) {
        before.end = after.end;
        // In chunk c, `before` now holds what `after` did: only another chunk may have shrunk.
        if (this.#removeAt(afterChunk, afterIndex) && afterChunk !== c) this.#shrank(afterChunk, after.end - after.start);
      }
      this.#grew(c, before);
      return before;
    }
    if (after !== undefined && after.start === end) {
      after.start = start;
      this.#grew(afterChunk, after);
      return after;
    }
    const span = { start, end };
    chunk.splice(i, 0, span);
    if (chunk.length <= MAX_CHUNK) {
      this.#grew(c, span);
      return span;
    }
    this.#chunks.splice(c + 1, 0, chunk.splice(chunk.length >> 1));
    this.#longest.splice(c + 1, 0, 0);
    this.#measure(c + 1);
    this.#measure(c);
    this.#bound = Math.max(this.#bound, end - start);
    return span;
  }

  /** Removes the span with the highest address; there must be one. */
  removeLast(): void {
    const c = this.#chunks.length - 1;
    const span = this.#chunks[c]!.at(-1)!;
    this.#bytes -= span.end - span.start;
    if (this.#removeAt(c, this.#chunks[c]!.length - 1)) this.#shrank(c, span.end - span.start);
  }

  /**
   * The chunk a span starting at `start` goes in: the last whose first span starts below it,
   * or the first.
   */
  #chunkFor(start: number): number {
    let low = 0;
    let high = this.#chunks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#chunks[mid]![0]!.start < start) low = mid + 1;
      else high = mid;
    }
    return Math.max(0, low - 1);
  }

  /**
   * Removes span i of chunk c without counting its bytes, and the chunk if that empties it;
   * returns whether the chunk is left, whose longest span the caller then updates (#shrank).
   */
  #removeAt(c: number, i: number): boolean {
    const chunk = this.#chunks[c]!;
    chunk.splice(i, 1);
    if (chunk.length > 0) return true;
    this.#chunks.splice(c, 1);
    this.#longest.splice(c, 1);
    return false;
  }

  /** Notes that a span of `length` bytes in chunk c shrank or left: measures c if it was the longest. */
  #shrank(c: number, length: number): void {
    if (length === this.#longest[c]) this.#measure(c);
  }

  /** Notes that `span`, in chunk c, grew or was added: only lengths up, so no full measure. */
  #grew(c: number, span: Span): void {
    this.#longest[c] = Math.max(this.#longest[c]!, span.end - span.start);
    this.#bound = Math.max(this.#bound, span.end - span.start);
  }

  #measure(c: number): void {
    let longest = 0;
    for (const span of this.#chunks[c]!) longest = Math.max(longest, span.end - span.start);
    this.#longest[c] = longest;
  }
}

/** The index of the first span in `chunk` that starts after `start` (binary search). */
function firstAfter(chunk: readonly Span[], start: number): number {
  let low = 0;
  let high = chunk.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (chunk[mid]!.start > start) high = mid;
    else low = mid + 1;
  }
  return low;
}
