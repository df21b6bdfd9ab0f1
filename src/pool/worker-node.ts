// The worker_threads entry: take the init message, tell the host it is ready, serve until STOP.
import { parentPort, workerData } from "node:worker_threads";
import { serve } from "./worker-loop.js";
import type { WorkerInit } from "./layout.js";

serve(workerData as WorkerInit, () => parentPort!.postMessage("ready"));
