// A startWorker for withPlatform or setPlatform whose workers run stalling-worker.js, each with
// the stall that `stallOf(index)` gives it; `refuse(init)` turns a start down, as a platform that
// cannot start another worker would.
import { Worker } from "node:worker_threads";
import { EPOCH } from "../../dist/pool/layout.js";
import { Loss } from "../../dist/pool/worker-handle.js";
import { controlOf } from "./control.js";
import { until } from "./until.js";

export function stallingWorkers(stallOf, refuse = () => false) {
  return (init) => {
    if (refuse(init)) return Promise.reject(new Error(`worker ${init.index} is not started again`));
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL("./stalling-worker.js", import.meta.url), { workerData: { ...init, ...stallOf(init.index) }, execArgv: [] });
      worker.unref();
      worker.on("error", () => {}); // a trap ends the worker; the pool hears of it through "exit"
      const loss = new Loss(); // held until the pool listens, as the platform's own workers do
      const exited = new Promise((done) => worker.once("exit", done));
      worker.once("message", () => resolve({ onLost: (listener) => loss.listen(listener), admit: () => worker.postMessage("admit"), exited, terminate: async () => void (await worker.terminate()), raw: worker }));
      worker.once("exit", (code) => {
        reject(new Error(`exit ${code}`));
        loss.report(new Error(`exit ${code}`));
      });
    });
  };
}

/**
 * Resolves once every worker of the pool's `dispatcher` sleeps on EPOCH. A worker stalls only
 * where JavaScript reads a control word, as it polls or wakes; one still on its way to its first
 * sleep when a job comes (it is admitted a message after createPool resolves) claims in wasm and
 * never stalls. The probe wakes the sleepers; they find no job and sleep again.
 */
export async function untilAsleep(dispatcher) {
  const ctrl = controlOf(dispatcher);
  await until(() => Atomics.notify(ctrl, EPOCH) === dispatcher.threads, "every worker sleeps");
}
