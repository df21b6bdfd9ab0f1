// How long the vectors can be: both must fit in the arena (4 GiB) and in free memory.
import { freemem, totalmem } from "node:os";
import { LIMIT_BYTES } from "../arena/arena.js";
import { memoryShort } from "../errors.js";

/** Free memory the job lets itself use: the rest is the OS's and other programs'. */
const FREE_SHARE = 0.6;
/** Arena bytes kept for the pool's own blocks next to the two vectors. */
const HEADROOM = 64 * 2 ** 20;

/** The longest vectors --n may ask for: two f64 vectors of it fill the arena, less HEADROOM. */
export const MOST_ELEMENTS = Math.floor((LIMIT_BYTES - HEADROOM) / 16);

/**
 * The largest n up to `wanted` whose two f64 vectors fit in free memory, and the reason when it is
 * smaller; a RangeError where not even n = 1 fits. The arena's own limit is --n's (MOST_ELEMENTS),
 * which parseDotJobArgs enforces before this is asked.
 */
export function fitLength(wanted: number): { n: number; reason?: string } {
  const free = freeBytes();
  const n = Math.min(wanted, Math.floor((free * FREE_SHARE) / 16));
  if (n === wanted) return { n };
  const why = `only ${(free / 2 ** 30).toFixed(1)} GiB of memory is free`;
  if (n < 1) throw memoryShort(`memory is short (${why}): not even vectors of one element fit`);
  return { n, reason: `memory is short (${why}): using n = ${n.toLocaleString("en")} instead of ${wanted.toLocaleString("en")}` };
}

/**
 * Free memory by the OS, or what this process's cgroup limit leaves where that is less: in a
 * container, the OS's figure is the host's.
 */
function freeBytes(): number {
  const limit = process.constrainedMemory();
  const free = Math.max(0, freemem());
  return limit > 0 && limit < totalmem() ? Math.max(0, Math.min(free, limit - process.memoryUsage.rss())) : free;
}
