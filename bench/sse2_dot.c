/* What 16-byte SIMD loads allow: an f64 dot product with SSE2 intrinsics, one thread, written as
 * assembly/dot.ts was until 2026-11-26 (four accumulators, unaligned loads) and with eight, as it
 * is now. wasm SIMD has only 16-byte vectors, so this is about what kernelpool's kernel can reach
 * on a core, where numpy's OpenBLAS uses 64-byte AVX-512 loads. Timed as
 * ../shared/limit/dot_limit.c: median of 7 batches.
 * Usage: gcc -O2 -march=native bench/sse2_dot.c -o /tmp/sse2_dot && /tmp/sse2_dot [n ...]
 * (-march=native VEX-encodes the 16-byte operations, as V8 does on AVX machines; they stay 16 bytes
 * wide.) bench/README.md has what it showed. */
#include <emmintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

#define TERM(k) a##k = _mm_add_pd(a##k, _mm_mul_pd(_mm_loadu_pd(x + i + 2 * k), _mm_loadu_pd(y + i + 2 * k)))

__attribute__((noinline)) static double dot4(const double *x, const double *y, long n) {
  __m128d a0 = _mm_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  long i = 0;
  for (; i + 8 <= n; i += 8) { TERM(0); TERM(1); TERM(2); TERM(3); }
  double r[2];
  _mm_storeu_pd(r, _mm_add_pd(_mm_add_pd(a0, a1), _mm_add_pd(a2, a3)));
  for (; i < n; i++) r[0] += x[i] * y[i];
  return r[0] + r[1];
}

__attribute__((noinline)) static double dot8(const double *x, const double *y, long n) {
  __m128d a0 = _mm_setzero_pd(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  long i = 0;
  for (; i + 16 <= n; i += 16) { TERM(0); TERM(1); TERM(2); TERM(3); TERM(4); TERM(5); TERM(6); TERM(7); }
  double r[2];
  _mm_storeu_pd(r, _mm_add_pd(_mm_add_pd(_mm_add_pd(a0, a1), _mm_add_pd(a2, a3)), _mm_add_pd(_mm_add_pd(a4, a5), _mm_add_pd(a6, a7))));
  for (; i < n; i++) r[0] += x[i] * y[i];
  return r[0] + r[1];
}

static double median_us(double (*dot)(const double *, const double *, long), const double *x, const double *y, long n, double *check) {
  long reps = n < 20000000 ? 20000000 / n + 1 : 3;
  double times[7];
  for (int t = -1; t < 7; t++) { /* t = -1 is the warm-up */
    double t0 = now();
    for (long r = 0; r < reps; r++) {
      __asm__ volatile("" : "+r"(x)::"memory"); /* the call cannot be hoisted out of the loop */
      *check += dot(x, y, n);
    }
    if (t >= 0) times[t] = (now() - t0) / reps;
  }
  for (int i = 1; i < 7; i++)
    for (int j = i; j > 0 && times[j] < times[j - 1]; j--) { double s = times[j]; times[j] = times[j - 1]; times[j - 1] = s; }
  return times[3] * 1e6;
}

int main(int argc, char **argv) {
  long defaults[] = {1000, 10000, 50000, 100000, 1000000};
  int count = argc > 1 ? argc - 1 : 5;
  for (int k = 0; k < count; k++) {
    long n = argc > 1 ? atol(argv[k + 1]) : defaults[k];
    double *x = aligned_alloc(64, ((n * 8 + 63) / 64) * 64), *y = aligned_alloc(64, ((n * 8 + 63) / 64) * 64);
    for (long i = 0; i < n; i++) { x[i] = (i % 7) * 0.5; y[i] = (i % 5) * 0.25; }
    double check = 0;
    double us4 = median_us(dot4, x, y, n, &check), us8 = median_us(dot8, x, y, n, &check);
    printf("{\"kernel\":\"c-sse2\",\"n\":%ld,\"us4\":%.3f,\"us8\":%.3f,\"check\":%g}\n", n, us4, us8, check);
    free(x);
    free(y);
  }
  return 0;
}
