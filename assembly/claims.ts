// A claim of one task from a range of the pool's control block (src/pool/layout.ts), for the
// host's claim loop (src/pool/claims.ts), which chooses the ranges. Here each atomic access is
// one instruction, where each `Atomics` call from JavaScript costs 13–27 ns on the 2-core VM.

/** Byte offsets in a range's line: the index one past its last task, and the task table's address. */
const RANGE_END: usize = 2 * 4;
const RANGE_TABLE: usize = 3 * 4;
/** Bytes of a task record (tasks.ts). */
const TASK_BYTES: u32 = 32;

/**
 * Claims one task of the range whose unclaimed count is at `range`: returns the task record's
 * address, or −1 if the range has none left (a closed range's count is far below zero).
 */
export function claimTask(range: usize): i32 {
  // Read before subtracting: a range that ran dry is only read, so its line stays with its owner.
  if (atomic.load<i32>(range) <= 0) return -1;
  let left = atomic.sub<i32>(range, 1);
  if (left <= 0) return -1;
  // END and TABLE are read after the claim, so they are the claimed job's.
  let end = atomic.load<i32>(range, RANGE_END);
  return <i32>(atomic.load<u32>(range, RANGE_TABLE) + <u32>(end - left) * TASK_BYTES);
}
