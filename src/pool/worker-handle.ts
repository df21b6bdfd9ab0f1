import type { WorkerInit } from "./layout.js";

/** A started worker, as the pool sees it on any platform. */
export interface WorkerHandle {
  /** Called once when the worker stops for any reason other than terminate(). */
  onLost(listener: (cause: unknown) => void): void;
  /**
   * Lets the worker begin to claim: until then it touches no word of the control block, so a
   * start abandoned before it is admitted leaves nothing behind (worker-loop.ts).
   */
  admit(): void;
  /** Settles when the thread has exited, however it ended. */
  readonly exited: Promise<void>;
  terminate(): Promise<void>;
  /** The platform's own object, for tests that need to kill a worker from outside. */
  readonly raw: unknown;
}

/**
 * Starts a worker for the pool's control block; resolves once it says it is ready, its kernels
 * instantiated. It serves jobs only once admitted (WorkerHandle.admit). When `abandon` aborts
 * first, it ends the worker and rejects with the signal's reason once the thread can no longer
 * touch the memory: a pool that stops must not wait for a worker it will never use, whose script
 * may be stalled on a network that never answers.
 */
export type StartWorker = (init: WorkerInit, abandon: AbortSignal) => Promise<WorkerHandle>;

/**
 * A worker's loss, held until the pool listens. The pool listens only once the start has
 * resolved, a microtask later, and a worker may be gone by then: when the event loop was busy,
 * Node hands over a worker's "ready" and its exit in one go, and a loss reported to no one left
 * its slot dead, and a job left to the workers waiting for good.
 */
export class Loss {
  #listener: ((cause: unknown) => void) | undefined;
  #cause: { value: unknown } | undefined;

  /** The worker stopped: tells the listener, or the one that listen() brings later. Once only. */
  report(cause: unknown): void {
    if (this.#cause !== undefined) return;
    this.#cause = { value: cause };
    this.#listener?.(cause);
  }

  listen(listener: (cause: unknown) => void): void {
    this.#listener = listener;
    if (this.#cause !== undefined) listener(this.#cause.value);
  }
}
