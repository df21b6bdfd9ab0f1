// The pool's worker slots: slot i holds the worker that serves range i of the control block. A
// slot is filled again when its worker is lost, and a worker is counted while it starts, so the
// pool gives its memory back only once no worker can touch it: a worker still starting reads and
// writes the control block as soon as it runs. Closing abandons the workers still starting, so it
// waits only until their threads have ended, not until their start would have finished.
import type { WorkerHandle } from "./worker-handle.js";

export class WorkerSlots {
  readonly #workers: (WorkerHandle | undefined)[];
  /**
   * Each start under way, with what abandons it (exited() and terminate() do). A controller each,
   * not one signal for all: Node warns of a leak past 10 listeners on one signal, and a pool of
   * 16 starts 16 at once.
   */
  readonly #starting = new Map<Promise<void>, AbortController>();
  readonly #start: (index: number, abandon: AbortSignal) => Promise<WorkerHandle>;
  /** Set by exited() and terminate(): from then on, a worker that finishes starting is terminated at once. */
  #closed = false;
  readonly #onLost: (index: number, cause: unknown) => void;

  /**
   * `start` starts the worker for a slot; `onLost` hears of each worker that stops for any
   * reason other than terminate(), after its slot is emptied.
   */
  constructor(count: number, start: (index: number, abandon: AbortSignal) => Promise<WorkerHandle>, onLost: (index: number, cause: unknown) => void) {
    this.#workers = new Array<WorkerHandle | undefined>(count).fill(undefined);
    this.#start = start;
    this.#onLost = onLost;
  }

  /** Starts a worker in every slot; rejects if any fails to start. */
  async fillAll(): Promise<void> {
    await Promise.all(this.#workers.map((_, index) => this.fill(index)));
  }

  /** Starts a worker in slot `index`; resolves once it is seated (or ended, if closed meanwhile). */
  fill(index: number): Promise<void> {
    const abandoner = new AbortController();
    if (this.#closed) abandoner.abort();
    const seated = this.#startAndSeat(index, abandoner.signal);
    this.#starting.set(seated, abandoner);
    const settled = (): void => void this.#starting.delete(seated);
    seated.then(settled, settled);
    return seated;
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
    for (const abandoner of this.#starting.values()) abandoner.abort();
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
  }
}
