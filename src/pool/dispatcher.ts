// Runs jobs on the workers through the control block (layout.ts), one job at a time. A job is a
// JobPlan (job.ts); its result is the array of partial sums its tasks wrote, read by `finish`
// before the next job may overwrite them. No message is posted per job: only Atomics on shared
// words.
import { allocate, arenaBuffer, arenaMemory, release } from "../arena/arena.js";
import { addReader, removeReader, type Reader } from "../arena/readers.js";
import { poolClosed, workerLost } from "../errors.js";
import { platform } from "../platform/platform.js";
import type { KernelExports } from "../kernels/exports.js";
import { JobArea, taskElements } from "./job-area.js";
import { owesTurn, takeTurn, tookTurn } from "./turns.js";
import { PollBudget } from "./waiting.js";
import { jobWake, WakingRule } from "./waking.js";
import { type Claimer, claimOneTask, claimOthers, claimTasks, clearRanges, closeRanges, NONE_LEFT, OPENED_GROUP, openRanges, tasksLeft } from "./claims.js";
import { CALLER, CONTROL_BYTES, DONE, EPOCH, FAILED, NTASKS, stateWord, STOP } from "./layout.js";
import { STEPPED_TASK_ELEMENTS, type JobPlan } from "./job.js";
import type { StartWorker } from "./worker-handle.js";
import { WorkerSlots } from "./worker-slots.js";

/**
 * How long the host polls DONE before it sleeps, in ms. A blocking call spins up to 0.2 ms: a
 * futex sleep and wake-up costs about 18 µs on the 2-core machine, against 1 µs for a poll.
 */
const SYNC_SPIN_MS = 0.2;
/**
 * How long an async call polls DONE before it yields to the event loop, in ms: about one block's
 * compute, so a job that is nearly done is caught without the ~11 µs trip through waitAsync.
 */
const ASYNC_SPIN_MS = 0.002;
/** How often a blocking call asleep on DONE looks through the ranges again, in ms (runSync). */
const RESCAN_MS = 1;
/**
 * How long a polling caller computes before it gives its event loop a turn, in ms: about one step
 * of work on the calling thread in Node (here.ts), a task of 16 blocks of arena data in cache. It
 * runs tasks until this has passed, and always one at least.
 */
const CALLER_SLICE_MS = 0.015;

/**
 * What the calling thread does while a job runs: computes a share at a stretch (a blocking call),
 * computes tasks between turns of its event loop (an awaited call that polls), or sleeps.
 */
type CallerRole = "computes" | "steps" | "sleeps";

interface AsyncJob {
  readonly plan: JobPlan;
  /** The call that made the job, such as "pool.dot(a, b)", to name it in errors. */
  readonly where: string;
  readonly finish: (partials: Float64Array) => void;
  readonly fail: (error: Error) => void;
  tasks: number;
  /** Set when a worker died holding one of its tasks: the job failed, stragglers may still run. */
  abandoned: boolean;
  /** What a task run on the calling thread threw; the job fails with it once its tasks are done. */
  trap?: unknown;
  /** Set when the calling thread's claim opened a group, which its later slices look through. */
  openedGroup?: boolean;
}

export class Dispatcher {
  readonly threads: number;
  readonly #kernels: KernelExports;
  #control: number;
  readonly #ctrl: Int32Array;
  /** The calling thread's claims on the control block, with its own instance of the kernels. */
  readonly #claimer: Claimer;
  readonly #area = new JobArea();
  readonly #workers: WorkerSlots;
  readonly #queue: AsyncJob[] = [];
  #running: AsyncJob | undefined;
  #stopped = false;
  #holding = false;
  #idle: (() => void)[] = [];
  #callerTasks = 0;
  #jobs = 0;
  #callsAlone = 0;
  /** When the calling thread last got its event loop back: a turn, or a call from outside. */
  #holdingSince = 0;
  /** Whether a blocking call wakes sleeping workers, learnt from calls and jobs as they end. */
  readonly #waking: WakingRule;
  /** Whether runSync times the job it runs: set by runBlocking for a job that finds the workers asleep. */
  #timeJob = false;
  /**
   * What runSync saw of that job: the elements of an operand its tasks read, and how long the
   * caller took to run how many of them; undefined until this call's job has run.
   */
  #timed: TimedJob | undefined;
  /** How long an async call polls for its job, learnt from the jobs' times. */
  readonly #pollBudget: PollBudget;
  /** The job running when destroy() came, until its workers are gone: they may still read it. */
  #dying: AsyncJob | undefined;
  /** What the first destroy() returned, which stop() waits for if it came meanwhile. */
  #destroying: Promise<void> | undefined;
  /**
   * Whether a running, queued or dying job may read or write arena bytes in [start, end): free()
   * asks while the pool holds its memory (arena/readers.ts).
   */
  readonly #touches: Reader = (start, end) =>
    this.#running?.plan.touches(start, end) === true ||
    this.#dying?.plan.touches(start, end) === true ||
    this.#queue.some((job) => job.plan.touches(start, end));

  private constructor(threads: number, kernels: KernelExports, module: WebAssembly.Module, startWorker: StartWorker) {
    this.threads = threads;
    this.#waking = new WakingRule(threads);
    this.#pollBudget = new PollBudget(threads);
    this.#kernels = kernels;
    this.#control = allocate(CONTROL_BYTES, true, "the pool's control block");
    this.#ctrl = new Int32Array(arenaMemory().buffer, this.#control, CONTROL_BYTES / 4);
    this.#claimer = { ctrl: this.#ctrl, claimTask: kernels.claimTask };
    const control = this.#control;
    const start = (index: number, abandon: AbortSignal) => {
      // A slot's STATE is cleared before its worker starts (#quiesce counts every slot).
      Atomics.store(this.#ctrl, stateWord(index), 0);
      return startWorker({ module, memory: arenaMemory(), control, index, ranges: threads }, abandon);
    };
    this.#workers = new WorkerSlots(threads, start, (index, cause) => this.#lost(index, cause), platform().startStallMs);
    addReader(this.#touches);
  }

  /** A dispatcher whose `threads` workers are all running; rejects if any fails to start. */
  static async start(threads: number, kernels: KernelExports, module: WebAssembly.Module, startWorker: StartWorker): Promise<Dispatcher> {
    const dispatcher = new Dispatcher(threads, kernels, module, startWorker);
    // The workers are unref'd from their start. A failed start waits for the ones still starting
    // (WorkerSlots) before it gives the memory back, and with nothing else pending a process then
    // ended in that wait (uvu exited early, twice in two runs, before this hold).
    platform().holdProcessOpen(true);
    try {
      await dispatcher.#workers.fillAll();
    } catch (error) {
      await dispatcher.destroy(() => error as Error);
      throw error;
    } finally {
      platform().holdProcessOpen(false);
    }
    return dispatcher;
  }

  /** Whether an async job is running or queued: a blocking call must not publish over it. */
  get busy(): boolean {
    return this.#running !== undefined || this.#queue.length > 0;
  }

  /**
   * Runs a blocking call that reads `bytes`: `alone` on the calling thread, the workers left
   * asleep, where waking them would cost it more than they save, else `asJob`, which runs a job
   * through runSync. The rule learns from its time, and from what waking cost a job that found
   * them asleep, against the pace of the caller's own tasks in that job (waking.ts, jobWake).
   */
  runBlocking<T>(bytes: number, alone: () => T, asJob: () => T): T {
    const start = performance.now();
    if (this.#waking.wakes(bytes, start)) {
      let result: T;
      this.#timeJob = !this.#waking.foundPolling(start);
      this.#timed = undefined;
      try {
        result = asJob();
      } catch (error) {
        // Its time says nothing of waking, but the workers may poll again now.
        this.#waking.jobEnded(performance.now());
        throw error;
      } finally {
        this.#timeJob = false;
      }
      const end = performance.now();
      // Set by runSync within asJob, which the compiler cannot see from here. A job that ran no
      // runSync (none does but a test's) is taken as the caller's alone.
      const timed = (this.#timed as TimedJob | undefined) ?? UNTIMED;
      this.#waking.ranJob(bytes, start, end, () => jobWake(end - start, timed.callerMs, timed.callerElements, timed.elements, this.threads));
      return result;
    }
    this.#callsAlone++;
    const result = alone();
    this.#waking.ranAlone(bytes, start, performance.now());
    return result;
  }

  /** Runs a job with the calling thread taking a share, blocking until it is done. */
  runSync(plan: JobPlan): Float64Array {
    const tasks = this.#publish(plan, "computes");
    // A timed job counts the elements of the caller's tasks: its short tasks (a product's last
    // blocks) sit at the end of the last range, so a count of tasks took the pace of full ones
    // for them, and the wake came out 7–9% of the time alone low at 1e5–2e6 f64 on 2 threads.
    const words = this.#timeJob ? new Uint32Array(arenaBuffer()) : undefined;
    const computing = words ? performance.now() : 0;
    let callerElements = 0;
    const ctrl = this.#ctrl;
    let trap: unknown;
    const runHere = (task: number): boolean => {
      if (words) callerElements += taskElements(words, task);
      trap ??= this.#runOnCaller(task);
      return true;
    };
    // The calling thread takes worker 0's seat and range (layout.ts).
    claimTasks(this.#claimer, 0, this.threads, runHere);
    if (words) this.#timed = { elements: this.#area.elements(words, tasks), callerMs: performance.now() - computing, callerElements };
    spinUntilDone(ctrl, tasks, SYNC_SPIN_MS);
    // Asleep, it looks through the ranges again now and then. A group can open after its pass,
    // and a worker that opens one drains it, unless a kernel traps there first; with that
    // group's owners asleep on EPOCH, only this thread would take its tasks.
    for (let done = Atomics.load(ctrl, DONE); done < tasks; done = Atomics.load(ctrl, DONE)) {
      if (Atomics.wait(ctrl, DONE, done, RESCAN_MS) === "timed-out") claimOthers(this.#claimer, 0, this.threads, runHere);
    }
    if (trap !== undefined) throw trap;
    const failed = Atomics.load(ctrl, FAILED);
    if (failed !== 0) throw workerLost(failed - 1, new Error("a kernel trapped in that worker"));
    return this.#area.partialsView(plan.partials);
  }

  /**
   * Queues a job, left to the workers or polled for with a share on the calling thread
   * (waiting.ts); `finish` reads the partials before the next job starts.
   */
  runAsync(plan: JobPlan, where: string, finish: (partials: Float64Array) => void, fail: (error: Error) => void): void {
    // Only destroy() can stop the workers under a call still on its way here (one that copied its
    // operands over several turns): close() waits for such calls first.
    if (this.#stopped) return fail(poolClosed(where, "destroyed"));
    this.#queue.push({ plan, where, finish, fail, tasks: 0, abandoned: false });
    // Otherwise a job is running, or the next one's start is pending (#startNextSoon): this one
    // follows them.
    if (this.#running === undefined && this.#queue.length === 1) {
      this.#holdingSince = performance.now();
      this.#startNext();
    }
  }

  /** Resolves once no job is running or queued. */
  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Asks every worker to leave its loop and waits for all of them to exit. Does nothing once the
   * pool's memory is given back (after stop or destroy): that memory may hold a user's arrays or
   * another pool's control block by then.
   */
  async stop(): Promise<void> {
    if (this.#control === 0) return;
    platform().holdProcessOpen(true);
    this.#signalStop();
    await this.#workers.exited();
    platform().holdProcessOpen(false);
    // A destroy() that came meanwhile gives the memory back itself once it has failed its job,
    // and free() must refuse that job's arrays until then: freed here, the output of a matvec
    // still pending could be freed.
    if (this.#destroying !== undefined) return this.#destroying;
    this.#freeMemory();
  }

  /**
   * Fails every queued and running job with the error `errorFor` makes for its call and
   * terminates the workers at once. Does nothing once the pool's memory is given back, as stop().
   */
  destroy(errorFor: (where: string) => Error): Promise<void> {
    this.#destroying ??= this.#destroy(errorFor);
    return this.#destroying;
  }

  async #destroy(errorFor: (where: string) => Error): Promise<void> {
    if (this.#control === 0) return;
    closeRanges(this.#ctrl, this.threads);
    // Wake sleepers and tell them to leave before terminating them: Chromium (156, probed) keeps
    // a Web Worker terminated inside Atomics.wait on the wait list until a notify reaches it.
    // The first counted notify(EPOCH, count) at this address, perhaps the next pool's whose
    // control block reuses it, would then count it and wake one live worker fewer.
    this.#signalStop();
    for (const job of this.#queue.splice(0)) job.fail(errorFor(job.where));
    const running = (this.#dying = this.#running);
    this.#running = undefined;
    this.#holdProcess(false);
    this.#notifyIdle();
    platform().holdProcessOpen(true);
    await this.#workers.terminate();
    // Failed only now: until the workers are gone they may still write into the job's memory
    // (an arange's array), which its caller frees on failure, and free() must refuse its arrays.
    this.#dying = undefined;
    running?.fail(errorFor(running.where));
    platform().holdProcessOpen(false);
    this.#freeMemory();
  }

  /** Tells every worker to leave its loop, waking the sleeping ones; no job starts after it. */
  #signalStop(): void {
    this.#stopped = true;
    Atomics.store(this.#ctrl, STOP, 1);
    Atomics.add(this.#ctrl, EPOCH, 1);
    Atomics.notify(this.#ctrl, EPOCH);
    this.#leaveSeat();
  }

  /** Tasks the calling thread has run, for tests: its share of blocking and polled jobs. */
  get callerTasks(): number {
    return this.#callerTasks;
  }

  /** The control block's address, for tests; 0 once the pool has given its memory back. */
  get controlAddress(): number {
    return this.#control;
  }

  /** Jobs published so far, for tests: a call that runs inline publishes none. */
  get jobs(): number {
    return this.#jobs;
  }

  /** What runSync saw of the last timed job (a blocking one that found the workers asleep), for tests. */
  get timedJob(): TimedJob | undefined {
    return this.#timed;
  }

  /** Blocking calls run on the calling thread alone so far (runBlocking), for tests. */
  get callsAlone(): number {
    return this.#callsAlone;
  }

  /** The platform's worker objects, for tests that kill one from outside. */
  rawWorkers(): unknown[] {
    return this.#workers.raw();
  }

  /** For each worker, whether it may hold a claimed task right now (diagnostics and tests). */
  holdingTasks(): boolean[] {
    return Array.from({ length: this.threads }, (_, index) => Atomics.load(this.#ctrl, stateWord(index)) === 1);
  }

  /**
   * For tests: whether worker 0 sleeps in the caller's seat (layout.ts). Finding out wakes it;
   * it sees CALLER still set and sleeps again.
   */
  sittingOut(): boolean {
    return Atomics.notify(this.#ctrl, CALLER) > 0;
  }

  /**
   * Writes the job's tasks (or keeps the last job's table, JobArea), makes them claimable and
   * wakes as many sleeping workers as it has tasks for; returns how many there are. Where the
   * caller computes, worker 0 sits out.
   */
  #publish(plan: JobPlan, caller: CallerRole): number {
    const tasks = this.#area.write(plan, this.threads, caller === "steps" ? STEPPED_TASK_ELEMENTS : Infinity);
    const callerComputes = caller !== "sleeps";
    this.#jobs++;
    const ctrl = this.#ctrl;
    Atomics.store(ctrl, FAILED, 0);
    Atomics.store(ctrl, NTASKS, tasks);
    Atomics.store(ctrl, DONE, 0);
    if (callerComputes) Atomics.store(ctrl, CALLER, 1);
    openRanges(ctrl, tasks, this.#area.tasks, this.threads);
    Atomics.add(ctrl, EPOCH, 1);
    // Counted over every worker: worker 0 may still sleep on EPOCH, and then sits out on waking.
    Atomics.notify(ctrl, EPOCH, Math.min(tasks, this.threads));
    if (!callerComputes) this.#leaveSeat();
    return tasks;
  }

  /**
   * Has every worker look through every range once more, as on a new job: bumps EPOCH and wakes
   * all. For a caller that opened a group and stops computing: the group's owners may have gone
   * to sleep before it opened (claims.ts), and worker 0 may be asleep on EPOCH rather than on
   * CALLER. A worker about to sleep finds EPOCH moved, so none misses it. Only then: waking
   * every sleeper costs the calling thread a futex wake each (up to ~0.3 ms apiece here).
   */
  #lookAgain(): void {
    Atomics.add(this.#ctrl, EPOCH, 1);
    Atomics.notify(this.#ctrl, EPOCH);
  }

  /** Gives worker 0 its seat back (layout.ts), waking it if it sat out. */
  #leaveSeat(): void {
    if (Atomics.exchange(this.#ctrl, CALLER, 0) === 1) Atomics.notify(this.#ctrl, CALLER);
  }

  #startNext(): void {
    const job = this.#queue.shift();
    this.#holdProcess(job !== undefined);
    this.#running = job;
    if (job === undefined) return this.#notifyIdle();
    const pollMs = this.#pollBudget.budgetMs(job.plan.bytes);
    const warm = this.#waking.foundPolling(performance.now());
    try {
      // A polling host computes a share, as runSync's does, a task (STEPPED_TASK_ELEMENTS at most) a step.
      job.tasks = this.#publish(job.plan, pollMs > 0 ? "steps" : "sleeps");
    } catch (error) {
      // The task table did not fit in the arena: nothing was published, so fail this job alone.
      this.#running = undefined;
      job.fail(error as Error);
      return this.#startNextSoon();
    }
    // Nothing in #awaitDone is known to throw; should something, the call fails, not the pool.
    this.#awaitDone(job, pollMs, warm).catch((error: unknown) => this.#failWhenQuiet(job, error as Error));
  }

  /**
   * Starts the next queued job, never on the stack of the one that ended: a polled job can end
   * before its first await, and starting the next from there nested frames job after job (10 000
   * short calls queued on one worker overflowed the stack and wedged the pool). It starts in a
   * microtask while the calling thread has had its loop back within CALLER_SLICE_MS, else after
   * a turn, so a queue of short jobs holds the loop no longer than one polled job's slice does.
   */
  #startNextSoon(): void {
    if (this.#queue.length === 0) return this.#startNext();
    const start = (): void => {
      // runAsync may have started the next job meanwhile, or destroy() emptied the queue.
      if (this.#running === undefined && !this.#stopped) this.#startNext();
    };
    if (performance.now() - this.#holdingSince < CALLER_SLICE_MS) {
      queueMicrotask(start);
      return;
    }
    const afterTurn = (): void => {
      this.#holdingSince = performance.now();
      start();
    };
    // A turn that fails (no known platform's does) still starts the next job: the queue must move.
    takeTurn().then(afterTurn, afterTurn);
  }

  /**
   * Waits for the job's last task: for `pollMs`, runs its tasks for a slice (CALLER_SLICE_MS, one
   * task at least) and then gives the event loop a turn, until none is left to claim and then
   * polling once a turn; after that, sleeps. The polling thread so computes instead of only
   * watching, never holds its loop much past the slice or one task, and never holds a task
   * across a turn, where a busy loop would delay the job. A job that polled and found the workers
   * polling (`warm`) tells the budget how long it took.
   */
  async #awaitDone(job: AsyncJob, pollMs: number, warm: boolean): Promise<void> {
    const ctrl = this.#ctrl;
    const start = performance.now();
    const pollUntil = start + pollMs;
    let slept = false;
    // A short spin catches small jobs without a trip through the event loop; it blocks the
    // event loop no longer than a few blocks' compute, then the wait becomes asynchronous. Only
    // once the caller's slice left no task to claim: before that the job cannot end within it
    // (on a pool of one worker, which sits out while the caller computes, nothing else computes
    // at all), nor can a job left to the workers, which is one too long to poll for.
    if (pollMs > 0 && this.#computeSlice(job)) spinUntilDone(ctrl, job.tasks, ASYNC_SPIN_MS);
    for (let done = Atomics.load(ctrl, DONE); done < job.tasks; done = Atomics.load(ctrl, DONE)) {
      if (this.#callerComputes(pollUntil)) {
        await takeTurn();
      } else {
        // Past the poll budget (a busy machine or loop, or a job from DRAM): the workers take
        // what is left, worker 0 its range too; with no other worker alive, the job would
        // otherwise never end. A group this thread opened may have owners asleep on EPOCH, so
        // then every worker looks through every range once more.
        this.#leaveSeat();
        if (job.openedGroup === true) this.#lookAgain();
        job.openedGroup = false;
        slept = true;
        await waitForChange(ctrl, DONE, done);
      }
      this.#holdingSince = performance.now();
      if (this.#running !== job || job.abandoned) return; // failed or destroyed while we waited
      if (this.#callerComputes(pollUntil)) this.#computeSlice(job);
    }
    const ended = performance.now();
    this.#waking.jobEnded(ended);
    // A job that ended without a turn (within the first spin, say) settles after one where this
    // thread owes it, so that a loop of such calls does not hold the event loop (turns.ts).
    if (owesTurn()) {
      await takeTurn();
      this.#holdingSince = performance.now();
      if (this.#running !== job || job.abandoned) return; // destroyed meanwhile
    }
    const failed = Atomics.load(ctrl, FAILED);
    if (failed !== 0) return; // the worker's loss (#lost) fails the job with its cause
    try {
      if (job.trap !== undefined) throw job.trap;
      if (warm && pollMs > 0) this.#pollBudget.ended(job.plan.bytes, ended - start, slept);
      job.finish(this.#area.partialsView(job.plan.partials));
    } catch (error) {
      job.fail(error as Error);
    } finally {
      // Still #running while it settles: resolving with an array reads its `then`, and a getter
      // there that calls the pool must queue behind this job. Started at once, its job was then
      // taken for ended by #startNext, and the next call published over it.
      this.#running = undefined;
      this.#startNextSoon();
    }
  }

  /**
   * Whether the calling thread computes the job between turns, rather than leave it to the
   * workers: until `pollUntil`, and while no worker is seated. A job left to workers that were
   * all lost never ended where their replacements failed to start, or never loaded (a worker
   * script a server stopped serving); one seated meanwhile claims beside the caller.
   */
  #callerComputes(pollUntil: number): boolean {
    return performance.now() < pollUntil || !this.#workers.anySeated;
  }

  /**
   * Claims and runs the job's tasks on the calling thread, for CALLER_SLICE_MS or until none is
   * left; returns whether none is left (a slice whose time ran out may have taken the last).
   */
  #computeSlice(job: AsyncJob): boolean {
    const until = performance.now() + CALLER_SLICE_MS;
    const run = (task: number) => {
      job.trap ??= this.#runOnCaller(task);
    };
    let claimed: number;
    do {
      claimed = claimOneTask(this.#claimer, 0, this.threads, run);
      if (claimed === OPENED_GROUP) job.openedGroup = true;
    } while (claimed !== NONE_LEFT && performance.now() < until);
    return claimed === NONE_LEFT || !tasksLeft(this.#ctrl, this.threads);
  }

  /**
   * Runs a task on the calling thread; returns what it threw, or undefined. Its callers keep the
   * first trap with `??=`, so after one the job's later tasks on this thread are counted without
   * running: the job fails anyway.
   */
  #runOnCaller(task: number): unknown {
    this.#callerTasks++;
    try {
      this.#kernels.runTask(task);
      return undefined;
    } catch (error) {
      return error;
    }
  }

  /**
   * A worker is lost: its slot is no longer busy, the running job fails if the worker trapped
   * there, or if it may have held a task of it and the job comes up short, and a replacement
   * starts. A caller asleep on DONE wakes to see whether any worker is left to compute its job.
   */
  #lost(index: number, cause: unknown): void {
    if (this.#stopped) return;
    const ctrl = this.#ctrl;
    const holding = Atomics.exchange(ctrl, stateWord(index), 0) === 1;
    const job = this.#running;
    const trapped = Atomics.load(ctrl, FAILED) === index + 1;
    if (job !== undefined && trapped) this.#failWhenQuiet(job, workerLost(index, cause));
    else if (job !== undefined && holding && Atomics.load(ctrl, DONE) < job.tasks) void this.#failIfShort(job, workerLost(index, cause));
    this.#releaseWaiter();
    this.#workers.fill(index).catch(() => {
      // The replacement failed to start: the pool goes on with one worker fewer.
    });
  }

  /**
   * Fails the job once it comes up short: no task left to claim, no thread holding one, and DONE
   * below the count, so that a task the lost worker claimed will never be counted. A worker marks
   * itself (STATE) before it claims, so one lost with STATE 1 may hold no task of this job: it
   * may have died looking for work before the job was published, and failing at once failed a
   * job it had no part in. The reads go STATE, ranges, STATE, DONE, and the job must look short
   * twice, a millisecond apart, with DONE unchanged: a range that a group's first claim opens may
   * be read before it opens, and its owner take its tasks only once it looks again. Tasks left
   * while every thread is idle may lie in a range the lost worker opened after its owner went to
   * sleep: every worker then looks through the ranges again.
   */
  async #failIfShort(job: AsyncJob, error: Error): Promise<void> {
    const ctrl = this.#ctrl;
    const idle = (): boolean => !this.holdingTasks().includes(true);
    let shortAt = -1; // DONE when the job last looked short
    while (!this.#stopped && this.#running === job && !job.abandoned) {
      const idleBefore = idle();
      const left = tasksLeft(ctrl, this.threads);
      const idleAfter = idle();
      const done = Atomics.load(ctrl, DONE);
      if (done >= job.tasks) return;
      if (idleBefore && !left && idleAfter) {
        if (done === shortAt) {
          this.#failWhenQuiet(job, error);
          return;
        }
        shortAt = done;
      } else {
        shortAt = -1;
        if (idleAfter && left) this.#lookAgain();
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /**
   * Fails the running job once no worker can touch it any more, then starts the next. The job
   * stays #running until no straggler can touch DONE or the task table again, and is failed only
   * then: stragglers may write into its memory (an arange's array), which its caller frees on
   * failure.
   */
  #failWhenQuiet(job: AsyncJob, error: Error): void {
    if (this.#running !== job || job.abandoned) return;
    job.abandoned = true;
    closeRanges(this.#ctrl, this.threads);
    this.#leaveSeat(); // worker 0 may sit out; with the ranges closed it only goes back to sleep
    void this.#quiesce().then(() => {
      if (this.#running !== job) return; // destroyed meanwhile: destroy() fails it, once the workers are gone
      clearRanges(this.#ctrl, this.threads);
      job.fail(error);
      this.#running = undefined;
      this.#releaseWaiter();
      this.#startNext();
    });
  }

  /**
   * Waits until no thread may still hold a task of an abandoned job, or the pool stops. A lost
   * worker's STATE is cleared by #lost, a slot's before its worker starts (the
   * constructor's `start`), and a worker sets it only once admitted.
   */
  async #quiesce(): Promise<void> {
    while (!this.#stopped && this.holdingTasks().some(Boolean)) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Holds the process open while a job is in flight, since the workers themselves do not. */
  #holdProcess(hold: boolean): void {
    if (hold === this.#holding) return;
    this.#holding = hold;
    platform().holdProcessOpen(hold);
  }

  #notifyIdle(): void {
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /**
   * Wakes a caller still asleep in Atomics.waitAsync on DONE for a job that failed or was
   * destroyed, so that it returns (#awaitDone). Such a wait outlives the job otherwise: DONE
   * never reaches its count, and once the control block is freed and reused by another pool,
   * whose EPOCH lands on this address, that pool's counted notify woke the stale waiter instead
   * of a worker, and its call never settled (found by an adversarial test).
   */
  #releaseWaiter(): void {
    Atomics.notify(this.#ctrl, DONE);
  }

  #freeMemory(): void {
    if (this.#control === 0) return;
    this.#releaseWaiter();
    removeReader(this.#touches);
    this.#area.free();
    release(this.#control);
    this.#control = 0;
  }
}

/** What runSync saw of a timed job (Dispatcher.#timed): elements of an operand, and the caller's time. */
interface TimedJob {
  readonly elements: number;
  readonly callerMs: number;
  readonly callerElements: number;
}

/** A job runSync did not time: one made for every warm blocking call, were it not shared. */
const UNTIMED: TimedJob = { elements: 0, callerMs: 0, callerElements: 0 };

/**
 * Resolves once ctrl[index] may differ from `value`: asleep in Atomics.waitAsync, or, where an
 * engine lacks it (Firefox before 145), after a turn of the event loop, so the caller polls once
 * a turn. That keeps the calling thread busy until the job ends, but never blocks it.
 */
async function waitForChange(ctrl: Int32Array, index: number, value: number): Promise<void> {
  if (typeof Atomics.waitAsync !== "function") return takeTurn();
  const wait = Atomics.waitAsync(ctrl, index, value);
  if (!wait.async) return; // the word had changed already: no turn, only a microtask
  await wait.value;
  tookTurn();
}

/** Polls DONE until it reaches `tasks` or `ms` have passed; the clock is read every 64 polls. */
function spinUntilDone(ctrl: Int32Array, tasks: number, ms: number): void {
  const until = performance.now() + ms;
  for (let spin = 1; Atomics.load(ctrl, DONE) < tasks; spin++) {
    if ((spin & 63) === 0 && performance.now() > until) return;
  }
}
