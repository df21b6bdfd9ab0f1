// The task table: how the host tells any thread which kernel to run on which memory. A task is
// eight u32 words in the shared memory; `runTask` reads one and calls its kernel. A new kernel
// (an elementwise map, a user kernel) gets an id here and in the host's KERNEL (src/pool/layout.ts),
// and a plan that writes its tasks (src/pool/plan.ts); the claiming and waking do not change.
//
//   word:   0       1   2   3   4       5         6         7
//         [ kernel | x | y | n | count | strideX | strideY | out ]
//
// The iota (arange) kernels read x as the array, n as its length and count as the first value.
import { dotManyF32, dotManyF64 } from "./blocks";
import { iotaF32, iotaF64 } from "./fill";

export const enum Kernel {
  DotManyF64 = 0,
  DotManyF32 = 1,
  IotaF64 = 2,
  IotaF32 = 3,
}

/** Runs the task record at `task`. An unknown kernel id traps: the host wrote a bad table. */
export function runTask(task: usize): void {
  let kernel = load<u32>(task);
  let x = load<u32>(task, 4), y = load<u32>(task, 8), n = load<u32>(task, 12);
  let count = load<u32>(task, 16), strideX = load<u32>(task, 20), strideY = load<u32>(task, 24);
  let out = load<u32>(task, 28);
  switch (kernel) {
    case Kernel.DotManyF64: dotManyF64(x, y, n, count, strideX, strideY, out); break;
    case Kernel.DotManyF32: dotManyF32(x, y, n, count, strideX, strideY, out); break;
    case Kernel.IotaF64:    iotaF64(x, n, count); break;
    case Kernel.IotaF32:    iotaF32(x, n, count); break;
    default: unreachable();
  }
}
