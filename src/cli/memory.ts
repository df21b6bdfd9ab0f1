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
  const { available, containerLimit } = memory();
  const n = Math.min(wanted, Math.floor((available * FREE_SHARE) / 16));
  if (n === wanted) return { n };
  const where = containerLimit === undefined ? "" : ` under the container's limit of ${size(containerLimit)}`;
  if (n < 1) throw memoryShort(`memory is short: only ${size(available)} is available${where}, and not even vectors of one element fit`);
  const why = `two vectors of ${wanted.toLocaleString("en")} need ${size(16 * wanted)}, and the job takes at most ${FREE_SHARE * 100}% of the ${size(available)} available${where}`;
  return { n, reason: `memory is short: ${why}; using n = ${n.toLocaleString("en")}` };
}

/**
 * Memory the job may take from, and a container's limit where it is below the machine's memory:
 * the OS's free memory, or what the limit leaves this process where that is less (in a container
 * the OS's figure is the host's). process.availableMemory() would count the container's other
 * processes too, but it counts its page cache as used, which after an install or a build left
 * next to nothing to a container that had plenty.
 */
function memory(): { available: number; containerLimit: number | undefined } {
  const limit = process.constrainedMemory();
  const containerLimit = limit > 0 && limit < totalmem() ? limit : undefined;
  const left = containerLimit === undefined ? Infinity : containerLimit - process.memoryUsage.rss();
  return { available: Math.max(0, Math.min(freemem(), left)), containerLimit };
}

/** Bytes in MB or GB, as the job's own lines give sizes. */
function size(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}
