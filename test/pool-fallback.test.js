// The browser's two limits, exercised in Node through the Platform seam: a page that is not
// cross-origin isolated (no workers: the pool runs inline) and a main thread that may not block.
// Chromium runs the same claims for real (test/browser/suite.js).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPool, dot, f64, free } from "../dist/index.js";
import { availableBytes } from "../dist/arena/arena.js";
import { nodePlatform } from "../dist/platform/node.js";
import { withPlatform } from "./support/platform.js";

const REASON = "the page is not cross-origin isolated";

function wavy(n, phase) {
  const a = f64(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37 + phase) * (1 + (i % 13));
  return a;
}

test("without workers, createPool gives a one-thread pool that says why, and throws nothing", () =>
  withPlatform({ workersUnavailable: () => REASON, startWorker: () => assert.unreachable("no worker may start") }, async () => {
    const pool = await createPool({ threads: 4 });
    assert.is(pool.threads, 1);
    assert.is(pool.singleThreadReason, REASON);
    await pool.close();
  }));

test("without workers, destroy() right after a call that copies its operands rejects it before any task", () =>
  // Costly turns, as in a browser: the short job then runs all its tasks without one. Its tasks
  // start a microtask after the one-step copy, by when destroy() has come, so the first step must
  // already ask whether the pool was stopped.
  withPlatform({ workersUnavailable: () => REASON, cheapTurns: false }, async () => {
    const pool = await createPool();
    const a = f64(65536).fill(1); // 512 KiB: a job, not inline; its copied partner one chunk
    // Mostly arena operands: a batch that copies in most of what it reads runs as dot() would.
    const call = pool.dotBatch([[a, new Float64Array(65536).fill(2)], [a, a]]).then(() => "resolved", (e) => e.code);
    await pool.destroy();
    assert.is(await call, "ERR_KP_POOL_CLOSED");
    free(a);
  }));

test("without workers, free() refuses an array that a call computing between turns reads", () =>
  withPlatform({ workersUnavailable: () => REASON }, async () => {
    const pool = await createPool();
    const a = f64(4 * 65536).fill(1);
    const call = pool.dot(a, a);
    assert.throws(() => free(a), (e) => e instanceof RangeError && e.message.includes("used by no pending call"));
    assert.is(await call, 4 * 65536);
    free(a);
    await pool.close();
  }));

test("a pool with workers has no singleThreadReason", async () => {
  const pool = await createPool({ threads: 2 });
  assert.is(pool.singleThreadReason, undefined);
  await pool.close();
});

test("the one-thread pool gives the bits of dot() for dot, dotBatch, matvec and dotSync", () =>
  withPlatform({ workersUnavailable: () => REASON }, async () => {
    const pool = await createPool();
    const a = wavy(300_007, 0);
    const b = wavy(300_007, 1);
    assert.is(await pool.dot(a, b), dot(a, b));
    assert.is(pool.dotSync(a, b), dot(a, b));
    assert.equal(Array.from(await pool.dotBatch([[a, b], [b, a]])), [dot(a, b), dot(b, a)]);
    const y = await pool.matvec(a.subarray(0, 100_000), b.subarray(0, 1000));
    for (let r = 0; r < 100; r++) assert.is(y[r], dot(a.subarray(r * 1000, (r + 1) * 1000), b.subarray(0, 1000)));
    await pool.close();
    await pool.destroy();
    await pool.dot(a, b).then(
      () => assert.unreachable("a destroyed pool must reject"),
      (e) => assert.is(e.code, "ERR_KP_POOL_CLOSED"),
    );
    free(a);
    free(b);
  }));

test("pool.dotSync throws ERR_KP_CANNOT_BLOCK, whatever the length, where the thread may not block", () =>
  withPlatform({ canBlock: () => false }, async () => {
    const pool = await createPool({ threads: 2 });
    for (const n of [3, 100_000]) {
      assert.throws(
        () => pool.dotSync(f64(n), f64(n)),
        (e) => e instanceof Error && e.code === "ERR_KP_CANNOT_BLOCK" && e.message.includes("pool.dotSync(a, b)") && e.message.includes("pool.dot(a, b)"),
      );
    }
    await pool.close();
  }));

test("without workers, dotBatch, matvec and arange run a task at a time with turns of the event loop between", async () => {
  let turns = 0;
  const counting = () => (turns++, nodePlatform.nextTurn());
  await withPlatform({ workersUnavailable: () => REASON, nextTurn: counting }, async () => {
    const pool = await createPool();
    const a = wavy(300_007, 0);
    const b = wavy(300_007, 1);
    const plain = Array.from(b.subarray(0, 200_000)); // copied in whole, as with workers
    const calls = [
      ["dotBatch", async () => assert.equal(Array.from(await pool.dotBatch([[a, b], [plain, a.subarray(0, 200_000)]])), [dot(a, b), dot(plain, a.subarray(0, 200_000))])],
      [
        "matvec",
        async () => {
          const y = await pool.matvec(a.subarray(0, 300_000), b.subarray(0, 3000));
          for (let r = 0; r < 100; r++) assert.is(y[r], dot(a.subarray(r * 3000, (r + 1) * 3000), b.subarray(0, 3000)));
        },
      ],
      [
        "arange",
        async () => {
          const r = await pool.arange(1_000_000, "f32");
          assert.ok(r instanceof Float32Array && r[0] === 0 && r[999_999] === 999_999 && r.every((v, i) => v === i));
          free(r);
        },
      ],
    ];
    for (const [name, call] of calls) {
      turns = 0;
      await call();
      assert.ok(turns >= 2, `${name}: ${turns} turns`);
    }
    // destroy() ends such a call at its next turn; its staged copies and its array are given back.
    const before = availableBytes();
    const pending = [pool.dotBatch([[a, b], [plain, plain]]), pool.arange(1_000_000)].map((p) => p.then(() => "resolved", (e) => e.code));
    assert.ok(availableBytes() < before - 8_000_000, "the copies and the array are in the arena while the calls run");
    await pool.destroy();
    assert.equal(await Promise.all(pending), ["ERR_KP_POOL_CLOSED", "ERR_KP_POOL_CLOSED"]);
    assert.is(availableBytes(), before);
    free(a);
    free(b);
  });
});

test("close() waits for calls computing on the calling thread, as for the workers' jobs", async () => {
  const a = wavy(300_007, 2);
  const plain = Array.from(a);
  for (const workers of [false, true]) {
    await withPlatform(workers ? {} : { workersUnavailable: () => REASON }, async () => {
      const pool = await createPool({ threads: 2 });
      // With workers only copied operands run on this thread; without, every call does.
      const calls = workers ? [pool.dot(plain, plain), pool.dot(plain, a), pool.dot(a, plain)] : [pool.dot(plain, plain), pool.dotBatch([[a, a]]), pool.arange(300_000)];
      const settled = [];
      calls.forEach((call, i) => call.then(() => settled.push(i)));
      await pool.close();
      assert.equal(settled.sort(), [0, 1, 2], workers ? "copied pool.dot with workers" : "a pool without workers");
      if (!workers) free(await calls[2]);
    });
  }
  free(a);
});

test("under Node with the browser condition, as in a jsdom test environment, the browser entry reads its kernels from disk and pools run on this thread", () => {
  // It fetched them, and Node's fetch cannot read a file: URL: the import failed with ERR_KP_UNSUPPORTED.
  const script = `
    const k = await import("kernelpool");
    const pool = await k.createPool();
    const a = k.f64([1, 2, 3]);
    const b = k.f64([4, 5, 6]);
    console.log(JSON.stringify({ dot: k.dot([1, 2], [3, 4]), pooled: await pool.dot(a, b), threads: pool.threads, why: pool.singleThreadReason, variant: k.capabilities().variant }));
    await pool.close();`;
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const run = spawnSync(process.execPath, ["--conditions=browser", "--input-type=module", "-e", script], { cwd, encoding: "utf8" });
  assert.is(run.status, 0, run.stderr);
  const got = JSON.parse(run.stdout);
  assert.equal({ dot: got.dot, pooled: got.pooled, threads: got.threads }, { dot: 11, pooled: 32, threads: 1 });
  assert.match(got.why, /not cross-origin isolated/);
  assert.ok(["baseline", "relaxed"].includes(got.variant));
});

test.run();
