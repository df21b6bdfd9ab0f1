// Waits, a millisecond at a time, for what another thread or the event loop brings about.

/**
 * Resolves once `condition()` (which may be async) returns true; throws, naming `what`, if it
 * has not within `ms`.
 */
export async function until(condition, what, ms = 10_000) {
  for (const end = Date.now() + ms; !(await condition()); ) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** What `promise` settles to, or "hung" if it has not within `ms`. The timer never outlives it. */
export async function orHung(promise, ms = 10_000) {
  let timer;
  const hung = new Promise((resolve) => (timer = setTimeout(() => resolve("hung"), ms)));
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}
