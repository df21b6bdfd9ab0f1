// The poll budget a pool starts from, before it has timed any job of its own (waiting.ts).
import { PollBudget } from "../../dist/pool/waiting.js";

/** How long a new pool of `threads` threads polls for a job of `bytes` before it sleeps, in ms: 0, it sleeps at once. */
export function newPoolBudgetMs(bytes, threads) {
  return new PollBudget(threads).budgetMs(bytes);
}
