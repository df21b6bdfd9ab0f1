// The demo page's timing (demo/measure.js), on a virtual clock that ticks as a cross-origin
// isolated page's does (5 µs) and advances only by what the timed calls cost.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interleavedMedians } from "../demo/measure.js";
import { withClock } from "./support/clock.js";

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

test.run();
