// The block a dispatcher's jobs write their task tables to (src/pool/job-area.ts): a job with the
// same tasks as the last finds its table written and leaves it; any other job writes its own.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { arenaBuffer } from "../dist/arena/arena.js";
import { BLOCK } from "../dist/dot/block.js";
import { iotaPlan } from "../dist/pool/fill.js";
import { JobArea } from "../dist/pool/job-area.js";
import { STEPPED_TASK_ELEMENTS } from "../dist/pool/job.js";
import { TASK_WORDS } from "../dist/pool/layout.js";
import { dotPlan, KEEPABLE_GROUPS } from "../dist/pool/plan.js";

/** Every task emit makes, as arrays of its fields. */
function tasksOf(plan, threads, longest) {
  const tasks = [];
  plan.emit(threads, longest, (...fields) => tasks.push(fields));
  return tasks;
}

const group = (fields) => ({ precision: "f64", x: 4096, y: 1 << 20, n: 8 * BLOCK, count: 1, strideX: 0, strideY: 0, ...fields });
/** The table's first word, the first task's kernel id, which a rewrite sets back. */
const MARK = 0xbad;
const mark = (area) => (new Uint32Array(arenaBuffer(), area.tasks, TASK_WORDS)[0] = MARK);
const firstWord = (area) => new Uint32Array(arenaBuffer(), area.tasks, TASK_WORDS)[0];

test("a job with the same groups, threads and task length keeps the table the last one wrote", () => {
  const area = new JobArea();
  const tasks = area.write(dotPlan([group()]), 2, Infinity);
  mark(area);
  assert.is(area.write(dotPlan([group()]), 2, Infinity), tasks);
  assert.is(firstWord(area), MARK, "not written again");
  area.free();
});

test("any difference in a group, the thread count or the task length writes the table again", () => {
  // Each case differs from the table's plan in one thing only, so each comparison must catch it.
  const pair = { count: 2, strideX: 8 * BLOCK * 8, strideY: 16 * BLOCK * 8 };
  const one = (fields, longest = Infinity) => (area) => area.write(dotPlan([group(fields)]), 2, longest);
  const changes = [
    ["x", {}, one({ x: 8192 })],
    ["y", {}, one({ y: 2 << 20 })],
    ["n", {}, one({ n: 8 * BLOCK + 1 })],
    ["precision", {}, one({ precision: "f32" })],
    ["count", pair, one({ ...pair, count: 3 })],
    ["strideX", pair, one({ ...pair, strideX: 9 * BLOCK * 8 })],
    ["strideY", pair, one({ ...pair, strideY: 17 * BLOCK * 8 })],
    ["a second group", {}, (area) => area.write(dotPlan([group(), group()]), 2, Infinity)],
    ["threads", {}, (area) => area.write(dotPlan([group()]), 3, Infinity)],
    // 400 blocks on 2 threads: tasks of 25 blocks uncapped, of STEPPED_TASK_ELEMENTS (16) capped.
    ["task length", { n: 400 * BLOCK }, one({ n: 400 * BLOCK }, STEPPED_TASK_ELEMENTS)],
    ["a fill", {}, (area) => area.write(iotaPlan(4096, 1 << 20, "f64"), 2, Infinity)],
  ];
  for (const [what, kept, write] of changes) {
    const area = new JobArea();
    area.write(dotPlan([group(kept)]), 2, Infinity);
    mark(area);
    write(area);
    assert.is.not(firstWord(area), MARK, what);
    area.free();
  }
});

test("a cap on task length that no task reaches keeps the table: a polled and a blocking call share it", () => {
  // 8 blocks on 2 threads: tasks of one block, under any cap of a block or more.
  const area = new JobArea();
  const tasks = area.write(dotPlan([group()]), 2, Infinity);
  mark(area);
  assert.is(area.write(dotPlan([group()]), 2, STEPPED_TASK_ELEMENTS), tasks);
  assert.is(area.write(dotPlan([group()]), 2, BLOCK), tasks);
  assert.is(firstWord(area), MARK, "not written again");
  area.write(dotPlan([group()]), 2, BLOCK - 1);
  assert.is.not(firstWord(area), MARK, "a cap below a block binds");
  area.free();
});

test("property: the table written under a plan's cap is the one written under the cap asked for", () => {
  const groupArb = fc.record({
    precision: fc.constantFrom("f64", "f32"),
    n: fc.oneof(fc.integer({ min: 0, max: 3 * BLOCK }), fc.integer({ min: 0, max: 400 * BLOCK })),
    count: fc.integer({ min: 0, max: 40 }),
  });
  fc.assert(
    fc.property(fc.array(groupArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 64 }), fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 600 * BLOCK })), (specs, threads, longest) => {
      const groups = specs.map((g, k) => ({ ...g, x: 4096 + k * 64, y: 1 << 20, strideX: 8 * g.n, strideY: 0 }));
      const plan = dotPlan(groups);
      const cap = plan.cap(threads, longest);
      assert.ok(cap <= longest, "never longer than asked");
      assert.equal(tasksOf(plan, threads, cap), tasksOf(plan, threads, longest));
    }),
  );
});

test("a plan of more than KEEPABLE_GROUPS groups is not kept, so its groups are not held after the job", () => {
  const many = (count) => Array.from({ length: count }, (_, k) => group({ x: 4096 + k * 64 }));
  const area = new JobArea();
  area.write(dotPlan(many(KEEPABLE_GROUPS)), 2, Infinity);
  mark(area);
  area.write(dotPlan(many(KEEPABLE_GROUPS)), 2, Infinity);
  assert.is(firstWord(area), MARK, `${KEEPABLE_GROUPS} groups: kept`);
  area.write(dotPlan(many(KEEPABLE_GROUPS + 1)), 2, Infinity);
  mark(area);
  area.write(dotPlan(many(KEEPABLE_GROUPS + 1)), 2, Infinity);
  assert.is.not(firstWord(area), MARK, "one more: written again");
  area.free();
});

test("a fill never reuses a table, and a freed area forgets what it held", () => {
  const area = new JobArea();
  area.write(iotaPlan(4096, 1 << 20, "f64"), 2, Infinity);
  mark(area);
  area.write(iotaPlan(4096, 1 << 20, "f64"), 2, Infinity);
  assert.is.not(firstWord(area), MARK, "a fill");
  area.free();
  area.write(dotPlan([group()]), 2, Infinity);
  mark(area);
  area.free();
  area.write(dotPlan([group()]), 2, Infinity);
  assert.is.not(firstWord(area), MARK, "after free");
  area.free();
});

test.run();
