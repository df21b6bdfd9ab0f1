// Instantiates a kernel build directly on a fresh shared memory, below the public API, so one
// spec can run against each build whatever this engine would choose on its own.
import { readFileSync } from "node:fs";

export const VARIANTS = {
  baseline: new URL("../../build/kernels.wasm", import.meta.url),
  relaxed: new URL("../../build/kernels-relaxed.wasm", import.meta.url),
};

/** Whether this engine can run a build (relaxed needs Node >= 22, or --experimental-wasm-relaxed-simd). */
export function canRun(variant) {
  return WebAssembly.validate(readFileSync(VARIANTS[variant]));
}

/** The exports of a build on a new 1 MiB shared memory, with f64/f32 views of all of it. */
export function rawKernels(variant) {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  const module = new WebAssembly.Module(readFileSync(VARIANTS[variant]));
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  return { exports, memory, f64: new Float64Array(memory.buffer), f32: new Float32Array(memory.buffer) };
}
