// Operands outside the arena reach a kernel through one small scratch block, a chunk at a time:
// the chunk stays in cache between the copy and the kernel, and a product of any length needs
// no more than this one block, allocated on first use and kept until the arena runs short of room.
import { allocate, MOST_NESTED, onShortOfRoom, release } from "../arena/arena.js";
import { nestedTooDeep } from "../errors.js";
import { BLOCK } from "./block.js";

/** Elements per chunk: 16 blocks, 512 KiB of f64 per operand. */
export const CHUNK = 16 * BLOCK;

/** Room for one chunk of f64 of each operand, the second at CHUNK·8 bytes. */
const SCRATCH_BYTES = 2 * CHUNK * 8;

/** Named in an out-of-memory error: a short product of plain arrays needs the block too. */
const SCRATCH_PURPOSE = "the 1 MiB scratch block that operands outside the arena are copied through";

let scratch = 0;
/**
 * The blocks of the calls that hold one now, outermost first: the kept block, then a block of
 * each nested call.
 */
const held: number[] = [];

onShortOfRoom(() => {
  if (scratch === 0 || held.length !== 0) return false;
  release(scratch);
  scratch = 0;
  return true;
});

/**
 * A scratch block for one chunk; give it back with giveBackScratch. Copying a plain array runs
 * its element getters, which may call dot() again: such a nested call gets a block of its own,
 * since writing the shared one would overwrite what the outer call has copied so far.
 */
export function takeScratch(where: string): number {
  if (held.length === MOST_NESTED) throw nestedTooDeep(where, MOST_NESTED);
  // The purpose, which names the call, is built only where a block is allocated: not per chunk.
  const block = held.length === 0 && scratch !== 0 ? scratch : allocate(SCRATCH_BYTES, false, `${SCRATCH_PURPOSE}, for ${where}`);
  if (held.length === 0) scratch = block;
  held.push(block);
  return block;
}

/**
 * Gives back `block` and any block a call nested in its call still holds: a nested call whose own
 * give-back threw, as it does where getters recurse until the stack overflows (the release
 * itself overflows there), would otherwise keep its 1 MiB for good.
 */
export function giveBackScratch(block: number): void {
  const at = held.lastIndexOf(block);
  if (at < 0) return; // given back twice: held no more, and nothing held after it to give back
  while (held.length > at) {
    const last = held[held.length - 1]!;
    if (last !== scratch) release(last);
    held.pop();
  }
}
