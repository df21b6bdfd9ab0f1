// The browser platform: kernel bytes fetched by the entry point before anything runs, Web
// Workers, and the two limits a page has that Node does not: cross-origin isolation and a main
// thread that must never block.
import { unsupported } from "../errors.js";
import { startWorker } from "./browser-worker.js";
import { START_STALL_MS, type Platform } from "./platform.js";

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
    // Node 20 has no navigator; it gets here under the "browser" condition (a test environment).
    hardwareThreads: () => globalThis.navigator?.hardwareConcurrency || 1,
    startWorker,
    // A page has no process to keep alive.
    holdProcessOpen: () => {},
    nextTurn,
    cheapTurns: false,
    // Dedicated and shared workers may Atomics.wait; a window's main thread, a service worker and
    // a worklet may not (HTML, [[CanBlock]]).
    canBlock: () => "DedicatedWorkerGlobalScope" in globalThis || "SharedWorkerGlobalScope" in globalThis,
    workersUnavailable,
    startStallMs: START_STALL_MS,
  };
}

interface YieldingScheduler {
  yield?: () => Promise<void>;
}

/** Turns queued on the one channel, in order: each message resolves the oldest. */
let turns: { channel: MessageChannel; waiting: (() => void)[] } | undefined;

/**
 * How long turns may resume ahead of the page's other tasks before one waits behind them, in ms.
 * scheduler.yield() resumes before timers, messages and fetch callbacks, so work that took only
 * such turns held them back until it ended: five awaited dots of 1e7 f64 on the calling thread
 * alone (a page not isolated) kept a setTimeout(0) waiting until they ended, 103 ms; with this,
 * 23 ms of their 72 (Chromium, 2-core VM).
 */
const AHEAD_MS = 4;
/** When a turn last went behind the page's other tasks. */
let behindSince = -Infinity;

/**
 * A later task: scheduler.yield() where the browser has it (Chrome 129), which resumes ahead of
 * other tasks, for AHEAD_MS at a time; else, and then, a message to ourselves, which goes behind
 * the tasks queued before it and unlike setTimeout is never clamped to 4 ms.
 */
function nextTurn(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: YieldingScheduler }).scheduler;
  const now = performance.now();
  if (typeof scheduler?.yield === "function" && now - behindSince < AHEAD_MS) return scheduler.yield();
  behindSince = now;
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
  // Browsers apply the isolation headers only in a secure context: a page that sends them, opened
  // from another machine at http://192.168.…, is not isolated, and the usual advice would mislead.
  if (globalThis.isSecureContext === false) {
    return (
      "the page is not a secure context, and browsers isolate only secure ones, so the shared memory cannot be sent to workers; " +
      "serve it over https, or open it as http://localhost or http://127.0.0.1, with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp"
    );
  }
  return (
    "the page is not cross-origin isolated, so the shared memory cannot be sent to workers; " +
    "serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp"
  );
}
