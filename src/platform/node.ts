// The Node platform: build files on disk, the environment, worker_threads, and a timer that
// holds the event loop open while the pool waits.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { invalidValue } from "../errors.js";
import type { Variant } from "../kernels/variant.js";
import { startWorker } from "./node-worker.js";
import { START_STALL_MS, type Platform } from "./platform.js";

/** The bytes of a file in the package's build/ folder. */
function readBuild(file: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(new URL(`../../build/${file}`, import.meta.url)));
}

/** KERNELPOOL_KERNELS=baseline|relaxed forces a kernel build, for tests and benchmarks. */
function variantOverride(): Variant | undefined {
  const value = process.env["KERNELPOOL_KERNELS"];
  if (value === undefined || value === "") return undefined;
  if (value === "baseline" || value === "relaxed") return value;
  throw invalidValue("the environment variable KERNELPOOL_KERNELS", '"baseline", "relaxed" or unset', value);
}

/** How many threads can run at once here. */
function hardwareThreads(): number {
  return availableParallelism();
}

let holders = 0;
let holder: ReturnType<typeof setInterval> | undefined;

/**
 * Keeps the process alive while the pool awaits something (a job, workers' exits). Workers are
 * unref'd so an idle pool never holds the process open, and a worker's own handle may close
 * before its 'exit' event is delivered, so a ref'd timer is what holds the event loop.
 */
function holdProcessOpen(hold: boolean): void {
  holders += hold ? 1 : -1;
  holder ??= setInterval(() => {}, 2 ** 30);
  if (holders > 0) holder.ref();
  else holder.unref();
}

export const nodePlatform: Platform = {
  readBuild,
  variantOverride,
  hardwareThreads,
  startWorker,
  holdProcessOpen,
  nextTurn: () => new Promise((resolve) => setImmediate(resolve)),
  cheapTurns: true,
  canBlock: () => true, // every Node thread, the main one included, may Atomics.wait
  workersUnavailable: () => undefined,
  startStallMs: START_STALL_MS,
};
