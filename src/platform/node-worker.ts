// Pool workers as Node worker_threads. The compiled module and the shared memory travel in
// workerData; after that, host and worker talk only through the control block.
import { Worker } from "node:worker_threads";
import { workerStart } from "../errors.js";
import type { WorkerInit } from "../pool/layout.js";
import { Loss, type StartWorker, type WorkerHandle } from "../pool/worker-handle.js";

/**
 * No Node options for the workers: by default a worker inherits the parent's, and with
 * --input-type (`node --input-type=module -e …`, or code piped to stdin) one started from a file
 * refuses to start, so no pool could be made there. A list of the parent's options less that one
 * is no answer: Node then rejects the per-process ones (--expose-gc) in it. The worker's code
 * needs none; V8 flags such as --experimental-wasm-relaxed-simd are the process's, so they hold
 * in every worker anyway.
 */
const WORKER_EXEC_ARGV: string[] = [];

export const startWorker: StartWorker = (init: WorkerInit, abandon: AbortSignal) =>
  new Promise<WorkerHandle>((resolve, reject) => {
    if (abandon.aborted) {
      reject(abandon.reason);
      return;
    }
    let worker: Worker;
    try {
      worker = new Worker(new URL("../pool/worker-node.js", import.meta.url), { workerData: init, execArgv: WORKER_EXEC_ARGV });
    } catch (error) {
      // Node refuses a thread here, before any event: ERR_WORKER_INIT_FAILED (EAGAIN) past the
      // process's thread limit, say.
      reject(workerStart(init.index, error));
      return;
    }
    const loss = new Loss();
    let lastError: unknown;
    let terminating = false;
    let ready = false;
    const exited = new Promise<void>((done) => worker.once("exit", () => done()));
    worker.unref(); // an idle pool must not keep the process alive; see holdProcessOpen
    // Rejected on "exit" below, once the thread has stopped touching the memory.
    const onAbandon = (): void => void worker.terminate();
    abandon.addEventListener("abort", onAbandon, { once: true });
    worker.once("message", () => {
      // Abandoned already (terminate() under way): its exit rejects the start. Seated, it would
      // be lost at once and replaced, as when a blocked event loop let the stall timer run first.
      if (abandon.aborted) return;
      ready = true;
      abandon.removeEventListener("abort", onAbandon);
      resolve(handle);
    });
    worker.on("error", (error) => {
      lastError = error;
    });
    worker.once("exit", (code) => {
      const cause = lastError ?? new Error(`the thread exited with code ${code}`);
      abandon.removeEventListener("abort", onAbandon);
      if (!ready) reject(abandon.aborted ? abandon.reason : workerStart(init.index, cause));
      else if (!terminating) loss.report(cause);
    });
    const handle: WorkerHandle = {
      onLost: (listener) => loss.listen(listener),
      admit: () => worker.postMessage("admit"),
      exited,
      terminate: async () => {
        terminating = true;
        await worker.terminate();
      },
      raw: worker,
    };
  });
