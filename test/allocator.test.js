import { test } from "uvu";
import * as assert from "uvu/assert";
import { ALIGNMENT, FreeListAllocator } from "../dist/arena/allocator.js";

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
  // A miss records the longest free span, so later larger requests skip the scan; a release
  // that makes a longer span must lift that bound again, or the hole would never be reused.
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

test.run();
