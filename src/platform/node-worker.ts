// Pool workers as Node worker_threads. The compiled module and the shared memory travel in
// workerData; after that, host and worker talk only through the control block.
import { Worker } from "node:worker_threads";
import { workerStart } from "../errors.js";
import type { WorkerInit } from "../pool/layout.js";
import type { StartWorker, WorkerHandle } from "../pool/worker-handle.js";

export const startWorker: StartWorker = (init: WorkerInit) =>
  new Promise<WorkerHandle>((resolve, reject) => {
    const worker = new Worker(new URL("../pool/worker-node.js", import.meta.url), { workerData: init });
    let lost: ((cause: unknown) => void) | undefined;
    let lastError: unknown;
    let terminating = false;
    let ready = false;
    const exited = new Promise<void>((done) => worker.once("exit", () => done()));
    worker.unref(); // an idle pool must not keep the process alive; see holdProcessOpen
    worker.once("message", () => {
      ready = true;
      resolve(handle);
    });
    worker.on("error", (error) => {
      lastError = error;
    });
    worker.once("exit", (code) => {
      const cause = lastError ?? new Error(`the thread exited with code ${code}`);
      if (!ready) reject(workerStart(init.index, cause));
      else if (!terminating) lost?.(cause);
    });
    const handle: WorkerHandle = {
      onLost: (listener) => {
        lost = listener;
      },
      exited,
      terminate: async () => {
        terminating = true;
        await worker.terminate();
      },
      raw: worker,
    };
  });
