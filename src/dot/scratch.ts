// Operands outside the arena reach a kernel through one small scratch block, a chunk at a time:
// the chunk stays in cache between the copy and the kernel, and a product of any length needs
// no more than this one block, allocated on first use and kept.
import { allocate, release } from "../arena/arena.js";
import { BLOCK } from "./block.js";

/** Elements per chunk: 16 blocks, 512 KiB of f64 per operand. */
export const CHUNK = 16 * BLOCK;

/** Room for one chunk of f64 of each operand, the second at CHUNK·8 bytes. */
const SCRATCH_BYTES = 2 * CHUNK * 8;

/** Named in an out-of-memory error: a short product of plain arrays needs the block too. */
const SCRATCH_PURPOSE = "the 1 MiB scratch block that operands outside the arena are copied through";

let scratch = 0;
let inUse = false;

/**
 * A scratch block for one chunk; give it back with giveBackScratch. Copying a plain array runs
 * its element getters, which may call dot() again: such a nested call gets a block of its own,
 * since writing the shared one would overwrite what the outer call has copied so far.
 */
export function takeScratch(): number {
  if (inUse) return allocate(SCRATCH_BYTES, false, SCRATCH_PURPOSE);
  if (scratch === 0) scratch = allocate(SCRATCH_BYTES, false, SCRATCH_PURPOSE);
  inUse = true;
  return scratch;
}

export function giveBackScratch(block: number): void {
  if (block === scratch) inUse = false;
  else release(block);
}
