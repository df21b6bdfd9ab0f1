// The public pool: checks arguments, runs small calls inline, stages operands that live outside
// the arena, and hands the rest to the dispatcher. Every path gives the same bits as dot(). Where
// workers cannot share the arena (a page that is not cross-origin isolated) the pool has no
// dispatcher and runs the same jobs on the calling thread, a task at a time (here.ts).
//
// The reference below is kept in pool.d.ts: a Pool is AsyncDisposable, which a consumer's lib
// lacks below ESNext unless @types/node brings it, and the declarations then failed to compile.
/// <reference lib="esnext.disposable" preserve="true" />
import { allocate, arenaBuffer, release } from "../arena/arena.js";
import { addReader, removeReader, type Reader } from "../arena/readers.js";
import { checkLength, handOut } from "../arena/arrays.js";
import { dotChecked, dotChunk } from "../dot/dot.js";
import { CHUNK } from "../dot/scratch.js";
import { arenaRange, BYTES, checkOperands, elements, readInPlace, type Operands, type Precision, type Vector } from "../dot/operands.js";
import { cannotBlock, illegalConstructor, invalidType, poolClosed } from "../errors.js";
import { kernels } from "../kernels/module.js";
import { platform } from "../platform/platform.js";
import { Dispatcher } from "./dispatcher.js";
import { resolveOptions, type PoolOptions } from "./options.js";
import { arangeType, BATCH, checkPairs, copiesMost, inPlaceGroup, matvecShape, operandBytes, productGroup, sumOf, type MatvecShape } from "./arguments.js";
import { dotEachInSteps, readBy } from "./batch-here.js";
import { checkOut, dotEach, matvecHere } from "./inline.js";
import { iotaPlan } from "./fill.js";
import { inSteps, runHere } from "./here.js";
import { settleInline } from "./turns.js";
import type { JobPlan } from "./job.js";
import { dotPlan, reduce, type Group } from "./plan.js";
import { Staging } from "./staging.js";

/**
 * Awaited calls (and batches, matvec and fills) that read fewer bytes per operand than this run
 * on the calling thread: below it, waking workers costs more than it saves. A kernel's time goes
 * with bytes, not elements, so f32 breaks even at twice f64's length. On the 2-core machine,
 * pool(2).dotSync and pool.dot against dot(), one process timing all three (three runs, less
 * those another process disturbed; an earlier build, before dotSync's threshold was split off):
 *   f64    40960: 0.96–1.11× and 0.84–0.96×     65536: 1.35–1.37× and 1.20–1.24×
 *   f32    65536: 0.85–0.88× and 0.67–0.77×     81920: 1.00–1.13× and 0.81–1.00×
 *         131072: 1.38–1.41× and 1.20–1.28×
 * So 512 KiB an operand: where both types clearly gain.
 */
export const INLINE_BYTES = 512 * 1024;

/**
 * The same threshold for a blocking call (pool.dotSync), lower: its caller computes a share and
 * spins for the end, where an awaited call gives its loop turns and pays them. bench/edge.js on
 * the 2-core VM (pool(2), 2026-11-27, three runs, f64), a job's time over inline's at 128, 192,
 * 256, 320, 384 and 512 KiB: blocking 0.95–1.38, 0.80–0.89, 0.76–0.83, 0.79–1.22, 0.66–1.05,
 * 0.72–0.77; awaited 1.44–1.90, 1.19–1.29, 1.00–1.15, 1.04–1.50, 0.82–1.37, 0.90–0.97. Against
 * 512 KiB for both, in one process (bench/ab.js, three runs), pool(2).dotSync of 32768 to 65535
 * f64 took 0.79–0.93× the time; a dotSync and an awaited pool.dot in turn on the same arrays
 * 0.96–1.07×, as the workers' poll after the blocking job takes a core from the awaited call
 * inline.
 */
export const BLOCKING_INLINE_BYTES = INLINE_BYTES / 2;

/** Whether an awaited call reading `bytes` per operand runs on the calling thread. */
const runsInline = (bytes: number): boolean => bytes < INLINE_BYTES;

/**
 * A dotBatch whose pairs' operands are shorter than this on average runs on the calling thread
 * at any size (batch-here.ts), as does one that copies in most of what it reads: a short pair
 * costs that thread more on the job path (its checks, group, task and partial) than a dot() of
 * it there, and a copy made whole for the workers goes out to memory and back, where a chunk
 * copied here stays in cache. A loop of dot against pool(2).dotBatch, in turn in one process
 * (2-core VM, 2026-11-27, medians of 9–200 rounds), from 1.5 to 128 times INLINE_BYTES an
 * operand: arena pairs of 8 and 64 f64 took the loop 0.34–0.80× the job's time, pairs of 256
 * 0.43–1.00×, pairs of 1024 and 4096 1.33–1.38× at 128 times (0.28–0.93× below 32 times, where
 * the data sits in cache); number[] pairs of 512 to 1e6, all copied, 0.70–0.83×.
 */
const SHORT_PAIR_BYTES = 256 * 8;

/** Reaches the dispatcher from tests, without making it public API. */
export const internals = Symbol("kernelpool.internals");

/**
 * What makePool passes the constructor, so that `new Pool()` from JavaScript is refused too; to
 * TypeScript the constructor is private.
 */
const fromCreatePool = Symbol("createPool");

/** createPool's way to the private constructor, set in Pool's static block. */
let makePool: (dispatcher: Dispatcher | undefined, singleThreadReason: string | undefined) => Pool;

type State = "open" | "closing" | "closed" | "destroyed";

export class Pool implements AsyncDisposable {
  readonly #dispatcher: Dispatcher | undefined;
  #state: State = "open";
  #closing: Promise<void> | undefined;
  /** What the first destroy() returned: later destroy() and close() calls wait for it too. */
  #destroying: Promise<void> | undefined;
  /** Calls computing on the calling thread (here.ts), which close() waits for as for jobs. */
  readonly #here = new Set<Promise<unknown>>();
  /**
   * Why this pool computes on the calling thread alone, or undefined when it has workers. In a
   * browser: the page is not cross-origin isolated, so the shared memory cannot reach workers.
   */
  readonly singleThreadReason: string | undefined;

  /** Use createPool(). */
  private constructor(token: typeof fromCreatePool, dispatcher: Dispatcher | undefined, singleThreadReason: string | undefined) {
    if (token !== fromCreatePool) throw illegalConstructor("Pool", "await createPool(options)");
    this.#dispatcher = dispatcher;
    this.singleThreadReason = singleThreadReason;
  }

  static {
    makePool = (dispatcher, singleThreadReason) => new Pool(fromCreatePool, dispatcher, singleThreadReason);
  }

  /** How many threads compute: the number of workers, or 1 for the calling thread alone. */
  get threads(): number {
    if (!Pool.#isPool(this)) throw detached("pool.threads", this);
    return this.#dispatcher?.threads ?? 1;
  }

  /**
   * The dot product of a and b, computed by the workers; the same bits as dot(a, b).
   * Calls shorter than INLINE_BYTES an operand run at once on the calling thread.
   *
   * @example
   * await pool.dot(f64([1, 2, 3]), f64([4, 5, 6])); // returns 32
   */
  dot(a: Vector, b: Vector): Promise<number> {
    let operands: Operands;
    try {
      Pool.#checkOpen(this, "pool.dot(a, b)");
      operands = checkOperands("pool.dot(a, b)", a, b);
      const bytes = operandBytes([operands]);
      if (runsInline(bytes)) return settleInline(dotChecked(operands, "pool.dot(a, b)"), bytes);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#dispatcher === undefined || operands.x < 0 || operands.y < 0) return this.#onThisThread(readInPlace(operands), () => this.#dotHere(operands));
    return this.#runJob("pool.dot(a, b)", dotPlan([inPlaceGroup(operands)]), sumOf);
  }

  /**
   * As pool.dot, but blocks until done, with the calling thread computing a share, and goes to
   * the workers from half pool.dot's length (BLOCKING_INLINE_BYTES). Needs a thread that may
   * block (Atomics.wait): on a browser's main thread it throws ERR_KP_CANNOT_BLOCK, whatever the
   * length. While async calls are in flight it runs on the calling thread alone, so it never
   * waits behind them; so does a call that finds the workers asleep where waking them would not
   * pay (waking.ts).
   *
   * @example
   * pool.dotSync(f64([1, 2]), f64([3, 4])); // returns 11
   */
  dotSync(a: Vector, b: Vector): number {
    Pool.#checkOpen(this, "pool.dotSync(a, b)");
    // Thrown for short calls too, so code that works on small data does not fail on large.
    if (!platform().canBlock()) throw cannotBlock("pool.dotSync(a, b)", "pool.dot(a, b)");
    const operands = checkOperands("pool.dotSync(a, b)", a, b);
    const dispatcher = this.#dispatcher;
    // Operands that must be copied run on this thread: copying is the larger part of the work,
    // and dot()'s chunked copy stays in cache (#dotHere has the figures).
    const bytes = operandBytes([operands]);
    if (bytes < BLOCKING_INLINE_BYTES || dispatcher === undefined || dispatcher.busy || operands.x < 0 || operands.y < 0) {
      return dotChecked(operands, "pool.dotSync(a, b)");
    }
    // The job reads both operands. A plan is made only for a job: after a pause every step of
    // this path runs cold, and the caller alone needs none.
    return dispatcher.runBlocking(
      2 * bytes,
      () => dotChecked(operands, "pool.dotSync(a, b)"),
      () => sumOf(dispatcher.runSync(dotPlan([inPlaceGroup(operands)]))),
    );
  }

  /**
   * The dot product of each pair [a, b], as a Float64Array; the same bits as dot() on each.
   * On the workers, small products are spread across threads whole, long ones block by block; a
   * batch of short pairs, or one that copies in most of what it reads, runs on this thread in
   * steps (SHORT_PAIR_BYTES says why).
   *
   * @example
   * await pool.dotBatch([[f64([1, 2]), f64([3, 4])], [[1], [5]]]); // returns Float64Array [11, 5]
   */
  dotBatch(pairs: readonly (readonly [Vector, Vector])[]): Promise<Float64Array> {
    const where = BATCH;
    let checked: Operands[];
    try {
      Pool.#checkOpen(this, where);
      checked = checkPairs(where, pairs);
      const bytes = operandBytes(checked);
      if (runsInline(bytes)) return settleInline(dotEach(checked), bytes);
      if (bytes < checked.length * SHORT_PAIR_BYTES || copiesMost(checked)) {
        return this.#onThisThread(readBy(checked), () => dotEachInSteps(checked, () => this.#stopped(where)));
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const results = new Float64Array(checked.length);
    return this.#run(where, (staging) => checked.map((p, i) => productGroup(where, i, p, staging)), (partials, groups) => {
      reduce(groups, partials, results);
      return results;
    });
  }

  /**
   * y = matrix · x for a row-major matrix of x.length columns, written to `out` (or to a new
   * array) of the matrix's type. Each y[i] has the bits of dot(row i, x), rounded to f32 for an
   * f32 matrix. `out` may overlap the matrix or x: it is written only once every row is summed.
   *
   * @example
   * await pool.matvec(f64([1, 2, 3, 4]), f64([1, 1])); // returns Float64Array [3, 7]
   */
  matvec<M extends Vector>(matrix: M, x: Vector, out?: M extends Float32Array ? Float32Array : Float64Array): Promise<M extends Float32Array ? Float32Array : Float64Array> {
    type Out = M extends Float32Array ? Float32Array : Float64Array;
    const where = "pool.matvec(matrix, x, out)";
    let shape: MatvecShape;
    try {
      Pool.#checkOpen(this, where);
      shape = matvecShape(where, matrix, x, out);
      const bytes = shape.rows * shape.columns * BYTES[shape.precision];
      if (runsInline(bytes)) return settleInline(matvecHere(where, matrix, x, shape) as Out, bytes);
    } catch (error) {
      return Promise.reject(error);
    }
    const { precision, rows, columns, target } = shape;
    const width = BYTES[precision];
    return this.#run(
      where,
      (staging) => [
        { precision, x: staging.pointer(where, "matrix", matrix, precision, rows * columns), y: staging.pointer(where, "x", x, precision, columns), n: columns, count: rows, strideX: columns * width, strideY: 0 },
      ],
      (partials, groups) => {
        checkOut(where, target, rows);
        reduce(groups, partials, target);
        return target as Out;
      },
      // Written when the job ends: free() must not give it to another array meanwhile.
      arenaRange(target),
    );
  }

  /**
   * [0, 1, …, n − 1] as a new arena array, filled by the workers a slice each, as numpy's
   * arange(n) makes a vector. Short fills run on the calling thread. Free it with free().
   *
   * @example
   * await pool.arange(4); // returns Float64Array [0, 1, 2, 3]
   */
  arange<P extends Precision = "f64">(n: number, type?: P): Promise<P extends "f32" ? Float32Array : Float64Array> {
    type Out = P extends "f32" ? Float32Array : Float64Array;
    const where = "pool.arange(n, type)";
    let precision: Precision;
    let ptr: number;
    try {
      Pool.#checkOpen(this, where);
      precision = arangeType(where, type);
      if (typeof n !== "number") throw invalidType(`${where}: n`, "a number", n);
      checkLength(`${where}: n`, n);
      ptr = allocate(n * BYTES[precision], false, where);
    } catch (error) {
      return Promise.reject(error);
    }
    // Handed out only once filled: free() must never take an array whose fill failed, since its
    // block is given back here and may then be anyone's.
    const array = elements(precision, arenaBuffer(), ptr, n) as Out;
    if (runsInline(n * BYTES[precision])) {
      const k = kernels().kernels;
      (precision === "f64" ? k.iotaF64 : k.iotaF32)(ptr, n, 0);
      return settleInline(handOut(array), n * BYTES[precision]);
    }
    return this.#runJob(where, iotaPlan(ptr, n, precision), () => handOut(array)).catch((error: unknown) => {
      release(ptr);
      throw error;
    });
  }

  /** Lets queued and running calls finish, then stops the workers. Later calls reject. */
  close(): Promise<void> {
    if (!Pool.#isPool(this)) return Promise.reject(detached("pool.close()", this));
    if (this.#state === "destroyed") return this.#destroying ?? Promise.resolve();
    if (this.#state === "closed") return Promise.resolve();
    this.#state = "closing";
    this.#closing ??= (async () => {
      // A call whose argument checks ran code that called close() (a getter, a Proxy's trap)
      // joins #here once they return, after this began: so look from a microtask on. No call
      // joins later, since every call joins in its own method, and calls after close() throw.
      await null;
      await Promise.allSettled(this.#here);
      await this.#dispatcher?.whenIdle();
      await this.#dispatcher?.stop();
      // destroy() may have come while this waited; the pool then stays destroyed.
      if (this.#state === "closing") this.#state = "closed";
    })();
    return this.#closing;
  }

  /**
   * Stops the workers now: queued and running calls reject. On a closed pool it does nothing; on
   * a destroyed one it resolves when the first destroy() does.
   */
  destroy(): Promise<void> {
    if (!Pool.#isPool(this)) return Promise.reject(detached("pool.destroy()", this));
    if (this.#state === "closed") return Promise.resolve();
    if (this.#state !== "destroyed") {
      this.#state = "destroyed";
      this.#destroying = this.#dispatcher?.destroy((where) => poolClosed(where, "destroyed"));
    }
    return this.#destroying ?? Promise.resolve();
  }

  /** `await using pool = await createPool()` closes the pool at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    if (!Pool.#isPool(this)) return Promise.reject(detached("pool[Symbol.asyncDispose]()", this));
    return this.close();
  }

  /** @internal */
  get [internals](): Dispatcher | undefined {
    return this.#dispatcher;
  }

  /**
   * pool.dot on this thread, one chunk at a time, with turns of the event loop between (here.ts):
   * for a pool without workers (a page that is not cross-origin isolated), and for operands that
   * must be copied in. Only this thread can read those, and copying is most of the work: handing
   * whole copies to the workers took 2.4–3 ms for 1e6 f64 on the 2-core VM, against 0.95 ms
   * here, since each copy then goes out to DRAM or into lines another core holds.
   */
  async #dotHere(operands: Operands): Promise<number> {
    const where = "pool.dot(a, b)";
    let sum = 0;
    const chunk = (i: number) => void (sum = dotChunk(operands, i * CHUNK, sum, where));
    await inSteps(Math.ceil(operands.n / CHUNK), chunk, () => this.#stopped(where));
    return sum;
  }

  /** Runs a job on the workers, or on this thread in a pool without them; `finish` reads its partials. */
  #runJob<T>(where: string, plan: JobPlan, finish: (partials: Float64Array) => T): Promise<T> {
    const dispatcher = this.#dispatcher;
    if (dispatcher === undefined) return this.#onThisThread((start, end) => plan.touches(start, end), () => runHere(plan, () => this.#stopped(where), finish));
    return new Promise<T>((resolve, reject) => dispatcher.runAsync(plan, where, (partials) => resolve(finish(partials)), reject));
  }

  /**
   * Starts a call on this thread and keeps it among the calls close() waits for until it settles,
   * and meanwhile has free() refuse the arena bytes it `touches` (arena/readers.ts). Both hold
   * before `start` runs: its first step runs before it returns, and an element getter there may
   * call free() or close().
   */
  #onThisThread<T>(touches: Reader, start: () => Promise<T>): Promise<T> {
    let settle!: () => void;
    const untilSettled = new Promise<void>((resolve) => (settle = resolve));
    this.#here.add(untilSettled);
    addReader(touches);
    let call: Promise<T>;
    try {
      call = start();
    } catch (error) {
      call = Promise.reject(error);
    }
    const settled = () => {
      this.#here.delete(untilSettled);
      removeReader(touches);
      settle();
    };
    call.then(settled, settled);
    return call;
  }

  /** The error for a call that was waiting on this thread when the pool was destroyed. */
  #stopped(call: string): Error | undefined {
    return this.#state === "destroyed" ? poolClosed(call, "destroyed") : undefined;
  }

  /**
   * Throws unless `self`, a method's `this`, is an open pool. A method passed on its own, as in
   * `[1, 2].map(pool.arange)`, has no pool: that gets a TypeError that says so, not the engine's.
   */
  static #checkOpen(self: unknown, call: string): asserts self is Pool {
    if (!Pool.#isPool(self)) throw detached(call, self);
    if (self.#state !== "open") throw poolClosed(call, self.#state === "destroyed" ? "destroyed" : "closed");
  }

  static #isPool(self: unknown): self is Pool {
    return typeof self === "object" && self !== null && #state in self;
  }

  /**
   * Stages operands, runs the job (#runJob), and gives back the staged copies however it ends.
   * Operands from outside the arena are copied first, on this thread between turns, and the
   * call counts among those close() waits for until it settles.
   */
  #run<T>(
    where: string,
    build: (staging: Staging) => Group[],
    finish: (partials: Float64Array, groups: Group[]) => T,
    target?: readonly [start: number, end: number],
  ): Promise<T> {
    const staging = new Staging();
    let groups: Group[];
    try {
      groups = build(staging);
    } catch (error) {
      staging.release();
      return Promise.reject(error);
    }
    const plan = dotPlan(groups, target);
    const job = () => this.#runJob(where, plan, (partials) => finish(partials, groups));
    if (!staging.pending) return job().finally(() => staging.release());
    // The job starts a microtask after the copy, when destroy() may have come: then the dispatcher
    // refuses it (runAsync), or a pool without workers stops before its first task (inSteps).
    return this.#onThisThread(
      (start, end) => plan.touches(start, end),
      () => staging.copy(() => this.#stopped(where)).then(job).finally(() => staging.release()),
    );
  }
}

/** The error for a pool method called without its pool as `this`. */
function detached(call: string, self: unknown): TypeError {
  return invalidType(`${call}: this`, `the pool (call the method on it, or bind it)`, self);
}

/**
 * Starts a pool of workers that share this thread's arena and compiled kernels. Where workers
 * cannot share the arena, the pool runs on the calling thread alone and says why in
 * pool.singleThreadReason; it does not throw.
 *
 * @example
 * const pool = await createPool({ threads: 2 });
 * pool.threads; // returns 2
 */
export async function createPool(options?: PoolOptions): Promise<Pool> {
  const { threads } = resolveOptions(options);
  const loaded = kernels();
  const unavailable = platform().workersUnavailable();
  if (unavailable !== undefined) return makePool(undefined, unavailable);
  return makePool(await Dispatcher.start(threads, loaded.kernels, loaded.module, platform().startWorker), undefined);
}
