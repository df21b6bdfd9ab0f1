// Worker loss, traps, process lifetime and leaks: what must hold when things go wrong.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPool, dot, f64, free } from "../dist/index.js";
import { nodePlatform } from "../dist/platform/node.js";
import { availableBytes } from "../dist/arena/arena.js";
import { isHandedOut } from "../dist/arena/arrays.js";
import { INLINE_BYTES, internals } from "../dist/pool/pool.js";
import { CONTROL_BYTES, DONE, FAILED, RANGE_TASKS, rangeWord, stateWord } from "../dist/pool/layout.js";
import { dotPlan } from "../dist/pool/plan.js";
import { busyFor, withClock } from "./support/clock.js";
import { controlOf } from "./support/control.js";
import { withPlatform } from "./support/platform.js";
import { stallingWorkers, untilAsleep } from "./support/stalling-workers.js";
import { dotSyncAsJob } from "./support/sync-job.js";
import { orHung, until } from "./support/until.js";
import { newPoolBudgetMs } from "./support/budget.js";

/** f64 elements at the inline threshold: the shortest awaited f64 call that goes to the workers. */
const INLINE_ELEMENTS = INLINE_BYTES / 8;

/**
 * A job whose every task traps: its blocks lie above 3.75 GiB, past any memory these tests give
 * the arena (arena.test.js grows it to 3 GiB). At 160 MB it is waited for asleep, so the workers
 * run it, not the calling thread.
 */
const trappingPlan = () => dotPlan([{ precision: "f64", x: 0xf000_0000, y: 1024, n: 10_000_000, count: 1, strideX: 0, strideY: 0 }]);

test("a worker terminated mid-call fails that call with an error naming it; the pool replaces it", async () => {
  const pool = await createPool({ threads: 1 });
  const a = f64(30_000_000).fill(1);
  const [before] = pool[internals].rawWorkers();
  const call = pool.dot(a, a);
  await until(() => pool[internals].holdingTasks()[0], "worker 0 holds a task");
  await before.terminate();
  try {
    await call;
    assert.unreachable("the call survived its worker");
  } catch (error) {
    assert.is(error.code, "ERR_KP_WORKER_LOST");
    assert.ok(error.message.includes("worker 0 stopped during this call"), error.message);
  }
  assert.is(await pool.dot(a, a), 30_000_000, "a later call succeeds");
  assert.is.not(pool[internals].rawWorkers()[0], before, "worker 0 was replaced");
  await pool.close();
  free(a);
});

test("a worker lost while idle is replaced, and a job published meanwhile still completes", async () => {
  const pool = await createPool({ threads: 1 });
  const n = 3_000_000; // 48 MB: waited for asleep, so the worker alone runs it
  assert.is(newPoolBudgetMs(2 * 8 * n, 1), 0);
  const a = f64(n).fill(2);
  const [before] = pool[internals].rawWorkers();
  await before.terminate(); // the only worker: the job below waits for its replacement
  assert.is(await pool.dot(a, a), 4 * n);
  await pool.close();
  free(a);
});

test("a worker lost as it looked for work, marked busy but holding nothing, fails no job", async () => {
  // A worker marks itself busy (STATE 1) before it claims. Killed between the two, it left the
  // running job failed though it held none of its tasks (11 of 80 kills timed for that moment,
  // at 4 threads, one job published after the worker died). Here the last worker's first start
  // stalls there for good: its first pass found nothing, and it never claims from the job below.
  for (const threads of [1, 2]) {
    const victim = threads - 1;
    let starts = 0;
    const stalled = stallingWorkers((index) => ({ stallMs: index === victim && ++starts === 1 ? 60_000 : 0 }));
    let pool;
    await withPlatform({ startWorker: stalled }, async () => (pool = await createPool({ threads })));
    const dispatcher = pool[internals];
    await until(() => dispatcher.holdingTasks()[victim], "the worker marked busy");
    const n = 10_000_000; // 160 MB: waited for asleep, so the workers run it
    assert.is(newPoolBudgetMs(2 * 8 * n, threads), 0);
    const a = f64(n).fill(2);
    const call = pool.dot(a, a).catch((e) => e.code);
    await dispatcher.rawWorkers()[victim].terminate();
    assert.is(await orHung(call), 4 * n, `${threads} threads`);
    await until(() => dispatcher.rawWorkers()[victim] !== undefined, "the lost worker replaced");
    assert.is(await orHung(pool.dot(a, a)), 4 * n, `${threads} threads: the call after`);
    await pool.destroy();
    free(a);
  }
});

test("a worker lost after it opened its group's second range, whose owner slept, fails the job rather than leave the range unclaimed", async () => {
  // 4 threads: ranges 2 and 3 are a group, and the first claim on range 2 opens range 3. The
  // worker that makes it waits 300 ms before the open, while the others end everything else and
  // sleep, and then holds its task until it is killed; no replacement starts. Waiting for the job
  // to come up short, the pool waited for good: nobody was left to look at range 3.
  let starts = 0;
  const opening = stallingWorkers(() => ({ stallOpen: { range: 3, beforeMs: 300, afterMs: 60_000 } }), () => ++starts > 4);
  let pool;
  await withPlatform({ startWorker: opening }, async () => (pool = await createPool({ threads: 4 })));
  const dispatcher = pool[internals];
  const ctrl = controlOf(dispatcher);
  const n = 12_000_000; // 192 MB: waited for asleep, so the caller claims nothing
  assert.is(newPoolBudgetMs(2 * 8 * n, 4), 0);
  const a = f64(n).fill(1);
  const call = pool.dot(a, a).catch((e) => e.code);
  await until(() => Atomics.load(ctrl, rangeWord(3)) > 0, "range 3 opened");
  const opener = dispatcher.holdingTasks().indexOf(true);
  assert.ok(opener >= 0, "the opener holds its task");
  await dispatcher.rawWorkers()[opener].terminate();
  assert.is(await orHung(call), "ERR_KP_WORKER_LOST");
  assert.is(await orHung(pool.close()), undefined);
  free(a);
});

test("a replacement whose start is abandoned never touched the control block: the call ends on the calling thread, and close() ends", async () => {
  // The stall limit may abandon a start just as its worker says it is ready. A worker used to
  // claim before the host heard that: never seated, it reported no loss, so its STATE stayed 1
  // and its task was never counted, or its trap never answered, and the call and close() waited
  // for good. Now it waits to be admitted. The test holds the event loop, so that its "ready" is
  // not heard, for a second in which a worker of the old code would have claimed, then abandons
  // the start. (A replacement slower than that to start passes without being tested.)
  const n = 12_000_000;
  const a = f64(n).fill(1);
  let starts = 0;
  let abandonReplacement;
  const startWorker = (init, abandon) => {
    if (++starts === 1) return nodePlatform.startWorker(init, abandon);
    const mine = new AbortController();
    abandon.addEventListener("abort", () => mine.abort(abandon.reason));
    abandonReplacement = () => mine.abort(new Error("the start stalled"));
    return nodePlatform.startWorker(init, mine.signal);
  };
  let pool;
  await withPlatform({ startWorker }, async () => (pool = await createPool({ threads: 1 })));
  const dispatcher = pool[internals];
  const ctrl = controlOf(dispatcher);
  await dispatcher.rawWorkers()[0].terminate(); // lost while idle: its replacement starts
  await until(() => abandonReplacement !== undefined, "the replacement began to start");
  const call = pool.dot(a, a).catch((e) => e.code); // published while the replacement loads
  const touched = () => Atomics.load(ctrl, stateWord(0)) !== 0 || Atomics.load(ctrl, DONE) !== 0;
  for (const end = performance.now() + 1000; !touched() && performance.now() < end; );
  assert.not.ok(touched(), "the replacement claimed before it was admitted");
  abandonReplacement();
  assert.is(await orHung(call), n); // no worker is seated, so the calling thread computes it
  assert.is(Atomics.load(ctrl, stateWord(0)), 0, "the slot is not left busy");
  assert.is(await orHung(pool.close()), undefined, "close()");
  free(a);
});

test("with every worker lost and no replacement able to start, later calls run on the calling thread, and close() ends", async () => {
  for (const [threads, lost] of [[1, 1], [2, 2], [3, 2]]) {
    // The first `threads` starts succeed; each replacement fails, as a thread the OS refuses.
    let starts = 0;
    const refusing = (init, abandon) => (++starts <= threads ? nodePlatform.startWorker(init, abandon) : Promise.reject(new Error("no thread for you")));
    await withPlatform({ startWorker: refusing }, async () => {
      const pool = await createPool({ threads });
      const dispatcher = pool[internals];
      for (const worker of dispatcher.rawWorkers().slice(0, lost)) await worker.terminate();
      await until(() => starts === threads + lost && dispatcher.rawWorkers().filter(Boolean).length === threads - lost, "the replacements failed");
      // Long enough to be left to the workers (newPoolBudgetMs), where the caller slept for good.
      const n = 10_000_000;
      assert.is(newPoolBudgetMs(2 * 8 * n, threads), 0);
      const a = f64(n).fill(1);
      const b = f64(n).fill(3);
      const label = `${threads} threads, ${lost} lost`;
      assert.is(await orHung(pool.dot(a, b)), dot(a, b), label);
      assert.equal(await orHung(pool.dotBatch([[a, b], [b, b]]).then(Array.from)), [dot(a, b), dot(b, b)], label);
      assert.is(pool.dotSync(a, b), dot(a, b), label);
      const range = await orHung(pool.arange(n));
      assert.is(range[n - 1], n - 1, label);
      assert.is(await orHung(pool.close()), undefined, `${label}: close()`);
      free(a), free(b), free(range);
    });
  }
});

test("while every worker is lost and their replacements are still starting, the calling thread computes the calls", async () => {
  // As a worker script that a server has stopped serving: its replacement's start never ends
  // until the test lets it.
  for (const threads of [1, 2]) {
    let starts = 0;
    let letStart;
    const gate = new Promise((resolve) => (letStart = resolve));
    const stalling = (init, abandon) => (++starts <= threads ? nodePlatform.startWorker(init, abandon) : gate.then(() => nodePlatform.startWorker(init, abandon)));
    await withPlatform({ startWorker: stalling }, async () => {
      const pool = await createPool({ threads });
      const dispatcher = pool[internals];
      for (const worker of dispatcher.rawWorkers()) await worker.terminate();
      await until(() => starts === 2 * threads, "the replacements began to start");
      const n = 10_000_000; // left to the workers (newPoolBudgetMs), where the caller slept for good
      assert.is(newPoolBudgetMs(2 * 8 * n, threads), 0);
      const a = f64(n).fill(1);
      const b = f64(n).fill(3);
      assert.is(await orHung(pool.dot(a, b)), dot(a, b), `${threads} threads`);
      assert.equal(await orHung(pool.dotBatch([[a, b], [b, b]]).then(Array.from)), [dot(a, b), dot(b, b)], `${threads} threads`);
      letStart();
      await until(() => dispatcher.rawWorkers().every(Boolean), "the replacements started");
      assert.is(await orHung(pool.dot(a, b)), dot(a, b), `${threads} threads, replaced`);
      assert.is(await orHung(pool.close()), undefined, `${threads} threads: close()`);
      free(a), free(b);
    });
  }
});

test("close() and destroy() abandon a replacement still starting rather than wait for its start to end", async () => {
  // As a worker script that a server has stopped serving: the replacement's start ends only when
  // the pool abandons it.
  for (const stop of ["close", "destroy"]) {
    let starts = 0;
    let replacement;
    const hanging = (init, abandon) => {
      if (++starts === 1) return nodePlatform.startWorker(init, abandon);
      replacement = new Promise((resolve, reject) => abandon?.addEventListener("abort", () => reject(abandon.reason)));
      return replacement;
    };
    await withPlatform({ startWorker: hanging }, async () => {
      const pool = await createPool({ threads: 1 });
      await pool[internals].rawWorkers()[0].terminate();
      await until(() => starts === 2, "the replacement began to start");
      assert.is(await orHung(pool[stop]()), undefined, `${stop}() ended`);
      assert.is(await replacement.catch((error) => error.name), "AbortError", `${stop}() abandoned the start`);
    });
  }
});

test("worker starts that stall fail once none has begun or ended for startStallMs: createPool rejects; a stalled replacement leaves the pool working", async () => {
  // As a module worker whose script a server never sends: the start ends only when abandoned.
  const stallMs = 300;
  let abandoned = 0;
  const hangingAfter = (good) => {
    let starts = 0;
    return (init, abandon) => {
      if (++starts <= good) return nodePlatform.startWorker(init, abandon);
      return new Promise((_, reject) => abandon.addEventListener("abort", () => (abandoned++, reject(abandon.reason)), { once: true }));
    };
  };
  // No real start beside it: on a loaded machine one could take longer than the limit itself.
  await withPlatform({ startWorker: hangingAfter(0), startStallMs: stallMs }, async () => {
    const started = performance.now();
    try {
      await orHung(createPool({ threads: 1 }), 10_000);
      assert.unreachable("createPool resolved with a worker that never started");
    } catch (error) {
      assert.is(error.code, "ERR_KP_WORKER_START");
      assert.match(error.message, /worker 0 failed to start: no worker began or finished starting for 0\.3 s/);
    }
    // Node's timers count from the loop's time in whole ms: one may run a fraction of a ms early.
    assert.ok(performance.now() - started >= stallMs - 5, "not before the stall limit");
    assert.is(abandoned, 1, "the stalled start was abandoned");
  });
  abandoned = 0;
  // A real worker starts first here: a limit a loaded machine's start cannot outlast.
  await withPlatform({ startWorker: hangingAfter(1), startStallMs: 2000 }, async () => {
    const pool = await createPool({ threads: 1 });
    const n = 3_000_000; // waited for asleep: with no worker seated, the calling thread computes it
    const a = f64(n).fill(2);
    await pool[internals].rawWorkers()[0].terminate();
    await until(() => abandoned === 1, "the stalled replacement was abandoned", 10_000);
    assert.is(await orHung(pool.dot(a, a)), 4 * n);
    assert.is(await orHung(pool.close()), undefined);
    free(a);
  });
});

test("an event loop held up past startStallMs fails no start that ended meanwhile", async () => {
  // The timer then runs before the workers' "ready" messages are heard: it abandoned both starts,
  // and Node seated the abandoned workers anyway, to lose and replace them at once. Held up 1.3
  // times the limit, a check for a late timer still failed them; 3 times, it let them be.
  const stallMs = 300;
  for (const heldFor of [1.3 * stallMs, 3 * stallMs]) {
    let starts = 0;
    let abandoned = 0;
    const counting = (init, abandon) => {
      if (++starts === 1) setTimeout(() => setImmediate(() => busyFor(heldFor)), 20);
      abandon.addEventListener("abort", () => abandoned++, { once: true });
      return nodePlatform.startWorker(init, abandon);
    };
    await withPlatform({ startWorker: counting, startStallMs: stallMs }, async () => {
      const pool = await orHung(createPool({ threads: 2 }));
      assert.is(pool.threads, 2, `held up ${heldFor} ms: createPool resolved`);
      await new Promise((resolve) => setTimeout(resolve, 2 * stallMs));
      assert.is(abandoned, 0, "no start was abandoned");
      assert.is(starts, 2, "no worker was replaced");
      assert.ok(pool[internals].rawWorkers().every((worker) => worker !== undefined), "both seated");
      await pool.close();
    });
  }
});

test("a real worker abandoned while it starts ends without being seated", async () => {
  // The pool is destroyed in the same turn as its replacement starts, long before the thread is ready.
  let starts = 0;
  let replacement;
  let pool;
  let initOfReplacement;
  const destroyingAtOnce = (init, abandon) => {
    const start = nodePlatform.startWorker(init, abandon);
    if (++starts === 2) {
      replacement = start.then(() => "seated", (error) => error.name);
      initOfReplacement = init;
      queueMicrotask(() => void pool.destroy());
    }
    return start;
  };
  await withPlatform({ startWorker: destroyingAtOnce }, async () => {
    pool = await createPool({ threads: 1 });
    await pool[internals].rawWorkers()[0].terminate();
    await until(() => starts === 2, "the replacement began to start");
    assert.is(await orHung(pool.destroy()), undefined);
    assert.is(await replacement, "AbortError");
    const abandoned = nodePlatform.startWorker(initOfReplacement, AbortSignal.abort());
    assert.is(await abandoned.catch((error) => error.name), "AbortError", "a start abandoned before it begins");
  });
});

test("a caller asleep on a job wakes and computes it when the last worker is lost before claiming any of it", async () => {
  // The worker stalls as its range opens, before it claims; it is then terminated, and its
  // replacement refused: nothing but the caller is left to compute the job.
  let starts = 0;
  const startWorker = stallingWorkers(() => ({ stallMs: 60_000, stallWord: rangeWord(0), whenPositive: true }), () => ++starts > 1);
  await withPlatform({ startWorker }, async () => {
    const pool = await createPool({ threads: 1 });
    const n = 10_000_000;
    assert.is(newPoolBudgetMs(2 * 8 * n, 1), 0, "the caller sleeps at once");
    const a = f64(n).fill(1);
    const b = f64(n).fill(3);
    await untilAsleep(pool[internals]);
    const call = pool.dot(a, b);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.not.ok(pool[internals].holdingTasks()[0], "the worker claimed nothing");
    await pool[internals].rawWorkers()[0].terminate();
    assert.is(await orHung(call), dot(a, b));
    assert.is(await orHung(pool.close()), undefined);
    free(a), free(b);
  });
});

test("a kernel that traps in a worker fails its call with the trap as cause; later calls succeed", async () => {
  const pool = await createPool({ threads: 1 });
  const [before] = pool[internals].rawWorkers();
  const beyondMemory = { precision: "f64", x: 0xfffff000, y: 1024, n: 8192, count: 1, strideX: 0, strideY: 0 };
  const trapping = trappingPlan();
  assert.is(newPoolBudgetMs(trapping.bytes, 1), 0);
  const error = await new Promise((resolve) => pool[internals].runAsync(trapping, "a test job", () => resolve(undefined), resolve));
  assert.is(error?.code, "ERR_KP_WORKER_LOST");
  assert.ok(error.message.includes("worker 0 stopped during this call (RuntimeError: memory access out of bounds)"), error.message);
  const long = f64(3_000_000).fill(1); // waited for asleep too: the replacement computes it
  assert.is(newPoolBudgetMs(2 * 8 * long.length, 1), 0);
  assert.is(await pool.dot(long, long), 3_000_000);
  assert.is.not(pool[internals].rawWorkers()[0], before, "worker 0 was replaced");
  free(long);
  const a = f64(3 * INLINE_ELEMENTS).fill(1);
  assert.is(await pool.dot(a, a), 3 * INLINE_ELEMENTS);
  assert.throws(() => pool[internals].runSync(dotPlan([beyondMemory])), (e) => e instanceof WebAssembly.RuntimeError || e.code === "ERR_KP_WORKER_LOST");
  // On one thread a blocking call never publishes a job (waking.ts), so the job after the trap is
  // an awaited one: a trap that left the ranges closed would leave it waiting for good.
  const jobs = pool[internals].jobs;
  assert.is(await orHung(pool.dot(a, a)), 3 * INLINE_ELEMENTS, "a job after a blocking trap");
  assert.is(pool[internals].jobs, jobs + 1, "published");
  assert.is(await dotSyncAsJob(pool, a, a), 3 * INLINE_ELEMENTS, "a blocking call after it");
  await pool.close();
  free(a);
});

test("a replacement that says it is ready and exits while the event loop is held is reported lost: the call ends, and the slot is filled again", async () => {
  // Node then hands over its "ready" and its exit in one go, before the pool listens for its
  // loss: the loss went unheard, and the dead worker kept its slot, so that a job left to the
  // workers, and every later one, waited for good.
  let starts = 0;
  const exiting = new Int32Array(new SharedArrayBuffer(4)); // set as the replacement exits
  const startWorker = stallingWorkers(() => ({ exitWhenReady: ++starts === 2 ? exiting.buffer : undefined }));
  let pool;
  await withPlatform({ startWorker }, async () => (pool = await createPool({ threads: 1 })));
  try {
    const dispatcher = pool[internals];
    await dispatcher.rawWorkers()[0].terminate(); // lost while idle: the exiting replacement starts
    await until(() => starts === 2, "the replacement began to start");
    for (const end = performance.now() + 10_000; Atomics.load(exiting, 0) === 0 && performance.now() < end; );
    assert.is(Atomics.load(exiting, 0), 1, "the replacement said it was ready and exited while the loop was held");
    busyFor(100); // for its exit to land
    await until(() => starts === 3 && dispatcher.rawWorkers()[0] !== undefined, "a third worker seated");
    const a = f64(3_000_000).fill(1); // waited for asleep: a worker computes it
    assert.is(await orHung(pool.dot(a, a)), 3_000_000, "a call after it");
    free(a);
  } finally {
    await pool.destroy();
  }
});

test("a trap while the host polls for a short job fails that call; the pool goes on", async () => {
  const pool = await createPool({ threads: 2 });
  const beyondMemory = { precision: "f64", x: 0xfffff000, y: 1024, n: 8192, count: 1, strideX: 0, strideY: 0 };
  const plan = dotPlan([beyondMemory]);
  assert.ok(newPoolBudgetMs(plan.bytes, 2) > 0, "the job is short enough to be polled for");
  const error = await new Promise((resolve) => pool[internals].runAsync(plan, "a test job", () => resolve(undefined), resolve));
  // The polling host runs tasks too: the trap is its own (a RuntimeError) or a worker's.
  assert.ok(error instanceof WebAssembly.RuntimeError || error?.code === "ERR_KP_WORKER_LOST", String(error));
  const a = f64(2 * INLINE_ELEMENTS).fill(1);
  assert.is(await pool.dot(a, a), 2 * INLINE_ELEMENTS);
  await pool.close();
  free(a);
});

test("when both workers trap in one job, no late count reaches the next job: each next call has its own bits", async () => {
  const pool = await createPool({ threads: 2 });
  const dispatcher = pool[internals];
  const trapping = trappingPlan(); // each worker claims and traps
  assert.is(newPoolBudgetMs(trapping.bytes, 2), 0);
  const n = 2 * INLINE_ELEMENTS;
  const a = f64(n), b = f64(n);
  for (let round = 1; round <= 8; round++) {
    for (let i = 0; i < n; i++) (a[i] = round + (i % 7)), (b[i] = 1 / (i + round));
    // While no worker is seated the caller computes the job itself, and traps alone.
    await until(() => dispatcher.rawWorkers().every(Boolean), "the last round's replacements are seated");
    const error = await new Promise((resolve) => dispatcher.runAsync(trapping, "a test job", () => resolve(undefined), resolve));
    assert.is(error?.code, "ERR_KP_WORKER_LOST", `round ${round}`);
    // A count from the second trap landing in this job would end it before its tasks ran:
    // stale partials, the last round's sum. Left to itself the window is nanoseconds wide; with
    // delays injected into worker-loop.js (worker 0 traps 1 ms late, worker 1 waits 30 ms
    // between clearing STATE and counting) the old order failed this in every run, and the
    // present one passed.
    assert.is(await pool.dot(a, b), dot(a, b), `round ${round}`);
  }
  await pool.close();
  free(a), free(b);
});

test("a job whose task table does not fit in the arena fails alone, naming that table; the calls queued behind it run", async () => {
  const pool = await createPool({ threads: 2 }); // a fresh pool: its task table is allocated by its first job
  const a = f64(INLINE_ELEMENTS + 1).fill(1);
  // Take every block the arena can still give, down to 64 bytes: then no task table (4 KiB at
  // least) fits. Untouched pages of the grown memory cost address space, not RAM.
  const fillers = [];
  for (let bytes = 2 ** 28; bytes >= 64; ) {
    try {
      fillers.push(f64(bytes / 8));
    } catch {
      bytes /= 2;
    }
  }
  const named = (purpose) => (e) => `${e.code}${e.message.includes(` in the arena for ${purpose}: `) ? ", named" : ""}`;
  const taskTable = named("the task table and partial sums of this call (kept by the pool for its later calls)");
  const first = pool.dot(a, a).then(() => "resolved", taskTable);
  const second = pool.dot(a, a).then(() => "resolved", taskTable);
  const copy = pool.dotBatch([[a, new Float64Array(a.length)], [a, a]]).then(() => "resolved", named("a copy of pool.dotBatch(pairs): pairs[0]: b, which is not in the arena"));
  // Bounded: a pool wedged on the failed publish would leave the second call queued forever.
  assert.equal(await orHung(Promise.all([first, second, copy])), Array(3).fill("ERR_KP_OUT_OF_MEMORY, named"));
  fillers.forEach(free);
  // Not wedged: the next call is published and completes.
  assert.is(await pool.dot(a, a), INLINE_ELEMENTS + 1);
  await pool.close();
  free(a);
});

test("idle workers do not keep the process alive", () => {
  const script = `const { createPool, f64 } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
    const pool = await createPool({ threads: 2 });
    const a = f64(100000).fill(1);
    console.log(String(await pool.dot(a, a)), String(pool.dotSync(a, a)));`;
  const dir = mkdtempSync(join(tmpdir(), "kernelpool-"));
  const file = join(dir, "idle.mjs");
  writeFileSync(file, script);
  const child = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 20_000 });
  rmSync(dir, { recursive: true });
  assert.is(child.signal, null, "the process ended by itself");
  assert.is(child.status, 0, child.stderr);
  assert.is(child.stdout.trim(), "100000 100000");
});

test("a pending call keeps the process alive until it settles", () => {
  // Nothing awaits the call: the module ends with it pending, and only the pool holds the process.
  // 6e7 elements: with the hold taken out, a call of 2e7 still settled before the process ended
  // in 2 runs of 15 (the test passed on the broken build); 6e7 settled in none of 15.
  const script = `const { createPool, f64 } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
    const pool = await createPool({ threads: 2 });
    const a = f64(60_000_000).fill(1);
    void pool.dot(a, a).then((sum) => console.log("settled " + sum));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
  assert.is(child.signal, null, "the process ended by itself");
  assert.is(child.status, 0, child.stderr);
  assert.is(child.stdout.trim(), "settled 60000000");
});

test("a job still ends when a range's owner was lost and not replaced: the other workers look through every range", async () => {
  // Worker 2 is lost for good. arange(131072) then makes 2 tasks, in ranges 1 and 2 (range 0, the
  // caller's, is empty). The caller takes range 1's task in its first slice; a clock that jumps a
  // second at every read ends that slice after one task and its poll budget at once, so the
  // caller leaves the rest to the workers and sleeps. The workers stall at their EPOCH read, so
  // the job is published while they are between their claims and their wait. At 486a7b1 a
  // worker read EPOCH only after all its claims, took this job's epoch as seen and slept with
  // range 2's task unclaimed: the call never settled.
  const starts = [0, 0, 0];
  const startWorker = stallingWorkers(() => ({ stallMs: 20 }), (init) => ++starts[init.index] > 1 && init.index === 2);
  await withPlatform({ startWorker }, async () => {
    const pool = await createPool({ threads: 3 });
    const dispatcher = pool[internals];
    const big = f64(8_000_000).fill(1); // long enough to be left to the workers, the caller asleep
    try {
      await dispatcher.rawWorkers()[2].terminate();
      await until(() => dispatcher.rawWorkers()[2] === undefined && starts[2] === 2, "worker 2 is lost and refused");
      assert.is(newPoolBudgetMs(2 * big.byteLength, 3), 0);
      for (let round = 0; round < 3; round++) {
        assert.is(await pool.dot(big, big), 8_000_000);
        const callerTasks = dispatcher.callerTasks;
        const real = performance.now.bind(performance);
        let reads = 0;
        let filling;
        await withClock(() => real() + 1000 * reads++, () => void (filling = pool.arange(131072)));
        assert.is(dispatcher.callerTasks - callerTasks, 1, `round ${round}: the caller took one task, then left the job`);
        const filled = await orHung(filling);
        assert.ok(filled !== "hung", `round ${round}: arange never settled`);
        assert.equal([filled[0], filled[65536], filled[131071]], [0, 65536, 131071]);
        free(filled);
      }
    } finally {
      // Also after a failure: a job left hanging would hold the process open.
      await pool.destroy();
      free(big);
    }
  });
});

test("a blocking call ends when a group opens after the caller's pass and its opener's kernel traps", async () => {
  // The scenario is in support/blocking-trap.js, in a thread of its own: a blocking call that
  // never returned would hang the thread it runs on. Without the caller's second look through
  // the ranges while it waits (dispatcher.ts, runSync), range 3's tasks were never claimed.
  const host = new Worker(new URL("./support/blocking-trap.js", import.meta.url), { execArgv: [] });
  try {
    const thrown = await orHung(new Promise((resolve, reject) => host.once("message", resolve).once("error", reject)));
    assert.equal(thrown, Array(6).fill("RuntimeError"), "each call ends, with the caller's own trap");
  } finally {
    await host.terminate();
  }
});

test("an arange whose fill fails hands out no array, so free() of it is refused", async () => {
  // The array is caught as it is made (a replaced global Float64Array, restored at once), since
  // the failed call never returns it. Handed out before its fill, free() took it after the
  // failure and so freed whatever block then started at its address.
  const pool = await createPool({ threads: 1 });
  const Real = Float64Array;
  let made;
  globalThis.Float64Array = class extends Real {
    constructor(...args) {
      super(...args);
      if (args.length === 3 && args[2] === 20_000_000) made = this;
    }
  };
  let call;
  try {
    call = pool.arange(20_000_000).then(() => "resolved", (e) => e.code);
  } finally {
    globalThis.Float64Array = Real;
  }
  await pool.destroy();
  assert.is(await call, "ERR_KP_POOL_CLOSED");
  assert.ok(made !== undefined, "the array was made");
  assert.not.ok(isHandedOut(made), "free() would take it, whoever owns its block next");
  assert.throws(() => free(made), (e) => e.code === "ERR_KP_NOT_ARENA");
});

test("a caller asleep on a job that is destroyed, or fails with its worker, is woken: a later pool reusing the memory gets its calls", async () => {
  // The awaited call sleeps in Atomics.waitAsync on DONE (a job too long to poll). Before, that
  // wait outlived the job; the next pool's control block, 128 bytes on (the freed one's first
  // block taken by an array), put its EPOCH there, and its counted notify woke the stale waiter
  // rather than its worker: its call never settled.
  const a = f64(8_000_000).fill(1);
  const long = f64(4 * a.length).fill(1);
  assert.is(newPoolBudgetMs(2 * a.byteLength, 1), 0, "the call sleeps");
  // A worker that stalls once it sees its range open, so that the destroyed job cannot end first.
  const stalled = stallingWorkers((index) => ({ stallMs: 60_000, stallWord: rangeWord(index), whenPositive: true }));
  const ends = [
    ["destroyed", stalled, (pool) => pool.destroy(), ["ERR_KP_POOL_CLOSED"]],
    // Killed as it computes (a job of 30 ms or so), unless between two tasks or done: the job
    // fails, or the worker or its replacement ends it.
    ["lost its worker, then closed", nodePlatform.startWorker, async (pool) => {
      await pool[internals].rawWorkers()[0].terminate();
      await until(() => !pool[internals].busy, "the job ended");
      await pool.close();
    }, ["ERR_KP_WORKER_LOST", long.length]],
  ];
  for (const [how, startWorker, end, outcomes] of ends) {
    let first;
    await withPlatform({ startWorker }, async () => (first = await createPool({ threads: 1 })));
    const x = how === "destroyed" ? a : long;
    await untilAsleep(first[internals]); // else the stalled worker may end the job unstalled (8 runs in 20 on a loaded machine)
    const call = first.dot(x, x).catch((e) => e.code);
    // The caller sleeps on DONE as soon as dot() returns: the job is too long to poll for. The
    // stalled job cannot end; the other may, on a loaded machine, before the kill (then it counts).
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (how === "destroyed") assert.ok(first[internals].busy, "destroyed: the job still runs");
    await end(first);
    const outcome = await call;
    assert.ok(outcomes.includes(outcome), `${how}: ${outcome}`);
    const filler = f64(10); // takes the freed control block's first 128 bytes
    const second = await createPool({ threads: 1 });
    // Its worker sleeps on EPOCH, where the stale waiter would take its wake. (untilAsleep would
    // wake the stale waiter too, and so hide the fault.)
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.is(await orHung(second.dot(a, a), 5000), a.length, how);
    await second.close();
    free(filler);
  }
  free(a), free(long);
});

test("an awaited call whose caller opens a group late and then stops computing still ends", async () => {
  // 3 tasks on 4 threads: range 1 holds task 0 (a product of one element), range 2 (leader of
  // {2, 3}) task 1, range 3 task 2. Worker 2 stalls 5 ms when it finds its range open, workers 1
  // and 3 stall 5 ms between their home range and the others, worker 0 10 ms, so it sleeps last
  // and a job's wake-up (3 workers for 3 tasks) leaves it asleep on EPOCH. The polling caller so
  // claims task 1 first, and naps 20 ms before it opens range 3, as a descheduled thread would:
  // by then every worker has looked through the ranges and slept, and the caller's poll budget
  // is spent. Without the EPOCH bump when it stops computing (#lookAgain), range 3's task waited
  // for good: the caller gave worker 0 its seat back, but worker 0 slept on EPOCH.
  const stalls = [{ stallMs: 10 }, { stallMs: 5 }, { stallMs: 5, stallWord: rangeWord(2), whenPositive: true }, { stallMs: 5 }];
  await withPlatform({ startWorker: stallingWorkers((index) => stalls[index]) }, async () => {
    const pool = await createPool({ threads: 4 });
    const dispatcher = pool[internals];
    const a = f64(4096).fill(1);
    const product = (n, count = 1) => ({ precision: "f64", x: a.byteOffset, y: a.byteOffset, n, count, strideX: 0, strideY: 0 });
    const run = (plan) => new Promise((resolve, reject) => dispatcher.runAsync(plan, "a test job", (partials) => resolve([...partials]), reject));
    const leaderTasks = rangeWord(2) + RANGE_TASKS;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const { load } = Atomics;
    let armed = false;
    let napped = 0;
    Atomics.load = (array, index) => {
      if (armed && index === leaderTasks && array.length === CONTROL_BYTES / 4) {
        armed = false;
        napped++;
        Atomics.wait(nap, 0, 0, 20);
      }
      return load(array, index);
    };
    try {
      // A job too long to poll, so every worker runs and sleeps in the order the stalls set.
      const long = dotPlan([product(4096, 2500)]);
      assert.is(newPoolBudgetMs(long.bytes, 4), 0);
      await run(long);
      // Its bytes raised so the caller polls for ~1 ms: it reaches task 1 whatever its turns take.
      const short = () => {
        const plan = dotPlan([product(1), product(4096), product(4096)]);
        return { partials: plan.partials, maxTasks: plan.maxTasks, bytes: 144e6, emit: (...args) => plan.emit(...args), touches: (start, end) => plan.touches(start, end), keepable: false, sameTasks: () => false, cap: (...args) => plan.cap(...args) };
      };
      assert.ok(newPoolBudgetMs(short().bytes, 4) > 0.9, "the caller computes a share");
      // Three rounds, and on until the caller has opened the group in one, 20 at most.
      for (let round = 0; round < 20 && (round < 3 || napped === 0); round++) {
        await new Promise((resolve) => setTimeout(resolve, 30)); // every worker asleep, worker 0 last
        armed = true;
        assert.equal(await orHung(run(short()), 3000), [1, 4096, 4096], `round ${round}`);
      }
    } finally {
      Atomics.load = load;
      await pool.destroy();
      free(a);
    }
    // Every round ends (above); the scenario needs the caller to reach the leader's task first,
    // which a worker the VM runs early can take instead (CI, 2026-11-27: 2 rounds of 3 missed).
    assert.ok(napped > 0, "the caller opened the group in some round");
  });
});

test("a worker that fails to start fails createPool with ERR_KP_WORKER_START, and the others end", async () => {
  // Worker 1 gets no module, so its instantiation throws in the thread: the real failure path
  // (the thread exits before it says ready), not a stub.
  // Worker 0 starts alongside: it is ready first, or is abandoned while starting once worker 1 fails.
  let worker0 = "starting";
  const secondBroken = (init, abandon) => {
    const start = nodePlatform.startWorker(init.index === 1 ? { ...init, module: null } : init, abandon);
    if (init.index === 0) {
      start.then(
        (handle) => {
          worker0 = "started";
          void handle.exited.then(() => (worker0 = "started, then ended"));
        },
        (error) => (worker0 = error === abandon.reason ? "abandoned, and ended" : error),
      );
    }
    return start;
  };
  let error;
  await withPlatform({ startWorker: secondBroken }, async () => {
    error = await createPool({ threads: 2 }).then(() => undefined, (e) => e);
  });
  assert.is(error?.code, "ERR_KP_WORKER_START");
  assert.match(error.message, /worker 1 failed to start/);
  // By the time createPool rejects, worker 0 has ended: a worker left starting would write into
  // the control block after the failed pool gave it back.
  await Promise.resolve();
  assert.ok(["started, then ended", "abandoned, and ended"].includes(worker0), `worker 0: ${worker0}`);
  const pool = await createPool({ threads: 2 }); // and a pool can still be made
  assert.is(await pool.dot(f64(INLINE_ELEMENTS).fill(1), f64(INLINE_ELEMENTS).fill(1)), INLINE_ELEMENTS);
  await pool.close();
});

test("a thread Node refuses at once (new Worker throws) fails createPool with ERR_KP_WORKER_START, not Node's own error", () => {
  // Past the process's thread limit, Node's Worker constructor throws ERR_WORKER_INIT_FAILED
  // (EAGAIN) before any event. Faked here for the first thread only, so the next createPool works.
  const refuseFirst = `import wt from "node:worker_threads"; import { syncBuiltinESMExports } from "node:module";
    const Real = wt.Worker; let made = 0;
    wt.Worker = class extends Real { constructor(...args) {
      if (made++ === 0) throw Object.assign(new Error("Initialization failed: EAGAIN"), { code: "ERR_WORKER_INIT_FAILED" });
      super(...args); } };
    syncBuiltinESMExports();`;
  const script = `const { createPool } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
    const error = await createPool({ threads: 2 }).then(() => undefined, (e) => e);
    console.log(JSON.stringify({ code: error?.code, message: error?.message, cause: error?.cause?.code }));
    const pool = await createPool({ threads: 2 });
    console.log(JSON.stringify({ threads: pool.threads }));
    await pool.close();`;
  const run = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(refuseFirst)}`, "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.is(run.status, 0, run.stderr);
  const [refused, next] = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(refused, { code: "ERR_KP_WORKER_START", message: "kernelpool: worker 0 failed to start: Initialization failed: EAGAIN", cause: "ERR_WORKER_INIT_FAILED" });
  assert.equal(next, { threads: 2 }, "a later createPool works");
});

test("an unexpected error while an awaited call waits fails that call, not the pool", async () => {
  // Nothing in the wait is known to throw; a platform whose turns fail stands in for whatever
  // might. Before, the error escaped unhandled, the call never settled and the pool was wedged.
  // One worker, which sits out while the caller polls: the caller computes the whole 32 MB job in
  // slices, taking a turn between them. A stall of the caller past its poll budget (under 1 ms)
  // hands the job to the worker with no turn taken (CI: 1 run in ~10), so such a call resolves:
  // up to five calls, each settled, and one must fail.
  const pool = await createPool({ threads: 1 });
  const a = f64(2_000_000).fill(1); // polled: expected 0.4 ms on one thread
  const failing = () => Promise.reject(new Error("no turn today"));
  const outcomes = [];
  await withPlatform({ nextTurn: failing }, async () => {
    while (outcomes.length < 5 && !outcomes.includes("no turn today") && !outcomes.includes("hung")) {
      outcomes.push(await orHung(pool.dot(a, a).then((value) => value, (e) => e.message)));
    }
  });
  assert.ok(outcomes.includes("no turn today"), `outcomes: ${outcomes.join()}`);
  assert.ok(outcomes.every((o) => o === "no turn today" || o === a.length), `outcomes: ${outcomes.join()}`);
  assert.is(await pool.dot(a, a), a.length, "the pool goes on");
  assert.is(await dotSyncAsJob(pool, a, a), a.length);
  await pool.close();
  free(a);
});

test("a million small calls and 100 000 jobs leak neither heap nor arena memory", async () => {
  const pool = await createPool({ threads: 2 });
  const dispatcher = pool[internals];
  const small = f64(1000).fill(0.5); // inline
  const edge = f64(INLINE_ELEMENTS).fill(0.5); // the shortest job: each call goes to the dispatcher
  const outside = new Float64Array(INLINE_ELEMENTS + 7).fill(0.25); // staged (copied) on every call
  const round = async () => {
    for (let i = 0; i < 1000; i++) {
      const calls = [];
      for (let k = 0; k < 1000; k++) calls.push(pool.dot(small, small));
      for (let k = 0; k < 100; k++) calls.push(pool.dot(edge, edge));
      if (i % 10 === 0) calls.push(pool.dot(outside, outside), pool.dotBatch([[outside, outside]]));
      pool.dotSync(small, small);
      await Promise.all(calls);
    }
  };
  await round(); // warm-up: lets lazily made structures reach their size
  global.gc?.();
  const heap = process.memoryUsage().heapUsed;
  const arena = availableBytes();
  const jobs = dispatcher.jobs;
  await round();
  global.gc?.();
  assert.ok(dispatcher.jobs - jobs >= 100_000, `${dispatcher.jobs - jobs} jobs published`);
  assert.is(availableBytes(), arena, "every staged copy was given back");
  // 4 MiB over 100 000 jobs is 42 bytes a job: less than any record of one kept by mistake.
  const growth = process.memoryUsage().heapUsed - heap;
  assert.ok(growth < 4 * 2 ** 20, `heap grew by ${growth} bytes over 1,100,000 calls`);
  assert.is(await pool.dot(small, small), dot(small, small));
  await pool.close();
  free(small), free(edge);
});

test.run();
