// The worker_threads entry: instantiate on the init data, tell the host it is ready, and serve
// once the host admits it (its one message), until STOP.
import { parentPort, workerData } from "node:worker_threads";
import { prepareWorker } from "./worker-loop.js";
import type { WorkerInit } from "./layout.js";

const serve = prepareWorker(workerData as WorkerInit);
parentPort!.once("message", serve);
parentPort!.postMessage("ready");
