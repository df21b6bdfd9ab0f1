// Multiply-add for the two builds. The relaxed build (asconfig target "relaxed") turns
// `relaxed_madd` into one vfmadd instruction in V8; the baseline build keeps a separate
// multiply and add. `relaxed_madd` may also round twice, so nothing here may rely on fusing.

// @ts-ignore: decorator
@inline export function maddF64(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, acc);
  return f64x2.add(f64x2.mul(a, b), acc);
}

// @ts-ignore: decorator
@inline export function maddF32(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(f32x4.mul(a, b), acc);
}
