// What the core needs from its host environment. Each entry point (index.ts for Node,
// index.browser.ts for browsers) installs one Platform before anything runs, so no core module
// imports node:* or touches browser globals itself.
import { unsupported } from "../errors.js";
import type { Variant } from "../kernels/variant.js";
import type { StartWorker } from "../pool/worker-handle.js";

export interface Platform {
  /** The bytes of a file in the package's build/ folder, synchronously (a browser preloads them). */
  readBuild(file: string): Uint8Array<ArrayBuffer>;
  /** A kernel build forced by the environment (KERNELPOOL_KERNELS in Node), for tests and benchmarks. */
  variantOverride(): Variant | undefined;
  /** How many threads can run at once here. */
  hardwareThreads(): number;
  startWorker: StartWorker;
  /** Keeps the process alive while the pool awaits something; a no-op where there is no process. */
  holdProcessOpen(hold: boolean): void;
  /**
   * Resolves in a later turn of the event loop, after other work had a chance to run:
   * setImmediate in Node (after pending I/O); in a browser, scheduler.yield() (after rendering
   * and input, ahead of other tasks) or a MessageChannel message (after the tasks queued before
   * it), a message at least every 4 ms so that the page's other tasks are not held back.
   */
  nextTurn(): Promise<void>;
  /**
   * Whether a turn costs about a microsecond (Node) rather than several (a browser task: in
   * Chromium 5 µs for scheduler.yield(), 5–10 µs for a MessageChannel message). Only then does
   * work on the calling thread (here.ts) yield after every chunk rather than every millisecond.
   */
  readonly cheapTurns: boolean;
  /** Whether this thread may block in Atomics.wait: not a browser's main thread. */
  canBlock(): boolean;
  /** Why workers cannot share the arena here (a page that is not cross-origin isolated), or undefined if they can. */
  workersUnavailable(): string | undefined;
  /** How long worker starts may go on with none beginning or ending before they fail: START_STALL_MS. */
  readonly startStallMs: number;
}

/**
 * A browser's module worker fetches its scripts, and a server that never sends them kept
 * createPool pending for good (and a replacement starting, though that one close() ends). Starts
 * are failed only once none has begun or ended for this long, so a slow device starting many
 * workers one after another never trips it. Node's workers read local files; it holds there too.
 */
export const START_STALL_MS = 30_000;

let current: Platform | undefined;

export function setPlatform(platform: Platform): void {
  current = platform;
}

export function platform(): Platform {
  if (current === undefined) throw unsupported("no platform is installed: import kernelpool through its package entry point.");
  return current;
}
