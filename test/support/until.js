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
