// @ts-check
// Every row the bench times, in table order. To add rows, add a factory to `singleCaseFactories`
// or a runner to `externalRunners`; nothing else changes. The pool's rows are in cases/pool.js.
import { kernelpoolBaselineCases, kernelpoolCases } from "./cases/kernelpool.js";
import { limitRunner } from "./limit.js";
import { numpyRunner } from "./numpy.js";

/**
 * Rows timed in this process with tinybench, built afresh for each n. Imported only when the
 * single suite runs, so a pool-only run (the device machine) needs no stdlib or simsimd.
 * @param {import('./cli.js').Options} options
 * @returns {Promise<import('./types.js').CaseFactory[]>}
 */
export async function singleCaseFactories(options) {
  if (!options.suites.includes("single")) {
    // The pool rows' "vs dot on 1 thread" needs the serial arena rows all the same.
    return options.suites.includes("pool") ? [kernelpoolBaselineCases] : [];
  }
  const [{ jsLoopCases }, { stdlibCases }, { simsimdCases }] = await Promise.all([
    import("./cases/js-loop.js"),
    import("./cases/stdlib.js"),
    import("./cases/simsimd.js"),
  ]);
  return [kernelpoolCases, jsLoopCases, stdlibCases, simsimdCases];
}

/**
 * Rows timed in a subprocess, after the in-process rows at the same n: numpy, and with the pool
 * or turns suite the native yardstick at every core. The turns suite times numpy on all threads
 * its own way (turns.js) and the yardstick through this runner.
 * @param {import('./cli.js').Options} options
 * @returns {import('./types.js').ExternalRunner[]}
 */
export function externalRunners(options) {
  const runners = options.skipNumpy ? [] : options.numpyThreads.map((threads) => numpyRunner({ threads }));
  const pooled = options.suites.includes("pool") || options.suites.includes("turns");
  if (pooled && options.limit !== null) runners.push(limitRunner({ path: options.limit }));
  return runners;
}
