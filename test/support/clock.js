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
