// Pool workers as module Web Workers. The compiled module and the shared memory are posted once
// (the memory may be posted only where the page is cross-origin isolated; the module anywhere);
// after that, host and worker talk only through the control block.
import { workerStart } from "../errors.js";
import type { WorkerInit } from "../pool/layout.js";
import { Loss, type StartWorker, type WorkerHandle } from "../pool/worker-handle.js";
import { whyScriptFailed } from "./worker-script.js";

export const startWorker: StartWorker = (init: WorkerInit, abandon: AbortSignal) =>
  new Promise<WorkerHandle>((resolve, reject) => {
    if (abandon.aborted) {
      reject(abandon.reason);
      return;
    }
    let worker: Worker;
    try {
      // `new URL(…)` stands inside the call so that Vite and webpack find and bundle the worker.
      worker = new Worker(new URL("../pool/worker-browser.js", import.meta.url), { type: "module" });
    } catch (error) {
      // SecurityError: a worker script must be same-origin, so kernelpool cannot run from a CDN.
      reject(workerStart(init.index, error));
      return;
    }
    const loss = new Loss();
    let ready = false;
    let ended = false;
    let exit: () => void = () => {};
    const exited = new Promise<void>((done) => (exit = done));
    // A Web Worker has no exit event: it ends when terminated, or says "exit" when its loop ends.
    const end = (): void => {
      ended = true;
      worker.terminate();
      exit();
    };
    // A module worker's script may hang on a server that never answers; terminate() ends it.
    const onAbandon = (): void => {
      if (ready || ended) return;
      end();
      reject(abandon.reason);
    };
    abandon.addEventListener("abort", onAbandon, { once: true });
    worker.addEventListener("message", (event: MessageEvent) => {
      if (event.data === "ready" && !ready && !ended) {
        ready = true;
        abandon.removeEventListener("abort", onAbandon);
        resolve(handle);
      } else if (event.data === "exit") end();
    });
    // An uncaught error leaves a Web Worker idle rather than ending it, so end it here: the
    // pool replaces a lost worker and must not leave the old one holding a thread.
    worker.addEventListener("error", (event: ErrorEvent) => {
      event.preventDefault();
      if (ended) return;
      end();
      // A script that did not load or run comes as a bare Event, with no message (worker-script.ts).
      if (!ready && !event.message) {
        // Rejected either way: a probe that failed would otherwise leave the start pending for good.
        const fail = (cause: unknown): void => reject(abandon.aborted ? abandon.reason : workerStart(init.index, cause));
        whyScriptFailed(abandon).then(fail, fail);
        return;
      }
      const cause = new Error(event.message || "the worker failed, and the browser gives no reason");
      if (!ready) reject(workerStart(init.index, cause));
      else loss.report(cause);
    });
    // A message from the worker that cannot be read: only strings come, so none is expected. (One
    // to the worker that it cannot read fires inside it: worker-browser.ts throws then.)
    worker.addEventListener("messageerror", () => {
      if (ended) return;
      const cause = new Error("a message from the worker could not be read");
      end();
      if (!ready) reject(workerStart(init.index, cause));
      else loss.report(cause);
    });
    try {
      worker.postMessage(init);
    } catch (error) {
      // DataCloneError: the shared memory cannot be posted where the page is not isolated.
      end();
      reject(workerStart(init.index, error));
    }
    const handle: WorkerHandle = {
      onLost: (listener) => loss.listen(listener),
      admit: () => worker.postMessage("admit"),
      exited,
      terminate: async () => {
        end();
        await exited;
      },
      raw: worker,
    };
  });
