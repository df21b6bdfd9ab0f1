// What pending calls still read or write in the arena. free() asks before it gives a block back:
// a block freed under an awaited pool call would be read, or written with its results, after its
// next owner took it, and the call would resolve with a silently wrong sum or spoil that array.

/** Whether something pending may read or write a byte in [start, end) of the arena. */
export type Reader = (start: number, end: number) => boolean;

const readers = new Set<Reader>();

/** Adds a reader: a dispatcher while it holds its memory, or a call run on the calling thread until it settles. */
export function addReader(reader: Reader): void {
  readers.add(reader);
}

export function removeReader(reader: Reader): void {
  readers.delete(reader);
}

/**
 * Runs `work` with `reader` added: for a synchronous call that copies operands, since an element
 * getter it runs may call free() on what the call reads in place or will write.
 */
export function whileReading<T>(reader: Reader, work: () => T): T {
  addReader(reader);
  try {
    return work();
  } finally {
    removeReader(reader);
  }
}

/** Whether any pending call may read or write a byte in [start, end). */
export function inUse(start: number, end: number): boolean {
  for (const reader of readers) if (reader(start, end)) return true;
  return false;
}

/** Whether the `bytes` bytes at `from` meet [start, end); an empty range meets nothing. */
export function overlaps(from: number, bytes: number, start: number, end: number): boolean {
  return bytes > 0 && from < end && start < from + bytes;
}
