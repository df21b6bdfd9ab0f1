// @ts-check
// Whether a size fits: in free memory (os.freemem) and in the arena, whose wasm32 memory stops at 4 GiB.
import { freemem } from "node:os";

/** The arena's ceiling, less room for what else lives in it. */
export const ARENA_BYTES = 3.9 * 2 ** 30;

/**
 * Bytes one sweep size needs at its peak: the plain operands (f64 and f32: 24n) and the same in
 * the arena (24n) in this process, and numpy building its operands in a child (about 40n).
 * @param {number} n
 */
export const sweepBytes = (n) => ({ process: 88 * n, arena: 24 * n });

/**
 * Bytes the turns suite needs at one n: the arena operands (24n), and in children numpy's kept
 * operands, f64 and f32 (24n), with what it builds them from (~32n), and the yardstick's (16n).
 * @param {number} n
 */
export const turnsBytes = (n) => ({ process: 72 * n, arena: 24 * n });

/**
 * @param {{ process: number, arena: number }} need
 * @returns {string | null}  why it does not fit, or null
 */
export function shortOfMemory(need) {
  const free = freemem();
  if (need.arena > ARENA_BYTES) return `needs ${gib(need.arena)} of arena, over the 4 GiB wasm32 memory`;
  if (need.process * 1.1 > free) return `needs about ${gib(need.process)} of memory, ${gib(free)} free`;
  return null;
}

/** @param {number} bytes */
export const gib = (bytes) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
