// Long products are cut into blocks of a fixed length chosen by the host. Each block's sum is
// one kernel call, and block sums are added in block order, so one thread (dotBlocked) and any
// number of threads (dotMany writing partial sums that the host then adds) give the same bits.
//
//   x ─► [ block 0 | block 1 | … | block k-1 | tail ]     partial[k] = dot of block k
//
import { dotF32, dotF64 } from "./dot";

/**
 * `sum` plus, block by block in order, the f64 dot product of each block of `block` elements.
 * Passing the running sum in lets the host feed a long product in pieces and get the same bits.
 */
export function dotBlockedF64(x: usize, y: usize, n: usize, block: usize, sum: f64): f64 {
  let s = sum;
  for (let i: usize = 0; i < n; i += block) {
    s += dotF64(x + (i << 3), y + (i << 3), min(block, n - i));
  }
  return s;
}

/** As dotBlockedF64, for f32 elements; block sums are added in f64. */
export function dotBlockedF32(x: usize, y: usize, n: usize, block: usize, sum: f64): f64 {
  let s = sum;
  for (let i: usize = 0; i < n; i += block) {
    s += dotF32(x + (i << 2), y + (i << 2), min(block, n - i));
  }
  return s;
}

/**
 * `count` products of length n, the k-th at x + k·strideX and y + k·strideY (strides in
 * bytes), written as f64 to out[k]. One call serves a run of blocks (stride = block bytes),
 * matrix rows against one vector (strideY = 0), or one product of a batch (count = 1).
 */
export function dotManyF64(x: usize, y: usize, n: usize, count: usize, strideX: usize, strideY: usize, out: usize): void {
  for (let k: usize = 0; k < count; k++) {
    store<f64>(out + (k << 3), dotF64(x + k * strideX, y + k * strideY, n));
  }
}

/** As dotManyF64, for f32 elements. */
export function dotManyF32(x: usize, y: usize, n: usize, count: usize, strideX: usize, strideY: usize, out: usize): void {
  for (let k: usize = 0; k < count; k++) {
    store<f64>(out + (k << 3), dotF32(x + k * strideX, y + k * strideY, n));
  }
}
