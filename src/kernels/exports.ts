// The kernel module's exports as the host sees them: pointers are byte addresses in the arena,
// lengths are element counts, strides are bytes. Mirrors assembly/index.ts, which says why the
// host's code calls only some of them.

export interface KernelExports {
  dotF64(x: number, y: number, n: number): number;
  dotF32(x: number, y: number, n: number): number;
  dotBlockedF64(x: number, y: number, n: number, block: number, sum: number): number;
  dotBlockedF32(x: number, y: number, n: number, block: number, sum: number): number;
  dotManyF64(x: number, y: number, n: number, count: number, strideX: number, strideY: number, out: number): void;
  dotManyF32(x: number, y: number, n: number, count: number, strideX: number, strideY: number, out: number): void;
  iotaF64(out: number, n: number, first: number): void;
  iotaF32(out: number, n: number, first: number): void;
  /** Runs the task record at `task` (src/pool/layout.ts); traps on an unknown kernel id. */
  runTask(task: number): void;
  /** Claims a task of the pool range whose count is at `range` (src/pool/claims.ts): its address as an i32, or −1. */
  claimTask(range: number): number;
}

/** Instantiates the kernels on a memory. Any thread may call it with the same module and memory. */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
