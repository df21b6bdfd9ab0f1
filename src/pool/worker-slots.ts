// The pool's worker slots: slot i holds the worker that serves range i of the control block, and
// is filled again when its worker is lost. A worker touches the control block only once seated
// and admitted (WorkerHandle.admit), so a start abandoned before then leaves nothing to undo.
// Closing abandons the workers still starting and waits until their threads have ended (in a
// browser, until their termination is asked: no event says more), not until their start would
// have finished; starts that stall (none beginning or ending for a while) are abandoned too, and
// fail.
import { workerStart } from "../errors.js";
import type { WorkerHandle } from "./worker-handle.js";

/** A start under way: its slot, and what abandons it. */
interface Start {
  readonly index: number;
  readonly abandoner: AbortController;
}

export class WorkerSlots {
  readonly #workers: (WorkerHandle | undefined)[];
  /**
   * Each start under way, with what abandons it (exited() and terminate() do). A controller each,
   * not one signal for all: Node warns of a leak past 10 listeners on one signal, and a pool of
   * 16 starts 16 at once.
   */
  readonly #starting = new Map<Promise<void>, Start>();
  readonly #start: (index: number, abandon: AbortSignal) => Promise<WorkerHandle>;
  /** How long starts may go on with none beginning or ending (platform.ts, START_STALL_MS). */
  readonly #stallMs: number;
  /** Fails the starts under way once #stallMs pass; set again whenever a start begins or ends. */
  #stall: ReturnType<typeof setTimeout> | undefined;
  /** Set by exited() and terminate(): from then on, a worker that finishes starting is terminated at once. */
  #closed = false;
  readonly #onLost: (index: number, cause: unknown) => void;

  /**
   * `start` starts the worker for a slot; `onLost` hears of each worker that stops for any
   * reason other than terminate(), after its slot is emptied.
   */
  constructor(count: number, start: (index: number, abandon: AbortSignal) => Promise<WorkerHandle>, onLost: (index: number, cause: unknown) => void, stallMs: number) {
    this.#workers = new Array<WorkerHandle | undefined>(count).fill(undefined);
    this.#start = start;
    this.#onLost = onLost;
    this.#stallMs = stallMs;
  }

  /** Starts a worker in every slot; rejects if any fails to start. */
  async fillAll(): Promise<void> {
    await Promise.all(this.#workers.map((_, index) => this.fill(index)));
  }

  /**
   * Starts a worker in slot `index`; resolves once it is seated, or once it has ended if the slots
   * closed after it started. Rejects if its start failed, stalled or was abandoned.
   */
  fill(index: number): Promise<void> {
    const abandoner = new AbortController();
    if (this.#closed) abandoner.abort();
    const seated = this.#startAndSeat(index, abandoner.signal);
    this.#starting.set(seated, { index, abandoner });
    this.#watchStarts();
    const settled = (): void => {
      this.#starting.delete(seated);
      this.#watchStarts();
    };
    seated.then(settled, settled);
    return seated;
  }

  /** Sets the stall timer again while starts are under way, and clears it once none is. */
  #watchStarts(): void {
    clearTimeout(this.#stall);
    this.#stall = undefined;
    if (this.#starting.size === 0 || this.#closed) return;
    const seconds = this.#stallMs / 1000;
    const stall = setTimeout(() => {
      // Starts that ended while the event loop was held up have their messages queued behind this
      // timer: a turn later they have been heard, and set the timer again if any start ended.
      unref(
        setTimeout(() => {
          if (this.#stall !== stall || this.#closed) return;
          for (const { index, abandoner } of this.#starting.values()) {
            abandoner.abort(workerStart(index, new Error(`no worker began or finished starting for ${seconds} s (in a browser, a server that never sends the worker's scripts does this)`)));
          }
        }, 0),
      );
    }, this.#stallMs);
    this.#stall = unref(stall);
  }

  /** Closes the slots and waits until every worker, started or abandoned while starting, has exited. */
  async exited(): Promise<void> {
    this.#close();
    await Promise.all(this.#workers.map((worker) => worker?.exited));
    await Promise.allSettled(this.#starting.keys());
  }

  /** Closes the slots, terminates every worker and abandons the ones still starting. */
  async terminate(): Promise<void> {
    this.#close();
    await Promise.all(this.#workers.map((worker) => worker?.terminate()));
    await Promise.allSettled(this.#starting.keys());
  }

  /** Whether any worker is seated: started, and not lost since. */
  get anySeated(): boolean {
    return this.#workers.some((worker) => worker !== undefined);
  }

  /** The platform's worker objects, for tests that kill one from outside. */
  raw(): unknown[] {
    return this.#workers.map((worker) => worker?.raw);
  }

  #close(): void {
    this.#closed = true;
    clearTimeout(this.#stall);
    for (const { abandoner } of this.#starting.values()) abandoner.abort();
  }

  async #startAndSeat(index: number, abandon: AbortSignal): Promise<void> {
    const worker = await this.#start(index, abandon);
    if (this.#closed) {
      await worker.terminate();
      return;
    }
    this.#workers[index] = worker;
    worker.onLost((cause) => {
      this.#workers[index] = undefined;
      this.#onLost(index, cause);
    });
    worker.admit();
  }
}

/**
 * A Node timer that does not keep the process alive: a stalled replacement must not keep an idle
 * one open (createPool holds it meanwhile). A browser's timers are numbers.
 */
function unref<T>(timer: T): T {
  if (typeof timer === "object" && timer !== null && "unref" in timer && typeof timer.unref === "function") timer.unref();
  return timer;
}
