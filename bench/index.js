// @ts-check
// `npm run bench`: the suites chosen with --suite (default all), in this order:
//  - single and pool: for each n, build the operands once (plain and in the arena), check each
//    row's result once, time the serial rows, then the pool rows at each thread count, then the
//    external rows (numpy on 1 and all threads, the C/OpenMP yardstick) at the same n; print
//    the tables per n;
//  - turns: issue 3's ratios, the pool's rows and numpy's and the yardstick's taking turns a round
//    at a time at each n (turns.js);
//  - seed: the seed's ten dot products of arange(1e8), pool against numpy;
//  - dispatch: the time a parallel call adds over its compute, at twice each inline threshold;
//  - batch: dotBatch and matvec against loops of dot;
//  - pause: calls made 5 ms apart, when the workers sleep, against numpy timed alike.
// Writes the run as JSON and a markdown summary (bench/results/latest.md). Flags: cli.js.
import { existsSync } from "node:fs";
import { loadavg } from "node:os";

// The rows import the built package; say what to do rather than fail on a module path.
if (!existsSync(new URL("../dist/index.js", import.meta.url))) {
  console.error("bench: dist/index.js is missing. Run `npm run build` first.");
  process.exit(1);
}

const { isOptionError, parseOptions, USAGE } = await import("./cli.js");
const { budgetFor } = await import("./budget.js");
const { check, freeArenaOperands, makeArenaOperands, makeOperands, TOLERANCE } = await import("./data.js");
const { describeMachine } = await import("./machine.js");
const { shortOfMemory, sweepBytes } = await import("./memory.js");
const { derive } = await import("./metrics.js");
const { formatN, rowName } = await import("./naming.js");
const { externalRunners, singleCaseFactories } = await import("./registry.js");
const { Report } = await import("./report.js");
const { writeResults } = await import("./results.js");
const { COLUMNS, formatHeader, formatTable, POOL_COLUMNS } = await import("./table.js");
const { sinkValue, timeCases } = await import("./timing.js");
const { poolCases } = await import("./cases/pool.js");
const { createPool } = await import("kernelpool");

/** @typedef {import('./types.js').Case} Case */
/** @typedef {import('./types.js').Measurement} Measurement */
/** @typedef {import('./metrics.js').Row} Row */

/**
 * Checks each case once (awaiting async ones), outside timing: a wrong kernel must fail the run,
 * not post a fast time. Then times them.
 * @param {Case[]} cases
 * @param {number} n
 * @param {import('./types.js').Budget} budget
 * @returns {Promise<Measurement[]>}
 */
async function checkAndTime(cases, n, budget) {
  /** @type {number[]} */
  const values = [];
  for (const c of cases) {
    const value = await c.run();
    check(rowName(c.label, n), c.precision, n, value);
    values.push(value);
  }
  return (await timeCases(cases, n, budget)).map((m, i) => ({ ...m, value: values[i] ?? Number.NaN }));
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options === "help") return void console.log(USAGE);
  const startedAt = new Date();
  const machine = describeMachine();
  const sweep = options.suites.includes("single") || options.suites.includes("pool");
  const turns = options.suites.includes("turns");
  const pool = options.suites.includes("pool");
  const maxThreads = Math.max(...options.threads);

  // Probe external runners once, up front: a missing numpy or yardstick skips its rows, it does
  // not fail the run (unless --limit named a path that is not there).
  const runners = [];
  const external = [];
  for (const runner of sweep || turns ? externalRunners(options) : []) {
    const probe = runner.available();
    if (!probe.ok && runner.unchecked && options.limitExplicit) throw new Error(`--limit: ${probe.reason}`);
    external.push(probe.ok ? { runner: runner.name, ok: true, ...probe.info } : { runner: runner.name, ...probe });
    if (probe.ok) runners.push(runner);
  }
  const header = formatHeader(machine, external);
  const report = new Report(startedAt, process.argv.slice(2), options, header);
  console.log(`kernelpool bench, ${startedAt.toISOString()}; suites ${options.suites.join(",")}${pool ? `; pool threads ${options.threads.join(",")}` : ""}\n${header}`);
  for (const info of external) if ("reason" in info) console.log(`note: ${info.runner} skipped: ${info.reason}`);
  // Allowed, for oversubscription experiments, but said up front: pool(8) on 2 cores read 0.16×.
  if (maxThreads > machine.availableParallelism) console.log(`note: --threads goes to ${maxThreads}, more than this machine's ${machine.availableParallelism} cores: those pools share cores.`);

  /** @type {Row[]} */
  const rows = [];
  const factories = sweep ? await singleCaseFactories(options) : [];
  for (const n of sweep ? options.sizes : []) {
    const short = shortOfMemory(sweepBytes(n));
    if (short !== null) {
      const note = `n = ${formatN(n)} skipped: it ${short}.`;
      console.log(`\n${note}`);
      report.note(note);
      continue;
    }
    const budget = budgetFor(n, options.timeMs);
    process.stderr.write(`timing n=${formatN(n)} …\n`);
    const data = makeOperands(n);
    const arena = makeArenaOperands(n);
    const ctx = { n, data, arena };
    try {
      const cases = (await Promise.all(factories.map((factory) => factory(ctx)))).flat();
      const measured = await checkAndTime(cases, n, budget);
      for (const threads of pool ? options.threads : []) {
        const p = await createPool({ threads });
        try {
          measured.push(...(await checkAndTime(poolCases(p, ctx, { copy: threads === maxThreads }), n, budget)));
        } finally {
          await p.close();
        }
      }
      for (const runner of runners) {
        for (const m of runner.measure(n, budget)) {
          if (!runner.unchecked) check(m.name, m.precision, n, m.value);
          measured.push(m);
        }
      }
      const derived = derive(measured);
      const serial = derived.filter((r) => r.impl !== "pool" && r.impl !== "c-openmp");
      const pooled = poolTableRows(derived);
      const title = `n = ${formatN(n)}   (${budget.time} ms per row after ${budget.warmupTime} ms warm-up, at least ${budget.iterations} samples; each sample is the mean call of a batch lasting ~${budget.batchMs} ms or one call)`;
      console.log(`\n${title}`);
      console.log(formatTable(serial, COLUMNS));
      if (pooled.length > 0) console.log(`\n${formatTable(pooled, POOL_COLUMNS)}`);
      report.sweep(n, title, serial, pooled);
      rows.push(...derived);
    } finally {
      freeArenaOperands(arena);
    }
  }
  if (sweep) report.summary(rows, options.threads);

  /** @type {Record<string, unknown>} */
  const suites = {};
  if (options.suites.includes("turns")) {
    const { runTurns } = await import("./turns.js");
    const numpy = runners.some((r) => r.name === "numpy all-threads");
    suites.turns = await runTurns(options, report, { numpy, yardstick: runners.find((r) => r.unchecked) });
  }
  if (options.suites.includes("seed")) {
    const { runSeed } = await import("./seed.js");
    suites.seed = await runSeed(options, report);
  }
  if (options.suites.includes("dispatch")) {
    const { runDispatch } = await import("./dispatch.js");
    suites.dispatch = await runDispatch(options, report);
  }
  if (options.suites.includes("batch")) {
    const { runBatch } = await import("./batch.js");
    suites.batch = await runBatch(options, report);
  }
  if (options.suites.includes("pause")) {
    const { runPause } = await import("./pause.js");
    suites.pause = await runPause(options, report);
  }

  const loadEnd = loadavg();
  const loadNote = `load average (1, 5, 15 min): ${machine.loadavg.map((l) => l.toFixed(2)).join(" ")} at the start, ${loadEnd.map((l) => l.toFixed(2)).join(" ")} at the end, on ${machine.availableParallelism} cores; other work on the machine moves the medians.`;
  report.note(loadNote);
  const targets = report.targets(rows, suites, options.threads);
  console.log(`\n${loadNote}`);
  console.log(`\n${targets.text}`);

  const finishedAt = new Date();
  const seconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
  const paths = writeResults(
    startedAt,
    {
      // 3: the seed suite's rounds in turns (jobs[].vsNumpyAll, vsOneThread; no repeats, no value).
      // 4: the batch suite's rows in turns (results[].vsLoop, vsAwaited: ratio spreads).
      schema: 4,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      argv: process.argv.slice(2),
      options,
      machine,
      external,
      tolerance: TOLERANCE,
      rows,
      suites,
      targets: targets.items,
      // Printed so the accumulated results are observably used; the value itself means nothing.
      sink: sinkValue(),
    },
    report.markdown(seconds),
  );
  console.log(`\n${seconds.toFixed(0)} s; wrote ${paths.join(", ")}`);
}

/**
 * The pool table at one n: the pool rows by precision then thread count, each precision followed
 * by its references (dot on one thread, numpy on all threads, the C yardstick).
 * @param {Row[]} rows
 */
function poolTableRows(rows) {
  const out = [];
  for (const precision of ["f64", "f32"]) {
    const pooled = rows.filter((r) => r.impl === "pool" && r.precision === precision);
    if (pooled.length === 0) continue;
    out.push(...pooled.sort((a, b) => a.threads - b.threads));
    out.push(
      ...rows.filter(
        (r) =>
          r.precision === precision &&
          ((r.impl === "kernelpool" && r.variant === "arena") || (r.impl === "numpy" && r.variant === "all") || r.impl === "c-openmp"),
      ),
    );
  }
  return out;
}

try {
  await main();
} catch (error) {
  console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
  if (isOptionError(error)) console.error(`\n${USAGE}`);
  else if (error instanceof Error && error.stack) console.error(error.stack.split("\n").slice(1).join("\n"));
  process.exitCode = 1;
}
