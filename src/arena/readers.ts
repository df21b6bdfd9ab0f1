// What pending calls still read or write in the arena. free() asks before it gives a block back:
// a block freed under an awaited pool call would be read, or written with its results, after its
// next owner took it, and the call would resolve with a silently wrong sum or spoil that array.
import { inArena } from "./arena.js";
import { typedArrayKind, typedByteLength, typedByteOffset } from "../typed-arrays.js";

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
 * The arguments of calls on this thread that are running user code (an element getter or a
 * Proxy trap of one of their arguments), which may call free() on another argument read in place
 * or written: a stack, since that code may call again. Held as they are, plain arrays too, and
 * sorted out only when free() asks: a call of a few elements that copies a plain array must stay
 * cheap (a Set of closures tripled its time, and reading each argument's bytes up front added
 * a fifth to an inline dotBatch of arena arrays).
 */
const held: unknown[] = [];
let top = 0;

/** Holds an argument until releaseTo() a mark taken before. */
export function hold(argument: unknown): void {
  held[top++] = argument;
}

/** A list of arguments held as one entry: dotBatch's vectors, one push for the whole batch. */
class HeldList {
  constructor(readonly items: readonly unknown[]) {}
}

/** Holds every argument that `list` has while it is held, those added later included. */
export function holdEach(list: readonly unknown[]): void {
  held[top++] = new HeldList(list);
}

/** Where the stack of held arguments stands, to release back to. */
export function heldMark(): number {
  return top;
}

/** Releases what was held since `mark`, so that the arguments are not kept alive. */
export function releaseTo(mark: number): void {
  while (top > mark) held[--top] = undefined;
}

/** Whether any pending call may read or write a byte in [start, end). */
export function inUse(start: number, end: number): boolean {
  for (let i = 0; i < top; i++) {
    const entry = held[i];
    if (entry instanceof HeldList ? entry.items.some((item) => arenaBytesMeet(item, start, end)) : arenaBytesMeet(entry, start, end)) return true;
  }
  for (const reader of readers) if (reader(start, end)) return true;
  return false;
}

/** Whether the `bytes` bytes at `from` meet [start, end); an empty range meets nothing. */
export function overlaps(from: number, bytes: number, start: number, end: number): boolean {
  return bytes > 0 && from < end && start < from + bytes;
}

/** Whether `value` is an array in the arena whose bytes meet [start, end). */
export function arenaBytesMeet(value: unknown, start: number, end: number): boolean {
  if (typedArrayKind(value) === undefined) return false;
  const view = value as Uint8Array;
  return inArena(view) && overlaps(typedByteOffset(view), typedByteLength(view), start, end);
}
