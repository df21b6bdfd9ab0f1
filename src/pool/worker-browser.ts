// The Web Worker entry: wait for the init message, instantiate, tell the host it is ready, and
// serve once the host admits it (its second message), until STOP; then say so, since the host
// sees no exit event from a Web Worker.
import { prepareWorker } from "./worker-loop.js";
import type { WorkerInit } from "./layout.js";

// A start message that cannot be read here fires this, not "message": thrown, it reaches the host
// as the worker's error, which fails its start, where it would otherwise wait to be abandoned.
addEventListener(
  "messageerror",
  () => {
    throw new Error("the worker could not read its start message");
  },
  { once: true },
);
addEventListener(
  "message",
  (event: MessageEvent<WorkerInit>) => {
    const serve = prepareWorker(event.data);
    addEventListener(
      "message",
      () => {
        serve();
        postMessage("exit");
        close();
      },
      { once: true },
    );
    postMessage("ready");
  },
  { once: true },
);
