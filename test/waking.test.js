// When a blocking call wakes sleeping workers and when it runs on the caller alone (src/pool/waking.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPool, dot, f64, free } from "../dist/index.js";
import { internals } from "../dist/pool/pool.js";
import { PRIOR_ALONE_BYTES_PER_MS, PRIOR_WAKE_MS, SPIN_MS, WakingRule, WARM_JOBS } from "../dist/pool/waking.js";

const F64_PAIR = 16; // bytes a dot reads per element
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const busyFor = (ms) => {
  for (const until = performance.now() + ms; performance.now() < until; );
};

test("while the workers may still poll, every job wakes them, however short", () => {
  for (const threads of [2, 16]) {
    const rule = new WakingRule(threads);
    assert.ok(rule.wakes(F64_PAIR * 1e5, 0), `${threads} threads, just after a job`);
    assert.ok(rule.wakes(F64_PAIR * 1e5, SPIN_MS * 0.99), `${threads} threads, within their poll`);
  }
});

test("once they sleep, a new pool wakes them only where the others would save the caller more than the prior wake cost", () => {
  assert.is(PRIOR_ALONE_BYTES_PER_MS, 25e6);
  assert.is(PRIOR_WAKE_MS, 0.3);
  // At 25 MB/ms alone, 2 threads save half the job: the edge is 0.6 ms alone, 937 500 f64.
  const two = new WakingRule(2);
  assert.not.ok(two.wakes(F64_PAIR * 1e5, SPIN_MS), "1e5 f64 on 2 threads");
  assert.not.ok(two.wakes(F64_PAIR * 935_000, 1), "935 000 f64 on 2 threads");
  assert.ok(two.wakes(F64_PAIR * 940_000, 1), "940 000 f64 on 2 threads");
  // 16 threads save 15/16 of it: the edge is at 0.3 · 16/15 ms alone, 500 000 f64.
  const sixteen = new WakingRule(16);
  assert.not.ok(sixteen.wakes(F64_PAIR * 499_000, 1), "499 000 f64 on 16 threads");
  assert.ok(sixteen.wakes(F64_PAIR * 501_000, 1), "501 000 f64 on 16 threads");
  // One worker saves the caller nothing: it sits out whenever the caller computes.
  assert.not.ok(new WakingRule(1).wakes(F64_PAIR * 1e8, 1), "1e8 f64 on 1 thread");
});

test("calls alone slower than the prior teach a pool to wake for shorter jobs, once 7 of the last 9 say so", () => {
  const rule = new WakingRule(16);
  const bytes = F64_PAIR * 250_000; // 0.16 ms alone at the prior rate: saves 0.15 of it
  assert.not.ok(rule.wakes(bytes, 1));
  for (let call = 1; call <= 6; call++) {
    rule.ranAlone(F64_PAIR * 1e5, 0.2); // the 16-core device: 1e5 f64 alone after a pause
    assert.not.ok(rule.wakes(bytes, 1), `after ${call} slow calls`);
  }
  rule.ranAlone(F64_PAIR * 1e5, 0.2);
  assert.ok(rule.wakes(bytes, 1), "after 7 slow calls: 0.5 ms alone, 0.47 saved");
  assert.not.ok(rule.wakes(F64_PAIR * 1e5, 1), "1e5 still runs alone: 0.19 ms saved");
});

test("3 faster calls are enough to teach it the other way", () => {
  const rule = new WakingRule(2);
  const bytes = F64_PAIR * 1e6; // 0.64 ms alone at the prior rate: saves 0.32
  assert.ok(rule.wakes(bytes, 1));
  rule.ranAlone(bytes, 0.3), rule.ranAlone(bytes, 0.3);
  assert.ok(rule.wakes(bytes, 1), "after 2 calls alone of 0.3 ms");
  rule.ranAlone(bytes, 0.3);
  assert.not.ok(rule.wakes(bytes, 1), "after 3: saves 0.15");
});

test("a woken job counts against the wake only what it took beyond an even share of the time alone", () => {
  const bytes = F64_PAIR * 1e6; // 0.64 ms alone at the prior rate: 0.32 ms on 2 threads
  const keeps = new WakingRule(2);
  for (let call = 0; call < 9; call++) keeps.woke(bytes, 0.6); // 0.28 beyond the share
  assert.ok(keeps.wakes(bytes, 1), "0.28 ms of wake < 0.32 ms saved");
  const stops = new WakingRule(2);
  for (let call = 0; call < 7; call++) stops.woke(bytes, 0.7); // 0.38 beyond the share
  assert.not.ok(stops.wakes(bytes, 1), "0.38 ms of wake > 0.32 ms saved");
  const cheap = new WakingRule(2);
  for (let call = 0; call < 3; call++) cheap.woke(bytes, 0.3); // 0.02 ms less than the share
  assert.ok(cheap.wakes(F64_PAIR * 1e4, 1), "a wake that costs nothing pays for any job");
});

test("slow woken jobs or stalls, up to 6 of the last 9 calls, move neither cost", () => {
  const rule = new WakingRule(16);
  for (let call = 0; call < 7; call++) rule.ranAlone(F64_PAIR * 1e5, 0.2);
  const bytes = F64_PAIR * 250_000;
  // The 16-core device: a new pool's first woken jobs of 2.5e5, then a usual one.
  for (const ms of [2.45, 0.77, 0.63, 0.63, 0.57, 0.24]) {
    rule.woke(bytes, ms);
    assert.ok(rule.wakes(bytes, 1), `after a woken job of ${ms} ms`);
  }
  const stalled = new WakingRule(2);
  for (let call = 0; call < 6; call++) stalled.ranAlone(F64_PAIR * 1e5, 50), stalled.woke(F64_PAIR * 1e6, 50);
  assert.not.ok(stalled.wakes(F64_PAIR * 1e5, 1), "6 calls alone stalled 50 ms");
  assert.ok(stalled.wakes(F64_PAIR * 1e6, 1), "6 woken jobs stalled 50 ms");
});

test("a warm pool learns from its own blocking calls after a pause, and from none within the workers' poll", async () => {
  const pool = await createPool({ threads: 2 });
  const dispatcher = pool[internals];
  const ways = [];
  const alone = () => (busyFor(2), ways.push("alone"), 0);
  // Woken jobs taking 3 ms: a wake of ~2.7 ms at the prior rate, more than the worker saves.
  const slowJob = () => (busyFor(3), ways.push("job"), 0);
  // Until it has run WARM_JOBS jobs a pool learns nothing from them: 2e6 f64 (1.28 ms alone at
  // the prior rate, 0.64 saved) keeps waking.
  for (let call = 0; call < 8; call++) {
    await pause(5);
    dispatcher.runBlocking(F64_PAIR * 2e6, alone, slowJob);
  }
  assert.equal(ways, Array(8).fill("job"), "a new pool");
  const warm = f64(100_000).fill(1);
  while (dispatcher.jobs <= WARM_JOBS) assert.is(await pool.dot(warm, warm), 100_000);
  free(warm);
  ways.length = 0;
  const bytes = F64_PAIR * 250_000; // alone at the prior rate: 0.16 ms, 0.08 saved
  const asJob = () => (ways.push("job"), 0);
  for (let call = 0; call < 8; call++) {
    await pause(5);
    dispatcher.runBlocking(bytes, alone, asJob);
  }
  assert.equal(ways, [...Array(7).fill("alone"), "job"], "2 ms alone each time: waking pays");
  // Woken jobs of 3 ms: a wake of ~2.8 ms, more than the 1 ms the worker now saves.
  ways.length = 0;
  for (let call = 0; call < 8; call++) {
    await pause(5);
    dispatcher.runBlocking(bytes, alone, slowJob);
  }
  // 7 of the last 9 samples must be above the prior for the quartile to rise to them.
  assert.equal(ways, [...Array(7).fill("job"), "alone"], "after 7 slow jobs");
  // A job that starts within SPIN_MS of the last call's end found the workers polling: were these
  // quick ones counted, 3 of them would take the wake below 0, and the last call would wake. A
  // stall of this thread between the two calls of a pair (this VM has them) makes the second a
  // call after a pause, which runs alone: 8 pairs, of which 3 must reach the job.
  ways.length = 0;
  const quickJob = () => (ways.push("job"), 0);
  for (let pair = 0; pair < 8; pair++) {
    await pause(5);
    dispatcher.runBlocking(bytes, alone, quickJob);
    dispatcher.runBlocking(bytes, alone, quickJob);
  }
  assert.ok(ways.filter((way) => way === "job").length >= 3, ways.join());
  await pause(5);
  ways.length = 0;
  dispatcher.runBlocking(bytes, alone, quickJob);
  assert.equal(ways, ["alone"]);
  await pool.close();
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
  const a = f64(2_000_000).fill(0.5); // 1.28 ms on one thread at the prior rate: the worker saves 0.64
  await pause(5);
  const alone = dispatcher.callsAlone;
  const jobs = dispatcher.jobs;
  assert.is(pool.dotSync(a, a), 500_000);
  assert.equal([dispatcher.jobs - jobs, dispatcher.callsAlone - alone], [1, 0]);
  await pool.close();
  free(a);
});

test.run();
