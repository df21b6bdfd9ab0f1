// A pool worker that, given `stallMs`, stalls where a thread descheduled on a busy machine would:
// by default at the first EPOCH read after each write of its STATE word (between its claims and
// its wait), or, given `stallWord`, at every read of that control word (with `whenPositive`, only
// a read that finds it above zero: its own range just opened, say). Given `stallOpen` ({ range,
// beforeMs, afterMs }), it stalls around its swap that opens that range (claims.ts openRange), as
// the thread that claimed its group's first task. Given `exitWhenReady` (a SharedArrayBuffer), it
// exits as soon as it has said it is ready, setting its first Int32 word to 1 first. It runs the package's own worker loop
// (prepareWorker), admitted as the pool's own workers are; only Atomics calls are wrapped, in this
// thread alone.
import { parentPort, workerData } from "node:worker_threads";
import { prepareWorker } from "../../dist/pool/worker-loop.js";
import { CONTROL_BYTES, EPOCH, rangeWord, stateWord } from "../../dist/pool/layout.js";

const { stallMs, stallWord, whenPositive = false, stallOpen, exitWhenReady, ...init } = workerData;
const controlWords = CONTROL_BYTES / 4;
const state = stateWord(init.index);
const { load, store, compareExchange } = Atomics;
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
if (stallOpen !== undefined) {
  const opening = rangeWord(stallOpen.range);
  Atomics.compareExchange = (array, index, expected, value) => {
    if (array.length !== controlWords || index !== opening) return compareExchange(array, index, expected, value);
    Atomics.wait(nap, 0, 0, stallOpen.beforeMs);
    const held = compareExchange(array, index, expected, value);
    Atomics.wait(nap, 0, 0, stallOpen.afterMs);
    return held;
  };
}
const serve = prepareWorker(init);
parentPort.once("message", serve); // admitted
parentPort.postMessage("ready");
if (exitWhenReady !== undefined) {
  Atomics.store(new Int32Array(exitWhenReady), 0, 1);
  process.exit(1);
}
