import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { ALIGNMENT, FreeListAllocator } from "../dist/arena/allocator.js";
import { generator } from "./support/seeded.js";

test("blocks are aligned, rounded up to the alignment, and handed out upwards from the base", () => {
  const heap = new FreeListAllocator(1000, 1 << 20);
  assert.is(heap.allocate(1), 1024);
  assert.is(heap.allocate(65), 1024 + ALIGNMENT);
  assert.is(heap.sizeOf(1024 + ALIGNMENT), 2 * ALIGNMENT);
  assert.is(heap.top, 1024 + 3 * ALIGNMENT);
});

test("a zero-byte request still gets a block of its own", () => {
  const heap = new FreeListAllocator(0, 1 << 20);
  assert.is.not(heap.allocate(0), heap.allocate(0));
});

test("freeing the topmost blocks lowers the top, merging free neighbours first", () => {
  const heap = new FreeListAllocator(0, 1 << 20);
  const a = heap.allocate(64);
  const b = heap.allocate(64);
  const c = heap.allocate(64);
  heap.release(b);
  assert.is(heap.top, 192);
  heap.release(c);
  assert.is(heap.top, 64, "c and the free b both returned to the top");
  assert.is(heap.available, (1 << 20) - 64);
  heap.release(a);
  assert.is(heap.top, 0);
});

test("first fit splits a larger free block and reuses its front", () => {
  const heap = new FreeListAllocator(0, 1 << 20);
  const a = heap.allocate(256);
  heap.allocate(64);
  heap.release(a);
  assert.is(heap.allocate(64), 0);
  assert.is(heap.allocate(64), 64);
  assert.is(heap.allocate(256), 320, "the rest of the old block (128 bytes) is too small: it comes from the top");
});

test("release answers false for an address that starts no block, and twice for the same block", () => {
  const heap = new FreeListAllocator(0, 1 << 20);
  const a = heap.allocate(128);
  assert.is(heap.release(a + 64), false);
  assert.is(heap.release(a), true);
  assert.is(heap.release(a), false);
});

test("a request larger than what is left below the limit is refused", () => {
  const heap = new FreeListAllocator(0, 1024);
  assert.is(heap.allocate(1024), 0);
  assert.is(heap.allocate(1), undefined);
});

test("first fit still finds a hole after a miss, once a release merges one large enough", () => {
  // A request no span fits skips every chunk of the free list by its longest span; a release
  // that merges spans must raise that length, or the merged hole would never be reused.
  const heap = new FreeListAllocator(0, 1 << 20);
  const blocks = Array.from({ length: 8 }, () => heap.allocate(64));
  heap.allocate(64); // keeps the holes below the top
  for (const at of [1, 3, 5]) heap.release(blocks[at]);
  const top = heap.top;
  assert.is(heap.allocate(128), top, "no hole of 128 bytes: from the top");
  heap.release(blocks[2]); // 64 + 64 + 64 merge into one span at blocks[1]
  assert.is(heap.allocate(192), blocks[1], "the merged hole is found");
  assert.is(heap.allocate(64), blocks[5], "and the last hole too");
});

test("the longest free block counts free spans and the space above the top", () => {
  const heap = new FreeListAllocator(0, 4096);
  const a = heap.allocate(1024);
  heap.allocate(64);
  heap.release(a);
  assert.is(heap.longestFree, 4096 - 1088);
  heap.allocate(4096 - 1088 - 64);
  assert.is(heap.longestFree, 1024, "now the freed block is the longest");
  assert.is(heap.available, 1024 + 64);
});

/**
 * First fit as a plain sorted list: the allocator's rules, written the slow way, to check the
 * chunked free list against (src/arena/free-spans.ts).
 */
class ReferenceAllocator {
  constructor(base, limit) {
    this.top = Math.ceil(base / ALIGNMENT) * ALIGNMENT;
    this.limit = limit;
    this.free = []; // sorted [start, end) pairs
    this.sizes = new Map();
  }
  get available() {
    return this.limit - this.top + this.free.reduce((sum, [s, e]) => sum + e - s, 0);
  }
  get longestFree() {
    return Math.max(this.limit - this.top, ...this.free.map(([s, e]) => e - s));
  }
  allocate(bytes) {
    const size = FreeListAllocator.blockSize(bytes);
    const i = this.free.findIndex(([s, e]) => e - s >= size);
    let start;
    if (i >= 0) {
      start = this.free[i][0];
      this.free[i][0] += size;
      if (this.free[i][0] === this.free[i][1]) this.free.splice(i, 1);
    } else {
      if (this.limit - this.top < size) return undefined;
      start = this.top;
      this.top += size;
    }
    this.sizes.set(start, size);
    return start;
  }
  release(ptr) {
    const size = this.sizes.get(ptr);
    if (size === undefined) return false;
    this.sizes.delete(ptr);
    this.free.push([ptr, ptr + size]);
    this.free.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const span of this.free) {
      const last = merged.at(-1);
      if (last !== undefined && last[1] === span[0]) last[1] = span[1];
      else merged.push([...span]);
    }
    if (merged.length > 0 && merged.at(-1)[1] === this.top) this.top = merged.pop()[0];
    this.free = merged;
    return true;
  }
}

/** Runs the same steps on both; each step is [allocate bytes] or [release, which live block]. */
function compare(steps, limit = 1 << 24) {
  const heap = new FreeListAllocator(1000, limit);
  const model = new ReferenceAllocator(1000, limit);
  const live = [];
  steps.forEach(([kind, value], at) => {
    if (kind === "allocate" || live.length === 0) {
      const ptr = heap.allocate(value);
      assert.is(ptr, model.allocate(value), `step ${at}: allocate(${value})`);
      if (ptr !== undefined) live.push(ptr);
    } else {
      const [ptr] = live.splice(value % live.length, 1);
      assert.is(heap.release(ptr), model.release(ptr), `step ${at}: release(${ptr})`);
    }
    assert.is(heap.top, model.top, `step ${at}: top`);
    assert.is(heap.available, model.available, `step ${at}: available`);
    assert.is(heap.longestFree, model.longestFree, `step ${at}: longest free block`);
  });
}

test("property: any sequence of requests and releases gets the blocks first fit over a sorted list gives", () => {
  const step = fc.oneof(fc.tuple(fc.constant("allocate"), fc.integer({ min: 0, max: 640 })), fc.tuple(fc.constant("release"), fc.nat()));
  fc.assert(fc.property(fc.array(step, { maxLength: 300 }), (steps) => compare(steps)), { numRuns: 300 });
});

test("two thousand equal holes are refilled in address order before the top moves", () => {
  // Freed from the top down, the holes fill several chunks of the free list; refilling them must
  // reach every chunk, the last ones included.
  const steps = [];
  for (let i = 0; i < 4001; i++) steps.push(["allocate", 64]);
  for (let i = 0; i < 2000; i++) steps.push(["release", 3999 - 2 * i - 1]);
  for (let i = 0; i < 2000; i++) steps.push(["allocate", 64]);
  compare(steps);
  const heap = new FreeListAllocator(0, 1 << 24);
  const blocks = Array.from({ length: 4001 }, () => heap.allocate(64));
  for (let i = 0; i < 4000; i += 2) heap.release(blocks[i]);
  const top = heap.top;
  assert.equal(Array.from({ length: 2000 }, () => heap.allocate(64)), blocks.filter((_, i) => i % 2 === 0 && i < 4000));
  assert.is(heap.top, top);
});

test("a long hole whose release splits a chunk of the free list is found by the next long request", () => {
  // 512 holes of 64 bytes fill one chunk; freeing the 4096-byte block among them (its neighbours
  // in use) makes a 513th span and splits the chunk. A request of 4096 bytes must then take it,
  // not the top: the longest free span grew there.
  const steps = [];
  for (let i = 0; i < 1030; i++) steps.push(["allocate", i === 1001 ? 4096 : 64]);
  // Even blocks 0 to 1026 but 1000 and 1002, highest first so that the indices below stay put.
  for (let i = 1026; i >= 0; i -= 2) if (i !== 1000 && i !== 1002) steps.push(["release", i]);
  steps.push(["release", 1001 - 500]); // block 1001, once the 500 even blocks below it are gone
  steps.push(["allocate", 4096]);
  compare(steps);
});

test("thousands of holes: freeing and refilling them in random order matches the sorted list throughout", () => {
  // 3000 blocks with every other one freed leave 1500 holes, past one chunk of the free list
  // (512 spans); the rest are freed and holes refilled in a seeded order.
  const random = generator(7);
  const steps = [];
  for (let i = 0; i < 3000; i++) steps.push(["allocate", 64 * (1 + (i % 3))]);
  for (let i = 0; i < 1500; i++) steps.push(["release", 2999 - 2 * i - 1]);
  for (let i = 0; i < 6000; i++) steps.push(random() < 0.45 ? ["allocate", Math.floor(random() * 300)] : ["release", Math.floor(random() * 1e9)]);
  compare(steps);
});

test.run();
