// @ts-check
// Collects what a run prints into bench/results/latest.md: machine facts and baselines, a summary
// table per precision, the tables per n and per suite, and issue 3's performance targets, each
// marked as holding or not on this machine.
import { availableParallelism } from "node:os";
import { formatN } from "./naming.js";
import { SEED_JOB } from "./cli.js";
import { ratioKey } from "./turns.js";
import { COLUMNS, formatBounds, formatRatio, formatTable, formatTime, markdownTable, POOL_COLUMNS, textTable } from "./table.js";

/**
 * A ratio judged against `floor`: two decimals, or three where two would round across the floor
 * (0.9496 is not "0.95×", and 0.996 not "1.00×", beside a "no").
 * @param {number} ratio @param {number} floor
 */
function ratioAgainst(ratio, floor) {
  return (Number(ratio.toFixed(2)) >= floor) === (ratio >= floor) ? formatRatio(ratio) : `${ratio.toFixed(3)}×`;
}

/** @typedef {import('./metrics.js').Row} Row */
/** @typedef {import('./types.js').Precision} Precision */

export class Report {
  /** @type {string[]} */
  #sections = [];
  /** @type {string[]} */
  #notes = [];
  #startedAt;
  #argv;
  #options;
  #header;

  /**
   * @param {Date} startedAt
   * @param {string[]} argv
   * @param {import('./cli.js').Options} options
   * @param {string} header  machine facts (formatHeader)
   */
  constructor(startedAt, argv, options, header) {
    this.#startedAt = startedAt;
    this.#argv = argv;
    this.#options = options;
    this.#header = header;
  }

  #swept = false;

  /** @param {string} text */
  note(text) {
    this.#notes.push(text);
  }

  /**
   * @param {number} n
   * @param {string} title
   * @param {Row[]} serial
   * @param {Row[]} pooled
   */
  sweep(n, title, serial, pooled) {
    if (!this.#swept) this.#sections.push("## All rows at each n");
    this.#swept = true;
    const parts = [`### n = ${formatN(n)}`, "", title.replace(/^n = \S+\s+/, ""), "", formatTable(serial, COLUMNS, true)];
    if (pooled.length > 0) parts.push("", formatTable(pooled, POOL_COLUMNS, true));
    this.#sections.push(parts.join("\n"));
  }

  /**
   * Prints a table and keeps it for the markdown.
   * @param {string} title
   * @param {string[]} header
   * @param {string[][]} body
   * @param {string[]} [notes]
   */
  table(title, header, body, notes = []) {
    console.log(`\n${title}\n${textTable(header, body)}${notes.map((n) => `\n  ${n}`).join("")}`);
    this.#sections.push([`## ${title}`, "", markdownTable(header, body), ...(notes.length ? ["", ...notes.map((n) => `- ${n}`)] : [])].join("\n"));
  }

  /**
   * One table per precision over every n: serial dot, each pool size (dotSync), pool.dot at the
   * most threads, numpy on 1 and all threads, the C yardstick, and the ratios the targets use.
   * @param {Row[]} rows
   * @param {number[]} threads
   */
  summary(rows, threads) {
    const top = Math.max(...threads);
    const sizes = [...new Set(rows.map((r) => r.n))];
    for (const precision of /** @type {const} */ (["f64", "f32"])) {
      const at = (/** @type {number} */ n, /** @type {(r: Row) => boolean} */ f) => rows.find((r) => r.n === n && r.precision === precision && f(r));
      if (!rows.some((r) => r.impl === "pool" && r.precision === precision)) continue;
      const limit = precision === "f64";
      const header = [
        "n", "dot, 1 thread",
        ...threads.map((t) => `pool(${t}).dotSync`),
        `pool(${top}).dot`, "numpy 1 thread", "numpy all threads",
        ...(limit ? [`C/OpenMP`] : []),
        `dotSync(${top}) vs numpy all`, `dot(${top}) vs numpy all`,
        ...(limit ? [`dotSync(${top}) vs C`, `dot(${top}) vs C`] : []),
      ];
      const time = (/** @type {Row | undefined} */ r) => (r ? formatTime(r.medianNs) : "–");
      const body = sizes.map((n) => {
        const sync = at(n, (r) => r.impl === "pool" && r.threads === top && r.variant === "sync");
        const async = at(n, (r) => r.impl === "pool" && r.threads === top && r.variant === "async");
        return [
          formatN(n),
          time(at(n, (r) => r.impl === "kernelpool" && r.variant === "arena")),
          ...threads.map((t) => time(at(n, (r) => r.impl === "pool" && r.threads === t && r.variant === "sync"))),
          time(async),
          time(at(n, (r) => r.impl === "numpy" && r.variant === "1")),
          time(at(n, (r) => r.impl === "numpy" && r.variant === "all")),
          ...(limit ? [time(at(n, (r) => r.impl === "c-openmp"))] : []),
          formatRatio(sync?.vsNumpyAll ?? null),
          formatRatio(async?.vsNumpyAll ?? null),
          ...(limit ? [formatRatio(sync?.vsLimit ?? null), formatRatio(async?.vsLimit ?? null)] : []),
        ];
      });
      const title = `Summary, ${precision}: median time per call (arena arrays)`;
      // ../shared/limit's dot_limit.c parallelises only `if (n > 50000)`: below that it runs one
      // thread and pays OpenMP's entry (~1.4 µs), so the C columns there are no native limit.
      const serialC = limit && sizes.some((n) => n <= 50000 && at(n, (r) => r.impl === "c-openmp"));
      const footnote = serialC ? "  C/OpenMP at n ≤ 50 000 runs on one thread (its `if (n > 50000)` clause) and pays OpenMP's entry cost: its ratios there compare with a serial loop." : "";
      console.log(`\n${title}\n${textTable(header, body)}${footnote && `\n${footnote}`}`);
      this.#sections.splice(this.#summaries, 0, [`## ${title}`, "", markdownTable(header, body), ...(footnote ? ["", footnote.trim()] : [])].join("\n"));
      this.#summaries++;
    }
  }
  #summaries = 0;

  /**
   * Issue 3's performance targets, measured in this run.
   * @param {Row[]} rows
   * @param {Record<string, any>} suites
   * @param {number[]} threads
   * @returns {{ text: string, items: Array<{ target: string, measured: string, holds: boolean | null }> }}
   */
  targets(rows, suites, threads) {
    const top = Math.max(...threads);
    const cores = availableParallelism();
    /** @type {Array<{ target: string, measured: string, holds: boolean | null }>} */
    const items = [];
    /**
     * Lists a ratio target as holding where every n's ratio reaches `floor`, or as not measured.
     * @param {string} target
     * @param {Array<{ n: number, ratio: number | null, low?: number, high?: number }>} at  one entry per n
     * @param {number} floor
     */
    const judge = (target, at, floor) => {
      const measured = at.filter((m) => m.ratio !== null);
      // Listed, never dropped, when this run cannot judge it: no such n, or no baseline row.
      if (measured.length === 0) {
        items.push({ target, measured: at.length === 0 ? "not measured: no such n in this run" : "not measured: no baseline row (skipped or failed)", holds: null });
        return;
      }
      const holds = measured.every((m) => (m.ratio ?? 0) >= floor);
      const spread = (/** @type {{ low?: number, high?: number }} */ m) => (m.low === undefined || m.high === undefined ? "" : ` ${formatBounds({ low: m.low, high: m.high })}`);
      items.push({ target, measured: measured.map((m) => `${formatN(m.n)}: ${ratioAgainst(m.ratio ?? 0, floor)}${spread(m)}`).join(", "), holds });
    };
    /**
     * Each n's ratio of the pool's `variant` rows at `precision` against numpy or the yardstick,
     * from n = `from` up: from the turns suite where it ran at that n (the median of its rounds,
     * with the lowest and highest), else from the sweep's rows; undefined where neither suite ran.
     * @param {Precision} precision
     * @param {"sync" | "async"} variant
     * @param {"numpy" | "C"} baseline
     * @param {number} from
     */
    const ratiosOf = (precision, variant, baseline, from) => {
      const turns = /** @type {import('./turns.js').TurnsAtN[]} */ (suites.turns?.sizes ?? []);
      const swept = rows.some((r) => r.impl === "pool");
      if (turns.length === 0 && !swept) return undefined;
      const key = ratioKey(variant, precision, baseline);
      /** @type {Map<number, { n: number, ratio: number | null, low?: number, high?: number }>} */
      const at = new Map();
      for (const r of rows) {
        if (r.impl !== "pool" || r.threads !== top || r.precision !== precision || r.variant !== variant || r.n < from) continue;
        at.set(r.n, { n: r.n, ratio: baseline === "numpy" ? r.vsNumpyAll : r.vsLimit });
      }
      for (const s of turns) {
        const spread = s.ratios[key];
        if (s.n >= from) at.set(s.n, spread ? { n: s.n, ratio: spread.median, low: spread.low, high: spread.high } : { n: s.n, ratio: null });
      }
      return [...at.values()].sort((x, y) => x.n - y.n);
    };
    const source = suites.turns ? ` (with [lowest–highest]: in turns, median of ${suites.turns.rounds} rounds; without: the sweep)` : "";
    const fromN = cores <= 2 ? 0 : 1e5;
    for (const variant of /** @type {const} */ (["sync", "async"])) {
      const name = `pool(${top}).${variant === "sync" ? "dotSync" : "dot"}`;
      /** @type {Array<[Precision, "numpy" | "C", number, number, string]>} */
      const targets = [
        ["f64", "numpy", fromN, 1.0, `f64 ≥ 1.0× numpy all threads, n ${fromN ? "≥ 1e5" : "1e3…1e8"}`],
        ["f64", "C", 1e7, 0.95, "f64 ≥ 0.95× C/OpenMP yardstick, n ≥ 1e7"],
        ["f32", "numpy", 1e6, 1.5, "f32 ≥ 1.5× numpy sdot, n ≥ 1e6"],
      ];
      for (const [precision, baseline, from, floor, what] of targets) {
        const at = ratiosOf(precision, variant, baseline, from);
        if (at !== undefined) judge(`${name} ${what}${source}`, at, floor);
      }
    }
    // dotSync at twice its threshold is judged; the larger n, as timed before 2026-11-27, is shown beside it.
    const [judged, larger] = /** @type {import('./dispatch.js').DispatchRun[]} */ (suites.dispatch?.runs ?? []);
    for (const p of judged?.perThreads ?? []) {
      if (p.targetUs === null) continue;
      const beside = larger?.perThreads.find((q) => q.threads === p.threads);
      const also = beside ? ` (n = ${larger.n}: dotSync ${beside.addedSyncUs.toFixed(2)} µs, pool.dot ${beside.addedAsyncUs.toFixed(2)} µs)` : "";
      items.push({ target: `dispatch on ${p.threads} threads ≤ ${p.targetUs} µs over compute (dotSync, n = ${judged.n})`, measured: `${p.addedSyncUs.toFixed(2)} µs (pool.dot ${p.addedAsyncUs.toFixed(2)} µs)${also}`, holds: p.addedSyncUs <= p.targetUs });
    }
    const seed = suites.seed;
    if (seed) {
      /** @type {import('./seed.js').SeedJob[]} */
      const jobs = seed.jobs;
      const numpy = jobs.find((j) => j.impl === "numpy-all");
      // Judged on the seed's own job only: a smaller one (--seed-n, --seed-count, or n halved for
      // memory) runs in cache or is over in milliseconds, and says nothing of it.
      const seedsOwn = seed.n === SEED_JOB.n && seed.count === SEED_JOB.count;
      for (const [impl, name] of [["pool", "dot, awaited"], ["pool-sync", "dotSync"]]) {
        const target = `seed job: pool(${top}).${name} ≥ 1.0× numpy all threads (${SEED_JOB.count} × n = ${formatN(SEED_JOB.n)})`;
        const job = jobs.find((j) => j.impl === impl && j.threads === top);
        if (!seedsOwn) items.push({ target, measured: `not judged: this run's job was ${seed.count} × n = ${formatN(seed.n)}`, holds: null });
        else if (job?.vsNumpyAll === undefined || numpy === undefined) items.push({ target, measured: "not measured: no numpy rows (skipped or not installed)", holds: null });
        else {
          const spread = job.vsNumpyAll;
          const measured = `${formatTime(job.medianTotalNs)} vs ${formatTime(numpy.medianTotalNs)}: ${ratioAgainst(spread.median, 1)} ${formatBounds(spread)} (in turns, ${seed.rounds} rounds)`;
          items.push({ target, measured, holds: spread.median >= 1 });
        }
      }
    }
    if (top !== cores) this.note(`Targets are judged at ${top} threads; this machine has ${cores}.`);
    const header = ["target (issue 3)", "measured", "holds"];
    const body = items.map((i) => [i.target, i.measured, i.holds === null ? "–" : i.holds ? "yes" : "no"]);
    const left = [true, true, false];
    this.#targets = [`## Issue 3 performance targets on this machine`, "", markdownTable(header, body, left)].join("\n");
    return { text: `Issue 3 performance targets on this machine\n${textTable(header, body, left)}`, items };
  }
  #targets = "";

  /** @param {number} seconds */
  markdown(seconds) {
    const o = this.#options;
    return [
      `# kernelpool benchmark, ${this.#startedAt.toISOString()}`,
      "",
      `\`npm run bench${this.#argv.length ? ` -- ${this.#argv.join(" ")}` : ""}\`: suites ${o.suites.join(", ")}; pool threads ${o.threads.join(", ")}; ${seconds.toFixed(0)} s.`,
      "",
      "```",
      this.#header,
      "```",
      "",
      "Ratios are baseline time / row time: above 1× the row is faster. numpy runs in a child process with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset; \"all threads\" leaves OPENBLAS_NUM_THREADS unset (OpenBLAS threads ddot above ~10k elements; sdot stays single-threaded). The C/OpenMP yardstick is an f64 kernel at every core, timed by its own median of 7 batches.",
      ...(this.#notes.length ? ["", ...this.#notes.map((n) => `- ${n}`)] : []),
      "",
      this.#targets,
      "",
      ...this.#sections.flatMap((s) => [s, ""]),
    ].join("\n");
  }
}
