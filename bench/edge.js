// @ts-check
// Where the inline threshold falls on this machine: at each operand size around INLINE_BYTES,
// `dot` on the calling thread against the same product run as a pool(T) job, blocking as
// pool.dotSync makes it above the threshold and awaited as pool.dot does. The jobs bypass the
// threshold through the dispatcher (the blocking one without the waking rule, which back-to-back
// calls with the workers polling never need). The rows take turns (in-turns.js); prints µs a call
// and each job's time over inline's, per size.
// INLINE_BYTES (pool.ts) was chosen on the 2-core VM; with more threads a job's share shrinks, so
// the size where a job pays for itself should fall. Run it where the cores are (bench/device.sh).
//
//   node bench/edge.js [threads] [rounds]      (default availableParallelism(), 60)
import { availableParallelism } from "node:os";
import { createPool, dot, f64, free } from "kernelpool";
import { checkOperands } from "../dist/dot/operands.js";
import { inPlaceGroup, sumOf } from "../dist/pool/arguments.js";
import { dotPlan } from "../dist/pool/plan.js";
import { BLOCKING_INLINE_BYTES, INLINE_BYTES, internals } from "../dist/pool/pool.js";
import { BATCH_MS } from "./budget.js";
import { timeInTurns } from "./in-turns.js";
import { median } from "./timing.js";

const threads = Number(process.argv[2] ?? availableParallelism());
const rounds = Number(process.argv[3] ?? 60);
if (!Number.isInteger(threads) || threads < 2) throw new RangeError("threads: an integer of 2 or more (one thread never makes a job)");
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError("rounds: a positive integer");

/** Bytes an operand, from an eighth of INLINE_BYTES up to twice it. */
const SIZES = [1 / 8, 1 / 4, 3 / 8, 1 / 2, 5 / 8, 3 / 4, 1, 3 / 2, 2].map((k) => k * INLINE_BYTES);

const pool = await createPool({ threads });
const dispatcher = /** @type {import('../dist/pool/dispatcher.js').Dispatcher} */ (/** @type {any} */ (pool)[internals]);
console.log(`Inline against a job, pool(${threads}), f64 arena arrays, ${rounds} rounds in turns; INLINE_BYTES = ${INLINE_BYTES / 1024} KiB (dotSync: ${BLOCKING_INLINE_BYTES / 1024})`);
console.log("KiB an operand        n  inline µs  blocking µs  awaited µs  blocking / inline  awaited / inline");
try {
  for (const bytes of SIZES) {
    const n = bytes / 8;
    /** @type {Float64Array[]} */
    const held = [];
    try {
      const [a, b] = [0, 1].map((phase) => {
        const v = f64(n);
        held.push(v);
        // Not exact in every order, as dyadic data would be: a change of summation order shows.
        for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.37 + phase) * (1 + (i % 13));
        return v;
      });
      const inline = () => dot(a, b);
      const plan = () => dotPlan([inPlaceGroup(checkOperands("edge", a, b))]);
      const blocking = () => sumOf(dispatcher.runSync(plan()));
      /** @returns {Promise<number>} */
      const awaited = () => new Promise((resolve, reject) => dispatcher.runAsync(plan(), "edge", (/** @type {Float64Array} */ p) => resolve(sumOf(p)), reject));
      // A job sums the same blocks in the same order: a mismatch is a broken probe, not noise.
      const expected = inline();
      for (const value of [blocking(), await awaited()]) if (value !== expected) throw new Error(`n = ${n}: a job gave ${value}, inline ${expected}`);
      const f64Case = /** @type {const} */ ({ impl: "kernelpool", precision: "f64" });
      const cases = [
        { ...f64Case, label: "inline", threads: 1, run: inline },
        { ...f64Case, label: "blocking job", threads, run: blocking },
        { ...f64Case, label: "awaited job", threads, run: awaited, async: true },
      ];
      const [here, sync, async] = (await timeInTurns(cases, { rounds, warmupRounds: 3, batchMs: BATCH_MS, leadCalls: 30 })).map(median);
      const us = (/** @type {number | undefined} */ ns, width = 9) => ((ns ?? Number.NaN) / 1000).toFixed(2).padStart(width);
      const ratio = (/** @type {number | undefined} */ ns) => ((ns ?? Number.NaN) / (here ?? Number.NaN)).toFixed(3).padStart(17);
      console.log(`${String(bytes / 1024).padStart(14)} ${String(n).padStart(8)} ${us(here, 10)}  ${us(sync, 11)}  ${us(async, 10)}  ${ratio(sync)}  ${ratio(async)}`);
    } finally {
      for (const v of held) free(v);
    }
  }
} finally {
  await pool.destroy();
}
