// Calls still pending that may read arena arrays. free() asks them before it gives a block
// back: a block freed under an awaited pool call would be read after its next owner wrote it,
// and the call would resolve with a silently wrong sum.

/** Whether something pending may read a byte in [start, end) of the arena. */
export type Reader = (start: number, end: number) => boolean;

const readers = new Set<Reader>();

/** Adds a reader (a pool, for as long as it is open). */
export function addReader(reader: Reader): void {
  readers.add(reader);
}

export function removeReader(reader: Reader): void {
  readers.delete(reader);
}

/** Whether any pending call may read a byte in [start, end). */
export function beingRead(start: number, end: number): boolean {
  for (const reader of readers) if (reader(start, end)) return true;
  return false;
}
