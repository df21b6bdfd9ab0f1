// The browser platform: kernel bytes fetched by the entry point before anything runs, Web
// Workers, and the two limits a page has that Node does not: cross-origin isolation and a main
// thread that must never block.
import { unsupported } from "../errors.js";
import { startWorker } from "./browser-worker.js";
import type { Platform } from "./platform.js";

/** A platform whose readBuild serves the files that `builds` holds, by build file name. */
export function browserPlatform(builds: ReadonlyMap<string, Uint8Array<ArrayBuffer>>): Platform {
  return {
    readBuild(file) {
      const bytes = builds.get(file);
      if (bytes === undefined) throw unsupported(`the kernel build ${file} was not loaded: import kernelpool through its package entry point.`);
      return bytes;
    },
    // No environment to read; the engine's own features choose the build.
    variantOverride: () => undefined,
    hardwareThreads: () => navigator.hardwareConcurrency || 1,
    startWorker,
    // A page has no process to keep alive.
    holdProcessOpen: () => {},
    nextTurn,
    cheapTurns: false,
    // Only dedicated workers may Atomics.wait; a window's main thread may not (HTML, [[CanBlock]]).
    canBlock: () => "DedicatedWorkerGlobalScope" in globalThis,
    workersUnavailable,
  };
}

interface YieldingScheduler {
  yield?: () => Promise<void>;
}

/** Turns queued on the one channel, in order: each message resolves the oldest. */
let turns: { channel: MessageChannel; waiting: (() => void)[] } | undefined;

/**
 * A later task: scheduler.yield() where the browser has it (Chrome 129), which resumes ahead of
 * other tasks; else a message to ourselves, which unlike setTimeout is never clamped to 4 ms.
 */
function nextTurn(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: YieldingScheduler }).scheduler;
  if (typeof scheduler?.yield === "function") return scheduler.yield();
  if (turns === undefined) {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    turns = { channel, waiting };
  }
  const { channel, waiting } = turns;
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(undefined);
  });
}

function workersUnavailable(): string | undefined {
  if (globalThis.crossOriginIsolated === true) return undefined;
  return (
    "the page is not cross-origin isolated, so the shared memory cannot be sent to workers; " +
    "serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp"
  );
}
