// The planner alone: which tasks a job becomes, independent of any thread.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BLOCK } from "../dist/dot/block.js";
import { iotaPlan } from "../dist/pool/fill.js";
import { STEPPED_TASK_ELEMENTS } from "../dist/pool/job.js";
import { KERNEL } from "../dist/pool/layout.js";
import { blocksOf, dotPlan, reduce } from "../dist/pool/plan.js";

function tasksOf(plan, threads, longest = Infinity) {
  const tasks = [];
  const count = plan.emit(threads, longest, (kernel, x, y, n, many, strideX, strideY, first) => tasks.push({ kernel, x, y, n, many, strideX, strideY, first }));
  assert.is(count, tasks.length, "emit returns the number of tasks it emitted");
  return tasks;
}

/** Every block of every product, as [partial index, x, y, n], in partial order. */
function blocksCovered(tasks) {
  const blocks = [];
  for (const t of tasks) for (let k = 0; k < t.many; k++) blocks.push([t.first + k, t.x + k * t.strideX, t.y + k * t.strideY, t.n]);
  return blocks.sort((p, q) => p[0] - q[0]);
}

test("a long product becomes every block exactly once, whatever the thread count", () => {
  const n = 10 * BLOCK + 123;
  const expected = Array.from({ length: 11 }, (_, b) => [b, 1024 + b * BLOCK * 8, 9000 + b * BLOCK * 8, b < 10 ? BLOCK : 123]);
  for (const threads of [1, 2, 3, 16]) {
    const plan = dotPlan([{ precision: "f64", x: 1024, y: 9000, n, count: 1, strideX: 0, strideY: 0 }]);
    assert.is(plan.partials, 11);
    assert.equal(blocksCovered(tasksOf(plan, threads)), expected, `${threads} threads`);
  }
});

test("more threads make more, smaller tasks; the blocks stay the same", () => {
  const plan = dotPlan([{ precision: "f32", x: 64, y: 1_000_000, n: 200 * BLOCK, count: 1, strideX: 0, strideY: 0 }]);
  // 8 tasks a thread: 25 blocks a task on one thread, 13 on two (the last task holds 5), 2 on 16.
  assert.is(tasksOf(plan, 1).length, 8);
  assert.is(tasksOf(plan, 2).length, 16);
  assert.ok(tasksOf(plan, 16).every((t) => t.kernel === KERNEL.dotManyF32 && t.many <= 2));
  // f32 blocks lie 4 bytes an element apart.
  const expected = Array.from({ length: 200 }, (_, b) => [b, 64 + b * BLOCK * 4, 1_000_000 + b * BLOCK * 4, BLOCK]);
  for (const threads of [1, 2, 16]) assert.equal(blocksCovered(tasksOf(plan, threads)), expected, `${threads} threads`);
});

test("tasks a thread runs between turns cover at most STEPPED_TASK_ELEMENTS of an operand; the blocks stay the same", () => {
  assert.is(STEPPED_TASK_ELEMENTS, 16 * BLOCK);
  const n = 1221 * BLOCK + 7; // 5e6 f64: 64-block tasks when the length is left to the plan
  const plan = dotPlan([{ precision: "f64", x: 0, y: 0, n, count: 1, strideX: 0, strideY: 0 }]);
  const free = tasksOf(plan, 2);
  assert.is(Math.max(...free.map((t) => t.many)), 64);
  const stepped = tasksOf(plan, 2, STEPPED_TASK_ELEMENTS);
  assert.is(Math.max(...stepped.map((t) => t.many * t.n)), STEPPED_TASK_ELEMENTS);
  assert.equal(blocksCovered(stepped), blocksCovered(free));
  // Rows shorter than a block are grouped whole, as many as fit: 1200 rows of 4000 f64, 16 a task.
  const rows = dotPlan([{ precision: "f64", x: 0, y: 0, n: 4000, count: 1200, strideX: 32000, strideY: 0 }]);
  assert.is(Math.max(...tasksOf(rows, 2).map((t) => t.many)), 64);
  assert.is(Math.max(...tasksOf(rows, 2, STEPPED_TASK_ELEMENTS).map((t) => t.many)), 16);
  // Longer than the bound, one block or one row is still a task.
  assert.ok(tasksOf(plan, 2, 1).every((t) => t.many === 1));
  // Fills: slices of STEPPED_TASK_ELEMENTS, the shortest a fill makes, where they would be 262144.
  const fill = iotaPlan(0, 2 ** 24, "f64");
  assert.is(Math.max(...tasksOf(fill, 2).map((t) => t.n)), 262144);
  assert.ok(tasksOf(fill, 2, STEPPED_TASK_ELEMENTS).every((t) => t.n === STEPPED_TASK_ELEMENTS));
});

test("matrix rows shorter than a block are grouped whole, one partial per row", () => {
  const rows = 100;
  const plan = dotPlan([{ precision: "f64", x: 4096, y: 64, n: 300, count: rows, strideX: 2400, strideY: 0 }]);
  assert.is(plan.partials, rows);
  const blocks = blocksCovered(tasksOf(plan, 2));
  assert.equal(blocks, Array.from({ length: rows }, (_, r) => [r, 4096 + r * 2400, 64, 300]));
});

test("an empty product still has one partial, so its value is 0", () => {
  const plan = dotPlan([{ precision: "f64", x: 0, y: 0, n: 0, count: 1, strideX: 0, strideY: 0 }]);
  assert.is(plan.partials, 1);
  assert.equal(blocksCovered(tasksOf(plan, 4)), [[0, 0, 0, 0]]);
  assert.is(blocksOf(0), 1);
});

test("reduce adds each product's partials in block order", () => {
  const groups = [
    { precision: "f64", x: 0, y: 0, n: 2 * BLOCK + 1, count: 1, strideX: 0, strideY: 0 }, // 3 blocks
    { precision: "f64", x: 0, y: 0, n: 5, count: 2, strideX: 40, strideY: 40 }, // 2 products, 1 block each
  ];
  // In block order 1e16 − 1e16 + 1 = 1; any other order loses the 1 against 1e16 and gives 0.
  const partials = new Float64Array([1e16, -1e16, 1, 7, 8]);
  const out = new Float64Array(3);
  reduce(groups, partials, out);
  assert.equal(Array.from(out), [1, 7, 8]);
});

test("arange is cut into slices of whole cache lines that cover it exactly once", () => {
  const n = 1_000_003;
  const tasks = tasksOf(iotaPlan(2048, n, "f64"), 2);
  assert.is(tasks.length, 8);
  let next = 0;
  for (const t of tasks) {
    assert.is(t.kernel, KERNEL.iotaF64);
    assert.is(t.many, next, "count carries the first value");
    assert.is(t.x, 2048 + next * 8);
    assert.ok(t === tasks.at(-1) || t.n % 16 === 0);
    next += t.n;
  }
  assert.is(next, n);
  assert.is(tasksOf(iotaPlan(0, 1000, "f32"), 8).length, 1, "short fills are one task");
});

test("arange slices stay at most 262144 elements however long the fill and few the threads", () => {
  // A descheduled worker holds up its whole slice; a thread that fills between turns has a shorter cap (above).
  const n = 16_000_000;
  const tasks = tasksOf(iotaPlan(0, n, "f32"), 1);
  assert.ok(tasks.every((t) => t.n <= 262144), `longest slice ${Math.max(...tasks.map((t) => t.n))}`);
  assert.is(tasks.reduce((sum, t) => sum + t.n, 0), n);
});

test.run();
