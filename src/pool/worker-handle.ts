import type { WorkerInit } from "./layout.js";

/** A started worker, as the pool sees it on any platform. */
export interface WorkerHandle {
  /** Called once when the worker stops for any reason other than terminate(). */
  onLost(listener: (cause: unknown) => void): void;
  /** Settles when the thread has exited, however it ended. */
  readonly exited: Promise<void>;
  terminate(): Promise<void>;
  /** The platform's own object, for tests that need to kill a worker from outside. */
  readonly raw: unknown;
}

/**
 * Starts a worker serving the pool's control block; resolves once its kernels are instantiated.
 * When `abandon` aborts first, it ends the worker and rejects with the signal's reason once the
 * thread can no longer touch the memory: a pool that stops must not wait for a worker it will
 * never use, whose script may be stalled on a network that never answers.
 */
export type StartWorker = (init: WorkerInit, abandon: AbortSignal) => Promise<WorkerHandle>;
