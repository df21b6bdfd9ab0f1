// The arena: one shared WebAssembly.Memory per JavaScript realm, created on first use. Every
// kernel instance, on this thread or a worker, imports this same memory, so arrays that live
// here reach a kernel as a pointer (their byteOffset) and are never copied.
//
// Growing a shared memory never detaches a buffer: old SharedArrayBuffer objects keep their old
// length and alias the same bytes, and `memory.buffer` returns a new, longer object. So views
// made before a grow stay valid, and every buffer the memory has handed out is remembered to
// tell whether a view lives in the arena.
import { noAddressSpace, noWebAssembly, outOfMemory, unsupported } from "../errors.js";
import { hasWebAssembly } from "../kernels/features.js";
import { typedBuffer } from "../typed-arrays.js";
import { FreeListAllocator } from "./allocator.js";

const PAGE_BYTES = 65536;
/**
 * The most calls that may hold arena space at once, nested in the element getters of what they
 * copy: dot's scratch blocks (dot/scratch.ts), the pool's staged copies (pool/staging.ts) and
 * f64(values)/f32(values) (arrays.ts) each keep this limit. A getter that calls dot() on an array
 * with such a getter, without end, took a block a level until the stack overflowed: 444 levels on
 * Node 20, the arena grown by 458 MiB for good.
 */
export const MOST_NESTED = 16;

/** 65536 pages: 4 GiB, the most a wasm32 memory can address. */
const MAX_PAGES = 65536;
export const LIMIT_BYTES = MAX_PAGES * PAGE_BYTES;
/** asc at -O2 and above assumes the first 1024 bytes are its own; no block starts below this. */
const RESERVED_BYTES = 1024;
const INITIAL_PAGES = 16;

interface ArenaState {
  readonly memory: WebAssembly.Memory;
  readonly buffers: Set<ArrayBufferLike>;
  readonly allocator: FreeListAllocator;
  /** Bytes at or above this address have never been handed out, so they are still zero. */
  cleanFrom: number;
}

let state: ArenaState | undefined;

function arena(): ArenaState {
  if (state === undefined) {
    const memory = sharedMemory();
    state = {
      memory,
      buffers: new Set([memory.buffer]),
      allocator: new FreeListAllocator(RESERVED_BYTES, LIMIT_BYTES),
      cleanFrom: RESERVED_BYTES,
    };
  }
  return state;
}

/**
 * A new shared memory, or a clear error where the engine refuses one. Every kernel build imports
 * a shared memory, so there is no unshared fallback. Chromium makes one even on a page that is
 * not cross-origin isolated; other browsers are untested here and might refuse.
 */
function sharedMemory(): WebAssembly.Memory {
  if (!hasWebAssembly()) throw noWebAssembly();
  try {
    return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
  } catch (error) {
    // Node 20's V8 reserves ~10 GiB of address space for any wasm memory (guard regions),
    // whatever its maximum, and throws a RangeError where it cannot: under `ulimit -v` 11 GB, say.
    if (error instanceof RangeError) throw noAddressSpace(error.message);
    const why = error instanceof Error ? error.message : String(error);
    throw unsupported(`this engine would not create a shared WebAssembly.Memory (${why}), and the arena is one. In a browser, serve the page cross-origin isolated (README, "In the browser").`);
  }
}

/** The arena's memory, to import into kernel instances here and in workers. */
export function arenaMemory(): WebAssembly.Memory {
  return arena().memory;
}

/** The memory's current buffer; it covers every block handed out so far. */
export function arenaBuffer(): SharedArrayBuffer {
  const { memory, buffers } = arena();
  const buffer = memory.buffer;
  buffers.add(buffer);
  return buffer as unknown as SharedArrayBuffer;
}

/** Whether a view's bytes live in the arena, so that its byteOffset is a kernel pointer. */
export function inArena(view: ArrayBufferView): boolean {
  return state !== undefined && state.buffers.has(typedBuffer(view));
}

/**
 * A block of at least `bytes` bytes, 64-byte aligned. With `zeroed`, its bytes are zero, as in a
 * new typed array; otherwise they are whatever a freed block held. Grows the memory as needed.
 * `purpose` names what the block is for (the call that asked, say) in the error when it does not fit.
 */
export function allocate(bytes: number, zeroed: boolean, purpose: string): number {
  const s = arena();
  let ptr = place(s, bytes, purpose);
  if (typeof ptr !== "number" && giveBackKeptBlocks()) ptr = place(s, bytes, purpose);
  if (typeof ptr !== "number") throw ptr;
  const size = s.allocator.sizeOf(ptr)!;
  if (zeroed && ptr < s.cleanFrom) {
    new Uint8Array(arenaBuffer(), ptr, Math.min(size, s.cleanFrom - ptr)).fill(0);
  }
  s.cleanFrom = Math.max(s.cleanFrom, ptr + size);
  return ptr;
}

/** A block of at least `bytes` bytes, with the memory grown to hold it, or the error for why none fits. */
function place(s: ArenaState, bytes: number, purpose: string): number | RangeError {
  const ptr = s.allocator.allocate(bytes);
  if (ptr === undefined) return noRoom(s.allocator, bytes, purpose);
  const end = ptr + s.allocator.sizeOf(ptr)!;
  if (ensureCapacity(s.memory, end)) return ptr;
  // The engine or the OS refused to grow: give the block back, so the arena is as it was.
  s.allocator.release(ptr);
  return noRoom(s.allocator, bytes, purpose, end);
}

/**
 * Blocks kept between calls only for speed (the scratch block) stay wherever first fit put them,
 * perhaps above an array since freed, where they split the free space in two. A request that
 * does not fit has them given back, by the functions registered here, and is tried once more.
 */
const giveBackKept: (() => boolean)[] = [];

/** Gives back every kept block not in use; says whether any was. */
function giveBackKeptBlocks(): boolean {
  let any = false;
  for (const giveBack of giveBackKept) any = giveBack() || any;
  return any;
}

/** Registers `giveBack`, which releases a block kept for speed if it is not in use, and says whether it did. */
export function onShortOfRoom(giveBack: () => boolean): void {
  giveBackKept.push(giveBack);
}

/** The error for a request that did not fit, or whose block needed the memory grown to `refusedGrowth` bytes. */
function noRoom(allocator: FreeListAllocator, bytes: number, purpose: string, refusedGrowth?: number): RangeError {
  const block = FreeListAllocator.blockSize(bytes);
  return outOfMemory({ requested: bytes, block, purpose, refusedGrowth, longest: allocator.longestFree, available: allocator.available, limit: LIMIT_BYTES - RESERVED_BYTES });
}

/** Gives back the block that starts at ptr; false when no block in use starts there. */
export function release(ptr: number): boolean {
  return state !== undefined && state.allocator.release(ptr);
}

/** Bytes still free for allocation, up to the 4 GiB limit. */
export function availableBytes(): number {
  return arena().allocator.available;
}

/** Grows the memory to cover addresses below `end`; false when the engine refuses. */
function ensureCapacity(memory: WebAssembly.Memory, end: number): boolean {
  const pages = memory.buffer.byteLength / PAGE_BYTES;
  const needed = Math.ceil(end / PAGE_BYTES);
  if (needed <= pages) return true;
  // Grow by at least an eighth, so that a series of small allocations does not grow page by page.
  const generous = Math.min(MAX_PAGES, Math.max(needed, Math.ceil(pages * 1.125)));
  for (const target of [generous, needed]) {
    try {
      memory.grow(target - pages);
      arenaBuffer();
      return true;
    } catch {
      // RangeError: try again with exactly what is needed, then give up.
    }
  }
  return false;
}
