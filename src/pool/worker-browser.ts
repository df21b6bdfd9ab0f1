// The Web Worker entry: wait for the init message, tell the host it is ready, serve until STOP,
// then say so, since the host sees no exit event from a Web Worker.
import { serve } from "./worker-loop.js";
import type { WorkerInit } from "./layout.js";

addEventListener(
  "message",
  (event: MessageEvent<WorkerInit>) => {
    serve(event.data, () => postMessage("ready"));
    postMessage("exit");
    close();
  },
  { once: true },
);
