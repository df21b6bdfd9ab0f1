// @ts-check
// Times in-process rows with tinybench: warm-up on, batched calls, median of the batch means.
import { Bench } from "tinybench";
import { rowName } from "./naming.js";

/** @typedef {import('./types.js').Case} Case */
/** @typedef {import('./types.js').Budget} Budget */
/** @typedef {import('./types.js').Measurement} Measurement */

// Every result is added here and the total goes into the JSON file, so no call's result is dead
// and V8 cannot drop the work (it could for the inlinable JS loop).
let sink = 0;
export const sinkValue = () => sink;

/**
 * Times each case at one n, one after another, and returns their medians. Cases marked `async`
 * (pool.dot) are awaited one call at a time inside the batch; the run is then tinybench's async
 * one, which times sync cases exactly as before (the batch times itself).
 * @param {Case[]} cases  already checked for correctness
 * @param {number} n
 * @param {Budget} budget
 * @returns {Promise<Measurement[]>}
 */
export async function timeCases(cases, n, budget) {
  const bench = new Bench({
    time: budget.time,
    warmup: true,
    warmupTime: budget.warmupTime,
    iterations: budget.iterations,
    warmupIterations: budget.warmupIterations,
    // process.hrtime: nanosecond clock, so short batches are not rounded.
    timestampProvider: "hrtimeNow",
    throws: true,
  });
  /** @type {Map<Case, { reps: number }>} */
  const batches = new Map();
  for (const c of cases) {
    if (c.async) {
      const run = /** @type {() => Promise<number>} */ (c.run);
      const state = { reps: await repsForAsync(run, budget.batchMs, bench.now) };
      batches.set(c, state);
      bench.add(rowName(c.label, n), batchAsync(run, state, bench.now), {
        async beforeAll(mode) {
          if (mode === "run") state.reps = await repsForAsync(run, budget.batchMs, bench.now);
        },
      });
      continue;
    }
    const run = /** @type {() => number} */ (c.run);
    const state = { reps: repsFor(run, budget.batchMs, bench.now) };
    batches.set(c, state);
    bench.add(rowName(c.label, n), batch(run, state, bench.now), {
      // Measure the pace again once tinybench's warm-up has run: the first estimate is taken on
      // cold code (interpreter, Liftoff, on-stack replacement) and can be 100× too slow at 1e3.
      beforeAll(mode) {
        if (mode === "run") state.reps = repsFor(run, budget.batchMs, bench.now);
      },
    });
  }
  if (cases.some((c) => c.async)) await bench.run();
  else bench.runSync();
  return cases.map((c) => {
    const name = rowName(c.label, n);
    const result = bench.getTask(name)?.result;
    // tinybench 6 reports a union keyed on `state`; only these two carry statistics.
    if (result?.state !== "completed" && result?.state !== "aborted-with-statistics") {
      const why = result?.state === "errored" ? result.error.message : `state ${result?.state}`;
      throw new Error(`timing failed. ${name} did not complete: ${why}.`);
    }
    return {
      name,
      label: c.label,
      impl: c.impl,
      precision: c.precision,
      n,
      threads: c.threads,
      ...(c.variant === undefined ? {} : { variant: c.variant }),
      medianNs: result.latency.p50 * 1e6,
      samples: result.latency.samplesCount,
      reps: batches.get(c)?.reps ?? 1,
      value: Number.NaN, // filled in by the caller from the correctness check
    };
  });
}

/**
 * A tinybench task that makes `state.reps` calls and reports the mean per call as the sample, and
 * the whole batch as the cost against the time budget (tinybench's documented way to batch).
 * All tasks share this one closure body, so `run()` is a megamorphic call: a few ns, well under
 * the ~200 ns of the smallest row.
 * @param {() => number} run
 * @param {{ reps: number }} state
 * @param {() => number} now  milliseconds
 */
function batch(run, state, now) {
  return () => {
    const reps = state.reps;
    const t0 = now();
    let s = 0;
    for (let i = 0; i < reps; i++) s += run();
    const elapsed = now() - t0;
    sink += s;
    return { overriddenDuration: elapsed / reps, overriddenIterationCost: elapsed };
  };
}

/**
 * As batch(), awaiting each call before the next: the latency of one call, resolution included.
 * @param {() => Promise<number>} run
 * @param {{ reps: number }} state
 * @param {() => number} now
 */
function batchAsync(run, state, now) {
  return async () => {
    const reps = state.reps;
    const t0 = now();
    let s = 0;
    for (let i = 0; i < reps; i++) s += await run();
    const elapsed = now() - t0;
    sink += s;
    return { overriddenDuration: elapsed / reps, overriddenIterationCost: elapsed };
  };
}

/**
 * repsFor() for an async call. A copy of its loop rather than one shared loop that awaits: an
 * await on a synchronous call's number still costs a microtask turn, which repsFor would then
 * count into every call it sizes.
 * @param {() => Promise<number>} run
 * @param {number} batchMs
 * @param {() => number} now
 */
export async function repsForAsync(run, batchMs, now) {
  let perCall = Infinity;
  const start = now();
  for (let pass = 0; pass < 5 && (pass < 2 || now() - start < 4 * batchMs); pass++) {
    let calls = 0;
    const t0 = now();
    let elapsed = 0;
    do {
      sink += await run();
      calls++;
      elapsed = now() - t0;
    } while (elapsed < batchMs / 2);
    perCall = Math.min(perCall, elapsed / calls);
  }
  return Math.max(1, Math.round(batchMs / perCall));
}

/**
 * Adds a value to the sink, for rows timed outside tinybench (the seed job).
 * @param {number} value
 */
export function keep(value) {
  sink += value;
}

/**
 * Calls per batch so that a batch lasts about `batchMs`, from the fastest of a few short passes:
 * a tier-up or a GC pause only ever slows a pass down, so the fastest pace is the steady one.
 * At large n a pass is a single call and two passes suffice.
 * @param {() => number} run
 * @param {number} batchMs
 * @param {() => number} now
 */
export function repsFor(run, batchMs, now) {
  let perCall = Infinity;
  const start = now();
  for (let pass = 0; pass < 5 && (pass < 2 || now() - start < 4 * batchMs); pass++) {
    let calls = 0;
    const t0 = now();
    let elapsed = 0;
    do {
      sink += run();
      calls++;
      elapsed = now() - t0;
    } while (elapsed < batchMs / 2);
    perCall = Math.min(perCall, elapsed / calls);
  }
  return Math.max(1, Math.round(batchMs / perCall));
}

/**
 * The median of `values` (the mean of the middle two for an even count), as each suite reports.
 * @param {number[]} values
 */
export function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}
