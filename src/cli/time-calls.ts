// How the main job times a loop of calls: each call's own time, wall and CPU, added up, so that
// what runs between calls (drawing the progress bar, a blocking write on a terminal) is not counted.

export interface CallTimes {
  readonly results: number[];
  readonly wallMs: number;
  /**
   * CPU time of the whole process (its workers too) during the calls, in ms. It leaves out the
   * workers' poll after each job (~50 µs), and Linux may count a running worker's time up to a
   * clock tick late at each reading.
   */
  readonly cpuMs: { readonly user: number; readonly system: number };
}

/** Calls `run` `count` times, `afterEach` after each call but outside its times. */
export async function timeCalls(count: number, run: () => Promise<number>, afterEach?: (done: number) => void): Promise<CallTimes> {
  const results: number[] = [];
  let wallMs = 0;
  let user = 0;
  let system = 0;
  for (let i = 0; i < count; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    results.push(await run());
    wallMs += performance.now() - start;
    const used = process.cpuUsage(cpu);
    user += used.user;
    system += used.system;
    afterEach?.(i + 1);
  }
  return { results, wallMs, cpuMs: { user: user / 1000, system: system / 1000 } };
}
