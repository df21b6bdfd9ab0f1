// Cuts products into tasks. Every product is split into blocks of BLOCK elements (one block when
// shorter), each block's sum lands in its own partial, and a product's value is the sum of its
// partials in block order. The blocks never depend on the thread count; only how many blocks
// one task covers does, and that changes which thread computes a block, never the bits.
//
//   group: `count` products of length n, the k-th at x + k·strideX, y + k·strideY
//     dot      one product
//     dotBatch one group per pair
//     matvec   one group: the rows (strideX = row bytes) against one vector (strideY = 0)
import { BLOCK } from "../dot/block.js";
import { BYTES, type Precision } from "../dot/operands.js";
import { overlaps } from "../arena/readers.js";
import { KERNEL } from "./layout.js";
import type { JobPlan } from "./job.js";

export interface Group {
  readonly precision: Precision;
  readonly x: number;
  readonly y: number;
  readonly n: number;
  readonly count: number;
  readonly strideX: number;
  readonly strideY: number;
}

/** Receives each task: kernel id, pointers, length, count, strides, and its first partial's index. */
export type TaskSink = (kernel: number, x: number, y: number, n: number, count: number, strideX: number, strideY: number, firstPartial: number) => void;

/**
 * Tasks per thread to aim for: enough for threads that start late or run slow to even out, since
 * a job ends about half a task after its first thread runs dry, but few enough that each task's
 * claim and call stay small beside it. 8 rather than 4, each measured in one process against the
 * other (bench/ab.js, 2026-11-27): on the 16-core device 46 of 48 readings at 1e6 to 1e7 f64 took
 * less time (down to 0.86×, five runs); on the 2-core VM 0.88–0.99× at 1e6 and 4e6 (13 of 15),
 * but an awaited pool.dot of 1e5 or 131072 took 1.04–1.09× there, where 2-block tasks replace
 * 4-block ones (dotSync 0.95–1.03×). 16 was faster again at 1e7 on the device (0.94–0.97× of 8's
 * time) but up to 5% slower at 1e6, where its tasks are single blocks.
 */
const TASKS_PER_THREAD = 8;
/**
 * The most blocks in one task. At the end of a job a thread that runs dry waits for the others'
 * last tasks, half a task on average, and the VM here stalls a thread for 20–100 µs over a
 * thousand times a second: 256-block tasks (0.4 ms from DRAM) left ~10% of a 1e7 call idle.
 * 64 blocks (256K elements, ~0.1 ms) cut that to a few %, and a claim costs under 1 µs.
 */
const MAX_TASK_BLOCKS = 64;

/** Blocks of one product of length n: at least one, so an empty product still has its partial. */
export function blocksOf(n: number): number {
  return Math.max(1, Math.ceil(n / BLOCK));
}

/** Blocks a task of a long product covers, where no cap on task length is shorter. */
function blocksPerTask(blocks: number, threads: number): number {
  return Math.min(MAX_TASK_BLOCKS, Math.max(1, Math.ceil(blocks / (threads * TASKS_PER_THREAD))));
}

/** Partials the groups need, one per block. */
function countBlocks(groups: readonly Group[]): number {
  let blocks = 0;
  for (const g of groups) blocks += g.count * blocksOf(g.n);
  return blocks;
}

/**
 * Emits the tasks for `groups`, sized for `threads` threads, none covering more than `longest`
 * elements of an operand (but one block or one short product at least). Returns the number of tasks.
 */
function planTasks(groups: readonly Group[], threads: number, longest: number, emit: TaskSink): number {
  const sized = blocksPerTask(countBlocks(groups), threads);
  let tasks = 0;
  let partial = 0;
  for (const g of groups) {
    const kernel = g.precision === "f64" ? KERNEL.dotManyF64 : KERNEL.dotManyF32;
    const width = BYTES[g.precision];
    // Blocks, or whole short products, a task: an empty product's division gives Infinity.
    const perTask = Math.max(1, Math.min(sized, Math.floor(longest / Math.min(g.n, BLOCK))));
    if (g.n <= BLOCK) {
      // Whole products, perTask of them a task, each one block.
      for (let k = 0; k < g.count; k += perTask, tasks++) {
        const run = Math.min(perTask, g.count - k);
        emit(kernel, g.x + k * g.strideX, g.y + k * g.strideY, g.n, run, g.strideX, g.strideY, partial + k);
      }
      partial += g.count;
      continue;
    }
    const full = Math.floor(g.n / BLOCK);
    const tail = g.n - full * BLOCK;
    const step = BLOCK * width;
    for (let p = 0; p < g.count; p++) {
      const x = g.x + p * g.strideX;
      const y = g.y + p * g.strideY;
      for (let b = 0; b < full; b += perTask, tasks++) {
        emit(kernel, x + b * step, y + b * step, BLOCK, Math.min(perTask, full - b), step, step, partial + b);
      }
      if (tail > 0) {
        emit(kernel, x + full * step, y + full * step, tail, 1, 0, 0, partial + full);
        tasks++;
      }
      partial += blocksOf(g.n);
    }
  }
  return tasks;
}

/** Writes each product's value, the in-order sum of its block partials, to results. */
export function reduce(groups: readonly Group[], partials: Float64Array, results: Float64Array | Float32Array): void {
  let at = 0;
  let out = 0;
  for (const g of groups) {
    const blocks = blocksOf(g.n);
    for (let p = 0; p < g.count; p++, out++) {
      let sum = 0;
      for (let b = 0; b < blocks; b++) sum += partials[at++]!;
      results[out] = sum;
    }
  }
}

/**
 * Dot groups as a job for the dispatcher: one partial per block, and a task covers a block or
 * more. `target` is the arena range the caller writes the results to, if any (matvec's out).
 */
export function dotPlan(groups: readonly Group[], target?: readonly [start: number, end: number]): JobPlan {
  return new DotPlan(groups, target);
}

/**
 * The most groups a plan may have for the dispatcher to keep it (JobPlan.keepable); a dot and a
 * matvec are one group each.
 */
export const KEEPABLE_GROUPS = 64;

/** A class, not an object of closures: a plan is made for every call. */
class DotPlan implements JobPlan {
  readonly partials: number;
  readonly bytes: number;
  readonly maxTasks: number;
  readonly keepable: boolean;
  readonly #groups: readonly Group[];
  /** Arena bytes the caller writes the results to once the job is done (matvec's out), or none. */
  readonly #target: readonly [number, number] | undefined;

  constructor(groups: readonly Group[], target?: readonly [start: number, end: number]) {
    this.#groups = groups;
    this.#target = target;
    this.keepable = groups.length <= KEEPABLE_GROUPS;
    this.partials = this.maxTasks = countBlocks(groups);
    let bytes = 0;
    for (const g of groups) bytes += 2 * g.count * g.n * BYTES[g.precision];
    this.bytes = bytes;
  }

  emit(threads: number, longest: number, sink: TaskSink): number {
    return planTasks(this.#groups, threads, longest, sink);
  }

  /**
   * A cap of `sized` blocks' elements or more binds no group: planTasks gives a long product's
   * tasks min(sized, ⌊cap / BLOCK⌋) blocks and a short one's min(sized, ⌊cap / n⌋) products, where
   * ⌊sized·BLOCK / n⌋ ≥ sized for 0 < n ≤ BLOCK, and an empty product's ⌊cap / 0⌋ is Infinity
   * under any cap above 0.
   */
  cap(threads: number, longest: number): number {
    return Math.min(longest, blocksPerTask(this.partials, threads) * BLOCK);
  }

  sameTasks(other: JobPlan): boolean {
    return #groups in other && sameGroups(this.#groups, other.#groups);
  }

  touches(start: number, end: number): boolean {
    const target = this.#target;
    if (target !== undefined && overlaps(target[0], target[1] - target[0], start, end)) return true;
    return this.#groups.some((g) => groupReads(g, start, end));
  }
}

function sameGroups(a: readonly Group[], b: readonly Group[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const g = a[i]!;
    const h = b[i]!;
    const same = g.precision === h.precision && g.x === h.x && g.y === h.y && g.n === h.n && g.count === h.count && g.strideX === h.strideX && g.strideY === h.strideY;
    if (!same) return false;
  }
  return true;
}

/** Whether a group's products read a byte in [start, end): what spans its first to its last product. */
function groupReads(g: Group, start: number, end: number): boolean {
  if (g.count === 0 || g.n === 0) return false;
  const bytes = g.n * BYTES[g.precision];
  return overlaps(g.x, (g.count - 1) * g.strideX + bytes, start, end) || overlaps(g.y, (g.count - 1) * g.strideY + bytes, start, end);
}
