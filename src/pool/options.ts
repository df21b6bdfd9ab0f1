import { invalidType, invalidValue } from "../errors.js";
import { platform } from "../platform/platform.js";
import { isRevokedProxy } from "../revoked.js";
import { MAX_WORKERS } from "./layout.js";

export interface PoolOptions {
  /**
   * Threads that compute: the pool starts this many workers.
   * @default the hardware threads, at most 256: os.availableParallelism() in Node, navigator.hardwareConcurrency in a browser
   */
  readonly threads?: number;
}

const KNOWN = new Set(["threads"]);

/** Checks createPool's options and fills in the defaults. */
export function resolveOptions(options: unknown): Required<PoolOptions> {
  if (options === undefined) return { threads: defaultThreads() };
  if (options === null || typeof options !== "object" || isRevokedProxy(options) || Array.isArray(options)) throw invalidType("createPool(options): options", "an object or undefined", options);
  // A misspelt option is refused among the object's own keys only: read through the prototype,
  // as options are, a class instance's methods and accessors would count as unknown options.
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw invalidValue(`createPool(options): options.${key}`, `left out: the known options are ${[...KNOWN].join(", ")}`, (options as Record<string, unknown>)[key]);
  }
  const { threads } = options as PoolOptions;
  if (threads === undefined) return { threads: defaultThreads() };
  if (typeof threads !== "number") throw invalidType("createPool(options): options.threads", `an integer from 1 to ${MAX_WORKERS}`, threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WORKERS) {
    throw invalidValue("createPool(options): options.threads", `an integer from 1 to ${MAX_WORKERS}`, threads);
  }
  return { threads };
}

/** The threads of a pool made without `threads`: the hardware threads, at most MAX_WORKERS. */
export function defaultThreads(hardwareThreads = platform().hardwareThreads()): number {
  return Math.min(MAX_WORKERS, hardwareThreads);
}
