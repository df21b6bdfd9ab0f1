// The calling thread's turns of its event loop, kept across calls: work on this thread yields
// about once a SLICE_MS however it is cut into calls. Each call used to start its own slice, so
// a loop of awaited calls that each ended within one (an already-settled promise) ran in
// microtasks for as long as it lasted: a page without isolation went a second with no timer,
// message or frame, and an isolated one 30–70 ms (Chromium, calls of 6 µs to 90 µs).
import { platform } from "../platform/platform.js";

/**
 * Where a turn of the event loop is costly (a browser task: 5–10 µs in Chromium, more where a
 * page is busy), how long in ms work on the calling thread may run before it yields: a step (a
 * task of at most 16 blocks, or a chunk of the copy path) takes 0.02–0.4 ms, so turns cost a few
 * % of the work, and 1 ms is a sixteenth of a 60 Hz frame.
 */
export const SLICE_MS = 1;

/**
 * Work of calls that settle at once (inline) between two looks at the clock, in operand bytes:
 * reading it on every call cost a 1e3 call a fifth of its time; 1 MiB is 0.05–0.2 ms of calls of
 * 1e3 elements or more. Each call also counts CALL_BYTES, the bytes its own checks cost about as
 * much time as, so that calls of no elements look too, every 256 calls or so.
 */
const CHECK_BYTES = 2 ** 20;
const CALL_BYTES = 4096;

/** When this thread last had a turn that kernelpool knows of: one it took, or a wait's wake-up. */
let lastTurn = performance.now();
let bytesSinceCheck = 0;
/** The turn an inline call waits for, which the inline calls made meanwhile settle after, in order. */
let owedTurn: Promise<void> | undefined;

/** A turn of the event loop, noted as the last. */
export async function takeTurn(): Promise<void> {
  await platform().nextTurn();
  lastTurn = performance.now();
}

/** Notes a turn that came another way: a wait that resolved from the event loop. */
export function tookTurn(): void {
  lastTurn = performance.now();
}

/** Whether this thread has run SLICE_MS or more since its last known turn. */
export function owesTurn(): boolean {
  return performance.now() - lastTurn >= SLICE_MS;
}

/**
 * `value` as the result of an awaited call that ran at once, after a turn if one is owed. Calls
 * made while an earlier one waits for its turn settle after it, so that inline calls settle in
 * the order they were made.
 */
export function settleInline<T>(value: T, bytes: number): Promise<T> {
  if (owedTurn !== undefined) return owedTurn.then(() => value);
  bytesSinceCheck += bytes + CALL_BYTES;
  if (bytesSinceCheck < CHECK_BYTES) return Promise.resolve(value);
  bytesSinceCheck = 0;
  if (!owesTurn()) return Promise.resolve(value);
  const turn = takeTurn().finally(() => {
    if (owedTurn === turn) owedTurn = undefined;
  });
  owedTurn = turn;
  return turn.then(() => value);
}
