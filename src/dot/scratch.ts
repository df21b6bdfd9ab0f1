// Operands outside the arena reach a kernel through one small scratch block, a chunk at a time:
// the chunk stays in cache between the copy and the kernel, and a product of any length needs
// no more than this one block, allocated on first use and kept.
import { allocate } from "../arena/arena.js";
import { BLOCK } from "./block.js";

/** Elements per chunk: 16 blocks, 512 KiB of f64 per operand. */
export const CHUNK = 16 * BLOCK;

let scratch = 0;

/** The scratch block: room for one chunk of f64 of each operand, the second at CHUNK·8 bytes. */
export function scratchBlock(): number {
  if (scratch === 0) scratch = allocate(2 * CHUNK * 8, false);
  return scratch;
}
