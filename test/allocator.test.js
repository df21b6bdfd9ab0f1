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

test.run();
