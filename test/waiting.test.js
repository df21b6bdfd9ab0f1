// When an async call polls for its job's end and when it sleeps (src/pool/waiting.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPool, dot, f32, f64, free } from "../dist/index.js";
import { nodePlatform } from "../dist/platform/node.js";
import { arenaBuffer } from "../dist/arena/arena.js";
import { STEPPED_TASK_ELEMENTS } from "../dist/pool/job.js";
import { NTASKS, RANGE_TABLE, rangeWord, TASK_WORDS } from "../dist/pool/layout.js";
import { INLINE_BYTES, internals } from "../dist/pool/pool.js";
import { PollBudget } from "../dist/pool/waiting.js";
import { WakingRule } from "../dist/pool/waking.js";
import { withClock } from "./support/clock.js";
import { controlOf } from "./support/control.js";
import { withPlatform } from "./support/platform.js";
import { orHung, until } from "./support/until.js";
import { newPoolBudgetMs } from "./support/budget.js";

/** f64 elements at the inline threshold: the shortest awaited f64 call that goes to the workers. */
const INLINE_ELEMENTS = INLINE_BYTES / 8;

const F64_PAIR = 16; // bytes a dot reads per element

test("a pool of one worker polls short jobs too, by the same rule: the caller computes them alone", () => {
  assert.ok(newPoolBudgetMs(F64_PAIR * 1e5, 1) > 0, "1e5 f64 polls (0.02 ms)");
  assert.ok(newPoolBudgetMs(F64_PAIR * 2e6, 1) > 0, "2e6 f64 polls (0.4 ms)");
  assert.is(newPoolBudgetMs(F64_PAIR * 3e6, 1), 0, "3e6 f64 sleeps (0.6 ms)");
});

test("on two threads, jobs expected to end within half a millisecond poll, longer ones sleep", () => {
  assert.ok(newPoolBudgetMs(F64_PAIR * 1e5, 2) > 0, "1e5 f64 polls");
  assert.ok(newPoolBudgetMs(F64_PAIR * 1e6, 2) > 0, "1e6 f64 polls (0.1 ms on each of 2 threads)");
  assert.ok(newPoolBudgetMs(F64_PAIR * 4e6, 2) > 0, "4e6 f64 polls (0.4 ms)");
  assert.is(newPoolBudgetMs(F64_PAIR * 6e6, 2), 0, "6e6 f64 sleeps (0.6 ms)");
});

test("more threads poll for longer jobs, but never past the 1 ms cap", () => {
  assert.ok(newPoolBudgetMs(F64_PAIR * 1e6, 16) > 0, "1e6 f64 on 16 threads polls");
  assert.is(newPoolBudgetMs(F64_PAIR * 1e8, 16), 0, "1e8 f64 on 16 threads sleeps");
  for (const n of [1e3, 1e5, 1e6, 3e6]) assert.ok(newPoolBudgetMs(F64_PAIR * n, 16) <= 1, `n = ${n}`);
});

test("the budget is twice the expected time plus the cost of sleeping", () => {
  // 1e5 f64 on 2 threads: 1.6 MB at 80 MB/ms is 0.02 ms on one thread, 0.01 ms on the two.
  assert.ok(Math.abs(newPoolBudgetMs(F64_PAIR * 1e5, 2) - (2 * 0.01 + 0.08)) < 1e-12);
});

test("a pool's budgets start from the good-day figure and follow its jobs' times", () => {
  const near = (x, y) => Math.abs(x - y) < 1e-12;
  const budget = new PollBudget(2);
  const bytes = F64_PAIR * 1e6; // 0.1 ms expected on 2 threads at first
  // Twice the time at 80 MB/ms a thread plus 0.08 ms, and 0 (sleep) past the 1 ms cap.
  for (const [n, ms] of [[1e5, 2 * 0.01 + 0.08], [1e6, 2 * 0.1 + 0.08], [6e6, 0]]) assert.ok(near(budget.budgetMs(F64_PAIR * n), ms), `n = ${n}`);
  // On a machine at a third of that speed: 6 slow jobs leave the lower quartile of 9 at the prior,
  // the 7th moves it.
  for (let job = 0; job < 6; job++) budget.ended(bytes, 0.3, false);
  assert.is(budget.budgetMs(bytes), newPoolBudgetMs(bytes, 2));
  budget.ended(bytes, 0.3, false);
  assert.ok(near(budget.budgetMs(bytes), 2 * 0.3 + 0.08), `${budget.budgetMs(bytes)}`);
  // Three jobs at the good day's speed bring it back; faster ones never take it below.
  for (let job = 0; job < 3; job++) budget.ended(bytes, 0.1, false);
  assert.ok(near(budget.budgetMs(bytes), newPoolBudgetMs(bytes, 2)), `${budget.budgetMs(bytes)}`);
  for (let job = 0; job < 9; job++) budget.ended(bytes, 0.01, false);
  assert.ok(near(budget.budgetMs(bytes), newPoolBudgetMs(bytes, 2)), `${budget.budgetMs(bytes)}`);
  // Short jobs teach nothing: 1e5 f64 is 0.01 ms on a good day, most of it fixed costs.
  for (let job = 0; job < 9; job++) budget.ended(F64_PAIR * 1e5, 0.1, false);
  assert.is(budget.budgetMs(F64_PAIR * 1e5), newPoolBudgetMs(F64_PAIR * 1e5, 2));
});

test("a learnt time counts for its size class alone, and a job that slept counts as half the poll's reach at most", () => {
  const budget = new PollBudget(2);
  const bytes = F64_PAIR * 1e6;
  // 4e6 f64 from DRAM, slow per byte, leaves 1e6 where it was.
  for (let job = 0; job < 9; job++) budget.ended(4 * bytes, 0.9, false);
  assert.is(budget.budgetMs(4 * bytes), 0);
  assert.is(budget.budgetMs(bytes), newPoolBudgetMs(bytes, 2));
  // 1e6 jobs that outran their budget and slept for 0.9 ms: expected at 0.5 ms, they still poll.
  for (let job = 0; job < 9; job++) budget.ended(bytes, 0.9, true);
  assert.ok(Math.abs(budget.budgetMs(bytes) - (1 + 0.08)) < 1e-12, `${budget.budgetMs(bytes)}`);
  // One that polled to its end in 0.6 ms is what makes its size sleep.
  for (let job = 0; job < 9; job++) budget.ended(bytes, 0.6, false);
  assert.is(budget.budgetMs(bytes), 0);
});

test("a learnt time ages out: 64 jobs after its samples were taken the pool polls as a new one", () => {
  const budget = new PollBudget(2);
  const bytes = F64_PAIR * 2e6;
  for (let job = 0; job < 9; job++) budget.ended(bytes, 0.6, false);
  assert.is(budget.budgetMs(bytes), 0, "expected at 0.6 ms: sleeps, and so teaches nothing more");
  for (let job = 1; job < 63; job++) assert.is(budget.budgetMs(bytes), 0, `job ${job}`);
  assert.is(budget.budgetMs(bytes), newPoolBudgetMs(bytes, 2), "the 64th job after the samples polls again");
});

test("every async job is budgeted, and the polled ones that found the workers polling teach the budget", async () => {
  const { budgetMs, ended } = PollBudget.prototype;
  const { foundPolling } = WakingRule.prototype;
  const taught = [];
  const pool = await createPool({ threads: 2 });
  const dispatcher = pool[internals];
  const a = f64(1_000_000).fill(1); // polled
  const long = f64(10_000_000).fill(1); // sleeps at once
  try {
    PollBudget.prototype.ended = function (bytes, ms, slept) {
      taught.push({ bytes, ms, slept });
      return ended.call(this, bytes, ms, slept);
    };
    // Whether a job found the workers polling is the waking rule's to say (waking.test.js); here
    // it is pinned, since this VM can stall the caller past SPIN_MS between any two calls.
    WakingRule.prototype.foundPolling = () => true;
    for (let call = 0; call < 3; call++) assert.is(await pool.dot(a, a), 1_000_000);
    assert.is(await pool.dot(long, long), 10_000_000);
    assert.is(taught.length, 3, "the polled jobs taught the budget, the one that slept did not");
    assert.ok(taught.every(({ bytes, ms }) => bytes === F64_PAIR * 1e6 && ms > 0), JSON.stringify(taught));
    WakingRule.prototype.foundPolling = () => false;
    assert.is(await pool.dot(a, a), 1_000_000);
    assert.is(taught.length, 3, "a job that found the workers asleep taught nothing");
    // The budget decides the wait: at 0, a job the pool would poll for runs on the workers alone.
    PollBudget.prototype.budgetMs = () => 0;
    const before = dispatcher.callerTasks;
    assert.is(await pool.dot(a, a), 1_000_000);
    assert.is(dispatcher.callerTasks, before);
  } finally {
    Object.assign(PollBudget.prototype, { budgetMs, ended });
    WakingRule.prototype.foundPolling = foundPolling;
    await pool.close();
    free(a), free(long);
  }
});

test("an awaited call polls through the platform's loop turns for a short job, never for a long one", async () => {
  let turns = 0;
  const counting = () => {
    turns++;
    return nodePlatform.nextTurn();
  };
  const pool = await createPool({ threads: 2 });
  // 16 MB, ~0.1 ms on two threads: polled, and longer than a slice. At 4.2 MB a job could end
  // within the caller's first slice whenever worker 1 was still polling from the last call: 20
  // in a row did so once in CI, with a build (backed out) whose workers polled longer.
  const short = f64(1_000_000).fill(1);
  const long = f64(10_000_000).fill(1); // 160 MB: sleeps at once
  await withPlatform({ nextTurn: counting }, async () => {
    // A job can end inside the ~2 µs spin that precedes polling when this VM stalls the host
    // thread mid-spin (it does, for 20–100 µs, ~1300 times a second), and slow calls on a loaded
    // machine teach the budget to sleep for a while: so it calls on until one polls.
    await until(async () => {
      assert.is(await pool.dot(short, short), 1_000_000);
      return turns > 0;
    }, "the short jobs were polled for");
    turns = 0;
    const callerTasks = pool[internals].callerTasks;
    assert.is(await pool.dot(long, long), 10_000_000);
    // Asleep: the calling thread ran none of its tasks, and took no turn to poll. It may take one
    // as the call ends, owed where the job ended while this thread waited for a core (turns.ts):
    // with two busy workers on two cores it could get none until they were done.
    assert.is(pool[internals].callerTasks, callerTasks, "the calling thread computed none of the long job");
    assert.ok(turns <= 1, `the long job was waited for asleep: ${turns} turns`);
  });
  await pool.close();
  // Browsers poll by the same rule: their costlier turns (tasks of a few µs) do not change it. A
  // new pool, since one that measured its jobs as slow on a loaded machine may sleep for them.
  turns = 0;
  const browserLike = await createPool({ threads: 2 });
  await withPlatform({ nextTurn: counting, cheapTurns: false }, async () => {
    await until(async () => {
      assert.is(await browserLike.dot(short, short), 1_000_000);
      return turns > 0;
    }, "the short jobs were polled for where turns are costly too");
  });
  await browserLike.close();
  free(short), free(long);
});

/** n·count of each task of the pool's last job, read from its task table (layout.ts, assembly/tasks.ts). */
function lastJobTaskLengths(pool) {
  const ctrl = controlOf(pool[internals]);
  const table = ctrl[rangeWord(0) + RANGE_TABLE] >>> 0;
  const words = new Uint32Array(arenaBuffer(), table, ctrl[NTASKS] * TASK_WORDS);
  return Array.from({ length: ctrl[NTASKS] }, (_, t) => words[t * TASK_WORDS + 3] * words[t * TASK_WORDS + 4]);
}

test("a polled call's tasks cover at most STEPPED_TASK_ELEMENTS, so its caller holds the loop no longer; a sleeping call's are longer", async () => {
  const pool = await createPool({ threads: 2 });
  const polled = f64(3_000_000).fill(1); // 733 blocks: 64 a task for 2 threads, left to the plan
  const long = f64(10_000_000).fill(1); // sleeps at once, 64-block tasks
  assert.ok(newPoolBudgetMs(F64_PAIR * polled.length, 2) > 0 && newPoolBudgetMs(F64_PAIR * long.length, 2) === 0);
  assert.is(await pool.dot(polled, polled), 3_000_000);
  const stepped = lastJobTaskLengths(pool);
  assert.is(Math.max(...stepped), STEPPED_TASK_ELEMENTS);
  assert.is(stepped.reduce((sum, n) => sum + n, 0), 3_000_000);
  assert.is(await pool.dot(long, long), 10_000_000);
  assert.is(Math.max(...lastJobTaskLengths(pool)), 64 * 4096, "a sleeping caller runs no task: its tasks keep the plan's length");
  await pool.close();
  free(polled), free(long);
});

// On one thread the worker sits out and the caller runs a polled job alone.
for (const threads of [1, 2]) {
  test(`on ${threads} thread(s), a polling call computes on the calling thread, with the same bits; a sleeping one does not`, async () => {
    const pool = await createPool({ threads });
    const n = 4 * INLINE_ELEMENTS + 1000; // polled; a tail block too
    const a = f64(n), b = f64(n);
    for (let i = 0; i < n; i++) (a[i] = Math.sin(i)), (b[i] = 1 / (i + 1));
    const long = f64(10_000_000).fill(0.5); // sleeps at once
    const dispatcher = pool[internals];
    // The caller claims its first task right after publishing, before a worker can have seen the
    // job; but a stall of this VM's host thread could still let the workers take them all, and
    // calls slowed by a loaded machine teach the budget to sleep for a while (waiting.ts): 20
    // calls left the caller none, 2 runs in 4 of `npm test` beside another. So it calls on.
    await until(async () => {
      assert.is(await pool.dot(a, b), dot(a, b));
      return dispatcher.callerTasks > 0;
    }, "the calling thread ran tasks of polled jobs");
    // Worker 0 may be between jobs for a moment (spinning, or asleep on EPOCH) before it sits out,
    // and a call that a VM stall pushed past its poll budget gives the seat back: so poll again.
    await until(async () => {
      if (dispatcher.sittingOut()) return true;
      assert.is(await pool.dot(a, b), dot(a, b));
      return false;
    }, "worker 0 sits out while the caller polls");
    const before = dispatcher.callerTasks;
    assert.is(await pool.dot(long, long), 2_500_000);
    assert.is(dispatcher.callerTasks, before, "the sleeping call ran none");
    assert.not.ok(dispatcher.sittingOut(), "worker 0 left the seat for the long job");
    await pool.close();
    free(a), free(b), free(long);
  });
}

/**
 * A call on `long` (all ones, waited for asleep), made again until it is still running when it
 * returns, so that calls after it queue: a stall of this thread in the job's first spin can let
 * it end before then. Wrapped, so that returning it from this async function does not await it.
 */
async function runningLongCall(pool, long) {
  for (;;) {
    const call = pool.dot(long, long);
    if (pool[internals].busy) return { call };
    assert.is(await call, long.length);
  }
}

test("10 000 short jobs queued behind a long one all settle, and the event loop turns while they run", async () => {
  // A polled job can end before its first await. Started from there, the next queued job nested
  // frames job after job (10 000 overflowed the stack and wedged the pool), and the chain held
  // the event loop throughout. A clock that moves 1 µs a read makes every short job end within
  // its first slice, so the chain is certain rather than left to this VM's timing. One thread:
  // on two, a worker's task can still hold a job past its slice.
  const pool = await createPool({ threads: 1 });
  const long = f64(4_000_000).fill(1); // waited for asleep: the short ones queue behind it
  const a = f32(INLINE_BYTES / 4).fill(1); // the shortest awaited job there is
  const calls = 10_000;
  let settled = 0;
  let settledAtTurn = calls;
  const { call: first } = await runningLongCall(pool, long);
  let ms = 0;
  await withClock(() => (ms += 0.001), async () => {
    const short = Array.from({ length: calls }, () =>
      pool.dot(a, a).then((value) => {
        if (settled++ === 0) setImmediate(() => (settledAtTurn = settled));
        return value;
      }),
    );
    const values = await Promise.all([first, ...short]);
    assert.is(values[0], 4_000_000);
    assert.ok(values.slice(1).every((v) => v === a.length), "every short job's value");
    assert.ok(settledAtTurn < calls, `the loop turned only once ${settledAtTurn} of ${calls} had settled`);
  });
  await pool.close();
  free(long), free(a);
});

test("close() while queued jobs wait for their start lets every one of them finish", async () => {
  // Between a polled job that ended within its slice and the start of the next (a microtask or a
  // turn later) no job runs, yet some are queued: close() must wait for them, not stop the pool
  // under them. Called from the first short call's settlement, it lands in such a gap.
  const pool = await createPool({ threads: 1 });
  const long = f64(4_000_000).fill(1);
  const a = f32(INLINE_BYTES / 4).fill(1);
  const { call: first } = await runningLongCall(pool, long);
  let ms = 0;
  await withClock(() => (ms += 0.001), async () => {
    let closing;
    const short = Array.from({ length: 100 }, (_, k) =>
      pool.dot(a, a).then((value) => {
        if (k === 0) closing = pool.close();
        return value;
      }),
    );
    const values = await orHung(Promise.all([first, ...short]), 5_000);
    if (values === "hung") await pool.destroy(); // else the stranded jobs hold the process open
    assert.ok(Array.isArray(values), "every queued call settled");
    assert.ok(values.slice(1).every((v) => v === a.length), "with its value");
    await closing;
  });
  await pool.dot(a, a).then(
    () => assert.unreachable("a call after close() succeeded"),
    (error) => assert.is(error.code, "ERR_KP_POOL_CLOSED"),
  );
  free(long), free(a);
});

test("where Atomics.waitAsync is missing (Firefox before 145), a call too long to poll still settles, polling once a turn", async () => {
  // One worker: with two, the two woken workers and this thread make three on the 2-core VM, and
  // a worker preempting this thread right after the publish could finish the job before its wait.
  const pool = await createPool({ threads: 1 });
  const a = f64(8_000_000).fill(1); // 128 MB read: expected past 0.5 ms, so the call waits at once
  const saved = Atomics.waitAsync;
  Atomics.waitAsync = undefined;
  let turns = 0;
  try {
    await withPlatform({ nextTurn: () => (turns++, nodePlatform.nextTurn()) }, async () => {
      // A stall of this thread for the job's ~10 ms (this VM has them, CI saw one) lets the job
      // end before the call's first wait: up to five calls, one of which must wait.
      for (let call = 0; call < 5 && turns === 0; call++) assert.is(await orHung(pool.dot(a, a)), 8_000_000);
      assert.ok(turns > 0, "it waited a turn at a time, never blocking");
      assert.is(await orHung(pool.dot(a, a)), 8_000_000, "and the pool goes on");
    });
  } finally {
    Atomics.waitAsync = saved;
  }
  await pool.destroy();
  free(a);
});

test.run();
