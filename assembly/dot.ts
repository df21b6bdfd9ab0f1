// Dot products over raw pointers into the shared memory. The host validates every argument;
// kernels never allocate and hold no static data, because every worker instantiates this
// module on the same memory and an instantiation would re-apply data segments.
//
// Loads may be at any alignment, since `v128.load` does not trap on unaligned addresses. The sum
// is reduced in a fixed order, so a result depends only on the data and the build, never on the
// thread that computed it.
import { maddF32, maddF64 } from "./fma";

/** Bytes the unrolled loop reads from each operand per step: eight 16-byte vectors. */
const STEP: usize = 128;

/** Σ x[i]·y[i] for i < n, with x and y pointing at f64 elements. */
export function dotF64(x: usize, y: usize, n: usize): f64 {
  let i = n & ~15;
  let v = sumOfSteps<f64>(x, y, i << 3);
  for (let end = n & ~1; i < end; i += 2) {
    v = maddF64(v128.load(x + (i << 3)), v128.load(y + (i << 3)), v);
  }
  let s = f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
  if (i < n) s += load<f64>(x + (i << 3)) * load<f64>(y + (i << 3));
  return s;
}

/** Σ x[i]·y[i] for i < n, with f32 elements, accumulated in f32 as BLAS sdot does. */
export function dotF32(x: usize, y: usize, n: usize): f64 {
  let i = n & ~31;
  let v = sumOfSteps<f32>(x, y, i << 2);
  for (let end = n & ~3; i < end; i += 4) {
    v = maddF32(v128.load(x + (i << 2)), v128.load(y + (i << 2)), v);
  }
  let s = (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1))
        + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  for (; i < n; i++) s += load<f32>(x + (i << 2)) * load<f32>(y + (i << 2));
  return <f64>s;
}

/**
 * The products of the first `bytes` bytes (a multiple of STEP) of x and y, summed lane by lane
 * into one vector of T. Eight independent accumulators hide the add (or FMA) latency and halve
 * the loop's own instructions per element against four: V8 emits each 16-byte load, multiply
 * and add as it stands, plus a stack check on every back edge. On one thread of the 2-core VM
 * (2026-11-26, kernels alone, alternating in one process), blocks of 4096 at 4096 to 2e4
 * elements ran 1.06–1.11× faster with eight in 7 of 9 runs (f64 and f32, baseline and relaxed;
 * 0.92× and 0.95× in the other two); from 1e5 up they ran level to 1.08× faster.
 */
// @ts-ignore: decorator
@inline function sumOfSteps<T>(x: usize, y: usize, bytes: usize): v128 {
  if (x == y) return sumOfSquareSteps<T>(x, bytes);
  let a0 = v128.splat<i64>(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (let at: usize = 0; at < bytes; at += STEP) {
    let p = x + at, q = y + at;
    a0 = madd<T>(v128.load(p),       v128.load(q),       a0);
    a1 = madd<T>(v128.load(p, 16),   v128.load(q, 16),   a1);
    a2 = madd<T>(v128.load(p, 32),   v128.load(q, 32),   a2);
    a3 = madd<T>(v128.load(p, 48),   v128.load(q, 48),   a3);
    a4 = madd<T>(v128.load(p, 64),   v128.load(q, 64),   a4);
    a5 = madd<T>(v128.load(p, 80),   v128.load(q, 80),   a5);
    a6 = madd<T>(v128.load(p, 96),   v128.load(q, 96),   a6);
    a7 = madd<T>(v128.load(p, 112),  v128.load(q, 112),  a7);
  }
  return sumOfAccumulators<T>(a0, a1, a2, a3, a4, a5, a6, a7);
}

/**
 * sumOfSteps with x = y (dot(a, a), a norm squared): each vector loaded once and
 * multiplied by itself, the same operations in the same order, so the same bits, from half the loads.
 * In the relaxed build that rests on V8, which emits relaxed_madd as one fused instruction wherever
 * the CPU has FMA3 and as a multiply and an add elsewhere, whatever its operands; the proposal
 * would let each site choose on its own.
 */
// @ts-ignore: decorator
@inline function sumOfSquareSteps<T>(x: usize, bytes: usize): v128 {
  let a0 = v128.splat<i64>(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (let at: usize = 0; at < bytes; at += STEP) {
    let p = x + at;
    let v0 = v128.load(p),     v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
    let v4 = v128.load(p, 64), v5 = v128.load(p, 80), v6 = v128.load(p, 96), v7 = v128.load(p, 112);
    a0 = madd<T>(v0, v0, a0);
    a1 = madd<T>(v1, v1, a1);
    a2 = madd<T>(v2, v2, a2);
    a3 = madd<T>(v3, v3, a3);
    a4 = madd<T>(v4, v4, a4);
    a5 = madd<T>(v5, v5, a5);
    a6 = madd<T>(v6, v6, a6);
    a7 = madd<T>(v7, v7, a7);
  }
  return sumOfAccumulators<T>(a0, a1, a2, a3, a4, a5, a6, a7);
}

/** The eight accumulators added pairwise, in the one order both loops share. */
// @ts-ignore: decorator
@inline function sumOfAccumulators<T>(a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128, a6: v128, a7: v128): v128 {
  return add<T>(add<T>(add<T>(a0, a1), add<T>(a2, a3)), add<T>(add<T>(a4, a5), add<T>(a6, a7)));
}

// @ts-ignore: decorator
@inline function madd<T>(a: v128, b: v128, acc: v128): v128 {
  return sizeof<T>() == 8 ? maddF64(a, b, acc) : maddF32(a, b, acc);
}

// @ts-ignore: decorator
@inline function add<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 8 ? f64x2.add(a, b) : f32x4.add(a, b);
}
