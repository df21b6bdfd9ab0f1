// How the main job times a loop of calls: each call's own time, added up, so that what runs
// between calls (drawing the progress bar, a blocking write on a terminal) is not counted.

/** Calls `run` `count` times, `afterEach` after each call but outside its time. */
export async function timeCalls(count: number, run: () => Promise<number>, afterEach?: (done: number) => void): Promise<{ results: number[]; wallMs: number }> {
  const results: number[] = [];
  let wallMs = 0;
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    results.push(await run());
    wallMs += performance.now() - start;
    afterEach?.(i + 1);
  }
  return { results, wallMs };
}
