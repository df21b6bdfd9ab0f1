// Blocks free() gives back while a call reads a list of arguments (dotBatch's pairs). A getter
// of the list may free a vector the call has not read yet: holding (readers.ts) cannot refuse
// that, so the call looks afterwards for vectors whose bytes were freed meanwhile.
import { arenaBytesMeet } from "./readers.js";

/** [start, end) pairs, kept only while some call reads a list. */
const freed: number[] = [];
let readers = 0;

/** free() gave back [start, end). */
export function noteFreed(start: number, end: number): void {
  if (readers > 0) freed.push(start, end);
}

/** One call reading a list, from its start to end(); such calls may nest (a getter's own call). */
export class ListReading {
  readonly #depth = readers++;
  readonly #mark = freed.length;

  /**
   * The index of the first of `vectors` that is an arena array whose bytes were freed since this
   * reading began and that `live` does not vouch for, or -1.
   */
  firstFreed(vectors: readonly unknown[], live: (vector: unknown) => boolean): number {
    if (freed.length === this.#mark) return -1;
    for (let k = 0; k < vectors.length; k++) {
      if (live(vectors[k])) continue;
      for (let i = this.#mark; i < freed.length; i += 2) if (arenaBytesMeet(vectors[k], freed[i]!, freed[i + 1]!)) return k;
    }
    return -1;
  }

  /**
   * Ends the reading. The depth is restored, not counted down, so that a call whose `finally`
   * never ran (a stack overflow) cannot keep the log growing.
   */
  end(): void {
    readers = this.#depth;
    if (readers === 0) freed.length = 0;
  }
}
