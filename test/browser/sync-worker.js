// Runs in a dedicated or a shared Web Worker, both of which may block (HTML, [[CanBlock]]):
// pool.dotSync must work here and give the bits of dot(), as a job on the workers too where this
// worker is cross-origin isolated, as a dedicated one of an isolated page is (support/sync-job.js
// says how; Chromium isolates no shared worker). Module workers do not see the
// page's import map, hence the paths.

// A shared worker answers on the port of the page that connects, and must listen before its first
// await: the connect event comes while the kernels' module awaits their fetch, and unheard, is lost.
const replyTo =
  "SharedWorkerGlobalScope" in globalThis ? new Promise((resolve) => (globalThis.onconnect = (event) => resolve(event.ports[0]))) : Promise.resolve(globalThis);
// A failure is answered too: thrown, it would leave the page waiting for an answer that never comes.
try {
  const { createPool, dot, f64, free } = await import("/dist/index.browser.js");
  const { bits, fillRandom } = await import("../support/seeded.js");
  const { dotSyncAsJob } = await import("../support/sync-job.js");
  const pool = await createPool({ threads: 2 });
  const a = fillRandom(f64(1_000_000), 41);
  const b = fillRandom(f64(1_000_000), 42);
  const expected = bits(dot(a, b));
  const alone = bits(pool.dotSync(a, b)) === expected; // a fresh pool: on this thread alone
  // A pool without workers (a worker that is not isolated) has no job to run.
  const same = alone && (pool.threads === 1 || bits(await dotSyncAsJob(pool, a, b)) === expected); // throws if it never ran as a job
  free(a);
  free(b);
  await pool.close();
  (await replyTo).postMessage({ threads: pool.threads, isolated: globalThis.crossOriginIsolated === true, same });
} catch (error) {
  (await replyTo).postMessage({ error: String(error?.stack ?? error) });
}
