// Dot products over raw pointers into the shared memory. The host validates every argument;
// kernels never allocate and hold no static data, because every worker instantiates this
// module on the same memory and an instantiation would re-apply data segments.
//
// Four independent accumulators hide the add latency; loads may be at any alignment, since
// `v128.load` does not trap on unaligned addresses. The sum is reduced in a fixed order, so a
// result depends only on the data and the build, never on the thread that computed it.
import { maddF32, maddF64 } from "./fma";

/** Σ x[i]·y[i] for i < n, with x and y pointing at f64 elements. */
export function dotF64(x: usize, y: usize, n: usize): f64 {
  let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let i: usize = 0;
  for (let end = n & ~7; i < end; i += 8) {
    let p = x + (i << 3), q = y + (i << 3);
    a0 = maddF64(v128.load(p),      v128.load(q),      a0);
    a1 = maddF64(v128.load(p, 16),  v128.load(q, 16),  a1);
    a2 = maddF64(v128.load(p, 32),  v128.load(q, 32),  a2);
    a3 = maddF64(v128.load(p, 48),  v128.load(q, 48),  a3);
  }
  for (let end = n & ~1; i < end; i += 2) {
    a0 = maddF64(v128.load(x + (i << 3)), v128.load(y + (i << 3)), a0);
  }
  let v = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let s = f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
  if (i < n) s += load<f64>(x + (i << 3)) * load<f64>(y + (i << 3));
  return s;
}

/** Σ x[i]·y[i] for i < n, with f32 elements, accumulated in f32 as BLAS sdot does. */
export function dotF32(x: usize, y: usize, n: usize): f64 {
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let i: usize = 0;
  for (let end = n & ~15; i < end; i += 16) {
    let p = x + (i << 2), q = y + (i << 2);
    a0 = maddF32(v128.load(p),      v128.load(q),      a0);
    a1 = maddF32(v128.load(p, 16),  v128.load(q, 16),  a1);
    a2 = maddF32(v128.load(p, 32),  v128.load(q, 32),  a2);
    a3 = maddF32(v128.load(p, 48),  v128.load(q, 48),  a3);
  }
  for (let end = n & ~3; i < end; i += 4) {
    a0 = maddF32(v128.load(x + (i << 2)), v128.load(y + (i << 2)), a0);
  }
  let v = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  let s = (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1))
        + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  for (; i < n; i++) s += load<f32>(x + (i << 2)) * load<f32>(y + (i << 2));
  return <f64>s;
}
