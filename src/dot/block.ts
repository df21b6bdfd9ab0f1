/**
 * Elements per block. Long products are summed block by block, in block order, on one thread
 * or many, so the result never depends on the thread count. 4096 f64 are 32 KiB an operand:
 * small enough for fine load balancing across 16 threads at n = 1e5, large enough that the
 * per-block cost (a call and a horizontal sum) stays far below 1% of the work.
 */
export const BLOCK = 4096;
