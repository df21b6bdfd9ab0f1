// Fills for arrays the host creates in parallel, as numpy's arange does: each thread writes its
// own slice, so a 100M-element vector is made at memory speed instead of by one JS loop.

/** out[i] = first + i for i < n, as f64. Exact for every value below 2^53. */
export function iotaF64(out: usize, n: usize, first: u32): void {
  let v = f64x2.add(f64x2.splat(<f64>first), f64x2(0, 1));
  let two = f64x2.splat(2);
  let i: usize = 0;
  for (let end = n & ~1; i < end; i += 2) {
    v128.store(out + (i << 3), v);
    v = f64x2.add(v, two);
  }
  if (i < n) store<f64>(out + (i << 3), <f64>first + <f64>i);
}

/** out[i] = first + i for i < n, rounded to f32 as numpy's arange(dtype=float32) does. */
export function iotaF32(out: usize, n: usize, first: u32): void {
  for (let i: usize = 0; i < n; i++) store<f32>(out + (i << 2), <f32>(<f64>first + <f64>i));
}
