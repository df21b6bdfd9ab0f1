// The seed's example: ten dot products of two float64 vectors of 100M elements, timed on one
// thread and on the pool, printed much as numpy's %time prints them.
import { createPool, dot, free } from "../index.js";
import { MOST_COUNT, type DotJobArgs } from "./args.js";
import { fitLength } from "./memory.js";
import { Progress } from "./progress.js";
import { timeCalls, type CallTimes } from "./time-calls.js";

export async function runDotJob(args: DotJobArgs): Promise<void> {
  // Fitted twice: first so that a machine where nothing fits fails before any worker starts,
  // then once the workers run, since they take memory too (~9 MB each).
  fitLength(args.n);
  await using pool = await createPool({ threads: args.threads });
  const { n, reason } = fitLength(args.n);
  if (reason !== undefined) console.log(reason);
  const gb = (16 * n) / 1e9;
  console.log(`${plural(args.count, "dot product")} of two float64 vectors of ${plural(n, "element")} (${gb.toFixed(2)} GB) on ${plural(pool.threads, "thread")}`);

  const fillStart = performance.now();
  const [a, b] = await Promise.all([pool.arange(n), pool.arange(n)]);
  console.log(`a = b = arange(n), filled in ${(performance.now() - fillStart).toFixed(0)} ms`);
  try {
    const onOneThread = (): Promise<number> => Promise.resolve(dot(a, b));
    const onThePool = (): Promise<number> => pool.dot(a, b);
    // Untimed warm-up, for about 100 ms each, through the loop that times: V8 runs a wasm
    // function's first calls in its baseline tier and swaps in optimised code later (a worker took
    // ~10 calls of 1e6 to get there), and a cold timing loop cost the loop timed first enough to
    // show as a speed-up of ×2 on one thread at 1e4.
    for (const run of [onOneThread, onThePool]) {
      for (const end = performance.now() + WARMUP_MS; performance.now() < end; ) await timeCalls(1, run);
    }
    const [one, all] = ["one thread", `pool (${pool.threads})`] as const;
    const width = Math.max(one.length, all.length);
    const single = await timed(one.padEnd(width), args.count, onOneThread);
    const parallel = await timed(all.padEnd(width), args.count, onThePool);
    report(n, args.count, single, parallel);
  } finally {
    free(a);
    free(b);
  }
}

const WARMUP_MS = 100;
/**
 * The shortest loop whose time means something here: the 2-core VM stalls a thread for 20–100 µs
 * hundreds of times a second, and ten products of 1e4 (25 µs in all) gave speed-ups of ×0.8–1.7
 * on one thread, run to run.
 */
const RELIABLE_MS = 10;

/** `ms` with `decimals` from 1 ms up, and three digits below, where those decimals showed "0.00". */
const milliseconds = (ms: number, decimals: number): string => (ms >= 1 ? ms.toFixed(decimals) : ms.toPrecision(3));

const plural = (count: number, noun: string): string => `${count.toLocaleString("en")} ${noun}${count === 1 ? "" : "s"}`;

async function timed(label: string, count: number, run: () => Promise<number>): Promise<CallTimes> {
  const progress = new Progress(label, count);
  const times = await timeCalls(count, run, (done) => progress.update(done)).catch((error: unknown) => {
    progress.clear(); // the error's line would start on the bar's
    throw error;
  });
  progress.finish(`done: ${plural(count, "product")} in ${times.wallMs.toFixed(1)} ms`);
  return times;
}

/**
 * value − exact, rounded once. A sum of products of integers is an integer whatever its rounding
 * (every double from 2⁵³ up is one), so it is exact in BigInt; any other value is a wrong result,
 * whose error a double shows well enough.
 */
function difference(value: number, exact: bigint): number {
  return Number.isInteger(value) ? Number(BigInt(value) - exact) : value - Number(exact);
}

function report(n: number, count: number, single: CallTimes, parallel: CallTimes): void {
  // a = b = arange(n): Σ i² = (n−1)·n·(2n−1)/6, exact in BigInt, and kept so: rounded to a double
  // first, it would hide the error of a result that rounds to the same double (0 where it is 1e-16).
  const exact = (BigInt(n - 1) * BigInt(n) * BigInt(2 * n - 1)) / 6n;
  parallel.results.forEach((value, i) => {
    const same = Object.is(value, single.results[i]) ? "same bits as one thread" : "DIFFERS from one thread";
    // n = 1 makes the exact sum 0, where a relative error is 0/0: the error is then absolute.
    const error = exact === 0n ? `error ${Math.abs(value).toExponential(1)}` : `relative error ${(Math.abs(difference(value, exact)) / Number(exact)).toExponential(1)}`;
    console.log(`  dot #${i + 1} = ${value.toExponential(15)}  (${same}; ${error})`);
  });
  for (const [name, t] of [["one thread", single], ["pool", parallel]] as const) {
    const per = t.wallMs / t.results.length;
    console.log(
      `${name.padEnd(10)}  CPU times: user ${t.cpuMs.user.toFixed(0)} ms, sys ${t.cpuMs.system.toFixed(0)} ms, total ${(t.cpuMs.user + t.cpuMs.system).toFixed(0)} ms` +
        `  Wall time: ${milliseconds(t.wallMs, 1)} ms (${milliseconds(per, 2)} ms a product, ${((16 * n) / per / 1e6).toFixed(1)} GB/s)`,
    );
  }
  const raise = count < MOST_COUNT ? "raise --count or --n" : "raise --n";
  const short = Math.min(single.wallMs, parallel.wallMs) < RELIABLE_MS ? ` (a loop took under ${RELIABLE_MS} ms: too short to compare; ${raise})` : "";
  console.log(`speed-up: ${(single.wallMs / parallel.wallMs).toFixed(2)}×${short}`);
}
