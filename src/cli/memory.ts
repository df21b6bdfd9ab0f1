// How long the vectors can be: both must fit in the arena (4 GiB) and in free memory.
import { freemem } from "node:os";
import { LIMIT_BYTES } from "../arena/arena.js";

/** Free memory the job lets itself use: the rest is the OS's and other programs'. */
const FREE_SHARE = 0.6;
/** Arena bytes kept for the pool's own blocks next to the two vectors. */
const HEADROOM = 64 * 2 ** 20;

/** The largest n up to `wanted` whose two f64 vectors fit; the reason when it is smaller. */
export function fitLength(wanted: number): { n: number; reason?: string } {
  const byArena = Math.floor((LIMIT_BYTES - HEADROOM) / 16);
  const byFree = Math.floor((freemem() * FREE_SHARE) / 16);
  const n = Math.min(wanted, byArena, byFree);
  if (n === wanted) return { n };
  const why = n === byArena ? "the arena holds at most 4 GiB" : `only ${(freemem() / 2 ** 30).toFixed(1)} GiB of memory is free`;
  return { n, reason: `memory is short (${why}): using n = ${n.toLocaleString("en")} instead of ${wanted.toLocaleString("en")}` };
}
