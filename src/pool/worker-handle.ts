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

/** Starts a worker serving the pool's control block; resolves once its kernels are instantiated. */
export type StartWorker = (init: WorkerInit) => Promise<WorkerHandle>;
