// When a blocking call wakes sleeping workers and when it runs on the caller alone (src/pool/waking.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPool, dot, f64, free } from "../dist/index.js";
import { internals } from "../dist/pool/pool.js";
import { SPIN_MS, wakesWorkers } from "../dist/pool/waking.js";

const F64_PAIR = 16; // bytes a dot reads per element
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("while the workers may still poll, every job wakes them, however short", () => {
  for (const threads of [2, 16]) {
    assert.ok(wakesWorkers(F64_PAIR * 1e5, threads, 0), `${threads} threads, just after a job`);
    assert.ok(wakesWorkers(F64_PAIR * 1e5, threads, SPIN_MS * 0.99), `${threads} threads, within their poll`);
  }
});

test("once they sleep, a job wakes them only where the others would save the caller more than the 0.1 ms waking costs", () => {
  // At 80 MB/ms on one thread, 2 threads save half the job: 1e6 f64 (0.2 ms) saves exactly 0.1.
  assert.not.ok(wakesWorkers(F64_PAIR * 1e5, 2, SPIN_MS), "1e5 f64 on 2 threads");
  assert.not.ok(wakesWorkers(F64_PAIR * 1e6, 2, 1), "1e6 f64 on 2 threads");
  assert.ok(wakesWorkers(F64_PAIR * 1.01e6, 2, 1), "1.01e6 f64 on 2 threads");
  // 16 threads save 15/16 of it: the edge is at 0.1 · 16/15 ms, 533 334 f64.
  assert.not.ok(wakesWorkers(F64_PAIR * 533_333, 16, 1), "533 333 f64 on 16 threads");
  assert.ok(wakesWorkers(F64_PAIR * 533_334, 16, 1), "533 334 f64 on 16 threads");
  // One worker saves the caller nothing: it sits out whenever the caller computes.
  assert.not.ok(wakesWorkers(F64_PAIR * 1e8, 1, 1), "1e8 f64 on 1 thread");
});

test("after a pause a short dotSync runs on the caller alone, and the next calls of a run wake the workers", async () => {
  const pool = await createPool({ threads: 2 });
  const dispatcher = pool[internals];
  const a = f64(100_000).fill(0.5);
  const b = f64(100_000).fill(0.25);
  const expected = dot(a, b);
  await pause(5);
  const jobs = dispatcher.jobs;
  const alone = dispatcher.callsAlone;
  assert.is(pool.dotSync(a, b), expected);
  assert.equal([dispatcher.jobs - jobs, dispatcher.callsAlone - alone], [0, 1], "no job published: the workers slept on");
  // The next call follows within microseconds, unless this VM stalls the thread between the two
  // for longer than SPIN_MS (it does, now and then): so the first job of a short run counts.
  let calls = 0;
  while (dispatcher.jobs === jobs && calls < 20) {
    assert.is(pool.dotSync(a, b), expected);
    calls++;
  }
  assert.is(dispatcher.jobs - jobs, 1, `a job was published within ${calls} calls of a run`);
  await pool.close();
  free(a), free(b);
});

test("a call right after a job, blocking or awaited, wakes the workers: the job's end counts as the last call's", async () => {
  const pool = await createPool({ threads: 2 });
  const dispatcher = pool[internals];
  const long = f64(2_000_000).fill(1); // wakes the workers even after a pause
  const short = f64(100_000).fill(1);
  // Each try starts after a pause, so the short call runs alone unless the job just before it
  // noted its end. A stall of this thread between the two can also push it alone: ten tries.
  const publishedAfter = async (job) => {
    let published = 0;
    for (let t = 0; t < 10; t++) {
      await pause(5);
      await job();
      const jobs = dispatcher.jobs;
      assert.is(pool.dotSync(short, short), 100_000);
      published += dispatcher.jobs - jobs;
    }
    return published;
  };
  assert.ok((await publishedAfter(() => assert.is(pool.dotSync(long, long), 2_000_000))) > 0, "after a blocking job");
  assert.ok((await publishedAfter(async () => assert.is(await pool.dot(short, short), 100_000))) > 0, "after an awaited job");
  await pool.close();
  free(long), free(short);
});

test("after a pause a dotSync long enough to pay for the wake goes to the workers", async () => {
  const pool = await createPool({ threads: 2 });
  const dispatcher = pool[internals];
  const a = f64(2_000_000).fill(0.5); // 0.4 ms on one thread: the worker saves 0.2
  await pause(5);
  const alone = dispatcher.callsAlone;
  const jobs = dispatcher.jobs;
  assert.is(pool.dotSync(a, a), 500_000);
  assert.equal([dispatcher.jobs - jobs, dispatcher.callsAlone - alone], [1, 0]);
  await pool.close();
  free(a);
});

test.run();
