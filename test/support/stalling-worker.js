// A pool worker that, given `stallMs`, stalls where a thread descheduled on a busy machine would:
// by default at the first EPOCH read after each write of its STATE word (between its claims and
// its wait), or, given `stallWord`, at every read of that control word (with `whenPositive`, only
// a read that finds it above zero: its own range just opened, say). It runs the package's own
// serve(); only Atomics.load and Atomics.store are wrapped, in this thread alone.
import { parentPort, workerData } from "node:worker_threads";
import { serve } from "../../dist/pool/worker-loop.js";
import { CONTROL_BYTES, EPOCH, stateWord } from "../../dist/pool/layout.js";

const { stallMs, stallWord, whenPositive = false, ...init } = workerData;
const controlWords = CONTROL_BYTES / 4;
const state = stateWord(init.index);
const { load, store } = Atomics;
const nap = new Int32Array(new SharedArrayBuffer(4));
let armed = false;
Atomics.store = (array, index, value) => {
  if (array.length === controlWords && index === state) armed = true;
  return store(array, index, value);
};
Atomics.load = (array, index) => {
  const value = load(array, index);
  if (stallMs > 0 && array.length === controlWords && (stallWord === undefined ? armed && index === EPOCH : index === stallWord && (!whenPositive || value > 0))) {
    armed = false;
    Atomics.wait(nap, 0, 0, stallMs);
    return load(array, index);
  }
  return value;
};
serve(init, () => parentPort.postMessage("ready"));
