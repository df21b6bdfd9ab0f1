// dotBatch on the calling thread, in steps with turns of its event loop between, for batches the
// workers cannot speed up: pairs too short for a task each to pay for itself, and operands that
// must be copied in, which only this thread can read (as pool.dot's copy path, pool.ts #dotHere).
import { overlaps, type Reader } from "../arena/readers.js";
import { dotChunk, dotHeld } from "../dot/dot.js";
import { BYTES, type Operands } from "../dot/operands.js";
import { CHUNK } from "../dot/scratch.js";
import { renamed } from "../errors.js";
import { BATCH, pairName } from "./arguments.js";
import { whileSteps } from "./here.js";

/**
 * What a pair costs a step beside its elements, in elements: about what dot() of a pair of one
 * element costs over the kernel. Without it, a step took 65536 pairs of one element, or any
 * number of empty ones: 3–22 ms without a turn, against about 1 ms for a chunk of a long pair.
 */
const PAIR_ELEMENTS = 64;

/**
 * Each product's value, a step at a time: whole products of up to CHUNK elements, CHUNK elements
 * a step, or one chunk of a longer one. Chunks start at multiples of CHUNK, whole blocks, so each
 * value has dot()'s bits. `stopped` may end the work between steps (a destroyed pool).
 */
export async function dotEachInSteps(products: readonly Operands[], stopped: () => Error | undefined): Promise<Float64Array> {
  const results = new Float64Array(products.length);
  let at = 0;
  let start = 0;
  let sum = 0;
  const step = (): void => {
    let room = CHUNK;
    do {
      const p = products[at]!;
      try {
        if (p.n <= CHUNK) {
          results[at] = dotHeld(p, BATCH);
          at++;
          room -= p.n + PAIR_ELEMENTS;
        } else {
          sum = dotChunk(p, start, sum, BATCH);
          room = 0;
          start += CHUNK;
          if (start >= p.n) {
            results[at++] = sum;
            sum = 0;
            start = 0;
          }
        }
      } catch (error) {
        throw renamed(error, BATCH, pairName(BATCH, at));
      }
    } while (at < products.length && start === 0 && products[at]!.n <= room);
  };
  await whileSteps(() => at < products.length, step, stopped);
  return results;
}

/** What free() must refuse while dotEachInSteps runs: the arena bytes of operands read in place. */
export function readBy(products: readonly Operands[]): Reader {
  return (start, end) => products.some((p) => (p.x >= 0 && overlaps(p.x, p.n * BYTES[p.precision], start, end)) || (p.y >= 0 && overlaps(p.y, p.n * BYTES[p.precision], start, end)));
}
