// Runs a test body with performance.now replaced, so code that times itself sees a clock the
// test controls. Worker threads keep their own.

/** Runs `body` with performance.now() returning `now()`, then puts the real clock back. */
export async function withClock(now, body) {
  const real = Object.getOwnPropertyDescriptor(globalThis, "performance");
  Object.defineProperty(globalThis, "performance", { configurable: true, value: { now } });
  try {
    return await body();
  } finally {
    Object.defineProperty(globalThis, "performance", real);
  }
}

/** Holds this thread for `ms` of the real clock, as synchronous work would. */
export function busyFor(ms) {
  for (const end = performance.now() + ms; performance.now() < end; );
}
