// The demo page's timing (demo/measure.js), on a virtual clock that ticks as a cross-origin
// isolated page's does (5 µs) and advances only by what the timed calls cost.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { dot2, interleavedMedians, relativeError, Stopped } from "../demo/measure.js";
import { withClock } from "./support/clock.js";
import { generator } from "./support/seeded.js";

const TICK_MS = 0.005;

/** Runs `body(clock)` with performance.now reading `clock.ms` to the tick. */
function onVirtualClock(body) {
  const clock = { ms: 0 };
  return withClock(() => Math.floor(clock.ms / TICK_MS) * TICK_MS, () => body(clock));
}

test("a call far shorter than the timer's tick is timed to 1%, even when the first timed call is slow", async () => {
  const { ms, ratio } = await onVirtualClock((clock) => {
    let fastCalls = 0;
    const calls = {
      // 0.3 µs a call, but its 4th (the first after the warm-up) takes 3 ms: a collection, say.
      fast: () => {
        clock.ms += ++fastCalls === 4 ? 3 : 0.0003;
        return 1;
      },
      slow: async () => {
        clock.ms += 2.5;
        return 1;
      },
    };
    return interleavedMedians(calls, "fast", 3);
  });
  assert.ok(Math.abs(ms.fast / 0.0003 - 1) < 0.01, `fast: ${ms.fast} ms`);
  assert.ok(Math.abs(ms.slow / 2.5 - 1) < 0.01, `slow: ${ms.slow} ms`);
  assert.ok(Math.abs(ratio.slow / (2.5 / 0.0003) - 1) < 0.01, `ratio: ${ratio.slow}`);
  assert.is(ratio.fast, 1);
});

test("the figure is the median sample: one call stretched tenfold does not move it", async () => {
  const { ms } = await onVirtualClock((clock) => {
    let calls = 0;
    return interleavedMedians({ pool: () => ((clock.ms += ++calls % 10 === 0 ? 25 : 2.5), 1) }, "pool", 3);
  });
  assert.ok(Math.abs(ms.pool / 2.5 - 1) < 0.005, `pool: ${ms.pool} ms`); // a tick is 0.2%
});

test("the page gets a task turn between batches, though every call settles at once", async () => {
  let firedAt;
  const { ms } = await onVirtualClock((clock) => {
    setTimeout(() => (firedAt = clock.ms));
    return interleavedMedians({ inline: () => ((clock.ms += 2.5), 1) }, "inline", 3);
  });
  assert.ok(firedAt !== undefined && firedAt < 3 * 100, `a timer set before the run fired at ${firedAt} ms of its ~300`);
  assert.ok(Math.abs(ms.inline / 2.5 - 1) < 0.005, `inline: ${ms.inline} ms`);
});

test("a run asked to stop rejects with Stopped between two batches, and tells each run as it begins", async () => {
  const begun = [];
  let batches = 0;
  const stopping = onVirtualClock((clock) =>
    interleavedMedians({ a: () => ((clock.ms += 2.5), 1), b: () => ((clock.ms += 2.5), 1) }, "a", 5, {
      stopped: () => ++batches > 3, // asked before each batch: the fourth is refused
      onRun: (run) => begun.push(run),
    }),
  );
  await stopping.then(() => assert.unreachable("the run went on"), (error) => assert.instance(error, Stopped));
  assert.equal(begun, [0, 1]);
  assert.is(batches, 4);
});

/**
 * Vectors of n values in [0, 1), as the demo makes, and their dot product exactly, times 2^64:
 * every value is a multiple of 2^-32 (seeded.js), so every product is an integer over 2^64.
 */
function exactCase(n, seed) {
  const next = generator(seed);
  const a = Float64Array.from({ length: n }, next);
  const b = Float64Array.from({ length: n }, next);
  let exact = 0n;
  for (let i = 0; i < n; i++) exact += BigInt(a[i] * 2 ** 32) * BigInt(b[i] * 2 ** 32);
  return { a, b, exact };
}

test("dot2 gives the exact sum rounded to f64 as high, and the rest within 2(nu)² as low", () => {
  for (const [n, seed] of [[1, 1], [1000, 2], [100_000, 3]]) {
    const { a, b, exact } = exactCase(n, seed);
    const { high, low } = dot2(a, b);
    assert.is(high, Number(exact) / 2 ** 64, `high, n = ${n}`); // Number(bigint) rounds to nearest
    const rest = Number(exact - BigInt(high * 2 ** 64)); // high·2^64 is an integer at these sizes
    const bound = 2 * (n * 2 ** -53) ** 2 * Number(exact);
    assert.ok(Math.abs(low * 2 ** 64 - rest) <= bound, `low, n = ${n}: ${low * 2 ** 64} against ${rest}`);
  }
});

test("relativeError reads the error in fractions of an ulp, against the exact sum", () => {
  for (const [n, seed] of [[1000, 4], [100_000, 5]]) {
    const { a, b, exact } = exactCase(n, seed);
    const reference = dot2(a, b);
    // The demo's case: a result that is the exact sum rounded, whose error one rounded reference reads as 0.
    const rounded = Number(exact) / 2 ** 64;
    let loop = 0;
    for (let i = 0; i < n; i++) loop += a[i] * b[i];
    for (const value of [rounded, loop, rounded * (1 + 2 ** -40)]) {
      const truth = Math.abs(Number(BigInt(value * 2 ** 64) - exact)) / Number(exact);
      const measured = relativeError(value, reference);
      assert.ok(Math.abs(measured - truth) <= 1e-12 * truth + 4 * (n * 2 ** -53) ** 2, `n = ${n}, value ${value}: ${measured} against ${truth}`);
    }
    assert.ok(relativeError(rounded, reference) > 0, "a rounded result's error is not 0");
  }
});

test.run();
