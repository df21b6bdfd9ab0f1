// A startWorker for withPlatform or setPlatform whose workers run stalling-worker.js, each with
// the stall that `stallOf(index)` gives it; `refuse(init)` turns a start down, as a platform that
// cannot start another worker would.
import { Worker } from "node:worker_threads";
import { Loss } from "../../dist/pool/worker-handle.js";

export function stallingWorkers(stallOf, refuse = () => false) {
  return (init) => {
    if (refuse(init)) return Promise.reject(new Error(`worker ${init.index} is not started again`));
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL("./stalling-worker.js", import.meta.url), { workerData: { ...init, ...stallOf(init.index) }, execArgv: [] });
      worker.unref();
      worker.on("error", () => {}); // a trap ends the worker; the pool hears of it through "exit"
      const loss = new Loss(); // held until the pool listens, as the platform's own workers do
      const exited = new Promise((done) => worker.once("exit", done));
      worker.once("message", () => resolve({ onLost: (listener) => loss.listen(listener), seat: () => worker.postMessage("seat"), exited, terminate: async () => void (await worker.terminate()), raw: worker }));
      worker.once("exit", (code) => {
        reject(new Error(`exit ${code}`));
        loss.report(new Error(`exit ${code}`));
      });
    });
  };
}
