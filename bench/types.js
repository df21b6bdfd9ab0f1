// @ts-check
// Shapes shared by the harness, as JSDoc typedefs so that plain JS files can be type-checked.
// Nothing here runs; import the types with `@typedef {import('./types.js').Case} Case`.

/** @typedef {'f64' | 'f32'} Precision */

/**
 * One row to time in this process: a single dot product at one n, ready to call.
 * Factories build the operands before returning, so `run` does only the work being timed.
 *
 * @typedef {object} Case
 * @property {string} label      the name without the size, e.g. "kernelpool f64"
 * @property {string} impl       the family, used to find baselines: "kernelpool", "js-loop", "numpy", …
 * @property {Precision} precision
 * @property {number} threads    threads one call may use (1 for every serial kernel)
 * @property {() => number | Promise<number>} run  one call; returns the dot product (or a promise
 *   of it when `async`), which the timer keeps live
 * @property {boolean} [async]     run returns a promise, awaited call by call
 * @property {string} [variant]    what distinguishes rows of one impl: "sync", "async", "copy", …
 * @property {number} [n]          the length the row computes, where it differs from the context's n
 *   (a batch row reports its total elements)
 * @property {() => void | Promise<void>} [dispose]  gives back what the factory allocated
 */

/**
 * What a case factory is given for one n: the size and the plain operands every case may share.
 *
 * @typedef {object} CaseContext
 * @property {number} n
 * @property {import('./data.js').Operands} data
 * @property {import('./data.js').ArenaOperands} arena  the same values in the arena, shared by the
 *   serial and the pool rows at this n (freed by the caller)
 */

/**
 * A case factory: all the rows one implementation contributes at one n.
 * It may be async (a pool has to start its workers) and may return no rows (feature missing).
 *
 * @typedef {(ctx: CaseContext) => Case[] | Promise<Case[]>} CaseFactory
 */

/**
 * How long to spend on one row at one n; see budget.js.
 *
 * @typedef {object} Budget
 * @property {number} time              tinybench `time`: measuring budget per row, ms
 * @property {number} warmupTime        tinybench `warmupTime`, ms
 * @property {number} iterations        tinybench `iterations`: the least number of batches
 * @property {number} warmupIterations  tinybench `warmupIterations`
 * @property {number} batchMs           calls are repeated until one batch lasts about this long
 */

/**
 * One timed row, however it was timed (tinybench here, or a subprocess such as numpy).
 *
 * @typedef {object} Measurement
 * @property {string} name        `label:n=1e5`, the stdlib `pkg:len=N` style
 * @property {string} label
 * @property {string} impl
 * @property {Precision} precision
 * @property {number} n
 * @property {number} threads
 * @property {number} medianNs    median time of one call, over batches
 * @property {number} samples     number of batches the median is taken over
 * @property {number} reps        calls per batch
 * @property {number} value       the result of the checked call
 * @property {string} [variant]   as in Case; numpy rows: "1" or "all"
 */

/**
 * A row that runs outside this process (numpy now; a native yardstick later).
 * `available` answers once, before any timing; `measure` returns one Measurement per row.
 *
 * @typedef {object} ExternalRunner
 * @property {string} name
 * @property {() => { ok: true, info?: Record<string, unknown> } | { ok: false, reason: string }} available
 * @property {(n: number, budget: Budget) => Measurement[]} measure
 * @property {boolean} [unchecked]  its data differ from data.js (the C yardstick), so its value is not checked
 */

export {};
