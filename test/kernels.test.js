// One spec for every kernel build, run on the raw exports. A build this engine cannot run is
// reported and left out here; test/run.js runs a second pass with relaxed SIMD switched on, so
// both builds are covered on every Node version.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { canRun, rawKernels } from "./support/raw-kernels.js";
import { integerData, naiveDot } from "./support/reference.js";
import { fillRandom } from "./support/seeded.js";

const BASE = 1024; // byte address where test data starts, past asc's reserved first 1024 bytes

for (const variant of ["baseline", "relaxed"]) {
  if (!canRun(variant)) {
    console.log(`  (kernels: ${variant} build not valid on this engine; covered by the relaxed-SIMD pass)`);
    continue;
  }
  const { exports: k, f64, f32 } = rawKernels(variant);

  /** Writes a and b at element offsets oa, ob from BASE (b after a) and returns their pointers. */
  function place(view, width, a, b, oa, ob) {
    const x = BASE + oa * width;
    const y = BASE + (a.length + 8 + ob) * width;
    view.set(a, x / width);
    view.set(b, y / width);
    return [x, y];
  }

  test(`${variant}: dotF64 is exact on integers for every length 0..130 at every offset 0..7 of each operand`, () => {
    for (let n = 0; n <= 130; n++) {
      const [a, b] = integerData(n, n);
      const expected = naiveDot(a, b);
      for (let oa = 0; oa < 8; oa++) {
        for (let ob = 0; ob < 8; ob++) {
          const [x, y] = place(f64, 8, a, b, oa, ob);
          const got = k.dotF64(x, y, n);
          if (got !== expected) assert.unreachable(`n=${n} offsets ${oa},${ob}: got ${got}, expected ${expected}`);
        }
      }
    }
  });

  test(`${variant}: dotF32 is exact on integers for every length 0..130 at every offset 0..7 of each operand`, () => {
    for (let n = 0; n <= 130; n++) {
      const [a, b] = integerData(n, n);
      const expected = naiveDot(a, b);
      for (let oa = 0; oa < 8; oa++) {
        for (let ob = 0; ob < 8; ob++) {
          const [x, y] = place(f32, 4, a, b, oa, ob);
          const got = k.dotF32(x, y, n);
          if (got !== expected) assert.unreachable(`n=${n} offsets ${oa},${ob}: got ${got}, expected ${expected}`);
        }
      }
    }
  });

  test(`${variant}: a vector dotted with itself (x = y, loaded once) has the bits of its product with a copy`, () => {
    // Random data, so that a change in the order of the additions shows in the bits.
    for (const n of [...Array.from({ length: 131 }, (_, n) => n), 1000, 4096 + 37]) {
      const a = fillRandom(new Array(n), n + 1);
      for (let offset = 0; offset < 8; offset++) {
        // One width at a time: both place their data at BASE.
        for (const [fn, view, width] of [[k.dotF64, f64, 8], [k.dotF32, f32, 4]]) {
          const [self, copy] = place(view, width, a, a, offset, 0);
          const got = fn(self, self, n);
          const expected = fn(self, copy, n);
          if (!Object.is(got, expected)) assert.unreachable(`n=${n} offset ${offset} (width ${width}): got ${got}, expected ${expected}`);
        }
      }
    }
  });

  test(`${variant}: elements past n are never read`, () => {
    for (let n = 0; n <= 20; n++) {
      const [a, b] = integerData(n + 16, 3);
      const tailed = a.map((v, i) => (i < n ? v : NaN));
      const [x, y] = place(f64, 8, tailed, b, 1, 0);
      assert.is(k.dotF64(x, y, n), naiveDot(a.slice(0, n), b.slice(0, n)), `f64 n=${n}`);
      const [p, q] = place(f32, 4, tailed, b, 3, 0);
      assert.is(k.dotF32(p, q, n), naiveDot(a.slice(0, n), b.slice(0, n)), `f32 n=${n}`);
    }
  });

  test(`${variant}: NaN and Inf follow IEEE 754 in the vector body and in the tail`, () => {
    const n = 37; // 32 in the unrolled body, then pairs, then a scalar tail
    for (const position of [0, 5, 31, 34, 36]) {
      for (const [width, view, fn] of [[8, f64, k.dotF64], [4, f32, k.dotF32]]) {
        const ones = new Array(n).fill(1);
        const check = (value, other, expected) => {
          const a = ones.slice();
          const b = ones.slice();
          a[position] = value;
          b[position] = other;
          const [x, y] = place(view, width, a, b, 0, 0);
          const got = fn(x, y, n);
          assert.ok(Object.is(got, expected), `${value}·${other} at ${position} (width ${width}): got ${got}`);
        };
        check(NaN, 1, NaN);
        check(Infinity, 2, Infinity);
        check(-Infinity, 2, -Infinity);
        check(Infinity, 0, NaN);
        check(Infinity, -Infinity, -Infinity);
      }
    }
    const a = new Array(n).fill(1);
    a[2] = Infinity;
    a[33] = -Infinity;
    const [x, y] = place(f64, 8, a, new Array(n).fill(1), 0, 0);
    assert.ok(Number.isNaN(k.dotF64(x, y, n)), "Inf + -Inf is NaN");
  });

  test(`${variant}: dotBlocked adds block sums in block order, starting from the sum passed in`, () => {
    const [a, b] = integerData(1000, 1);
    const [x, y] = place(f64, 8, a, b, 0, 0);
    let expected = 0.5;
    for (let i = 0; i < 1000; i += 64) expected += k.dotF64(x + i * 8, y + i * 8, Math.min(64, 1000 - i));
    assert.is(k.dotBlockedF64(x, y, 1000, 64, 0.5), expected);
    assert.is(k.dotBlockedF64(x, y, 1000, 64, 0), naiveDot(a, b));
    const [p, q] = place(f32, 4, a, b, 0, 0);
    assert.is(k.dotBlockedF32(p, q, 1000, 64, 0), naiveDot(a, b));
    // Data whose sum shows the order: blocks of 2⁵³ and −2⁵³ after a start of 1 give
    // (1 + 2⁵³) − 2⁵³ = 0 in order, and 1 with the start added last or the blocks reversed.
    const order = new Array(128).fill(0);
    order[0] = 2 ** 53;
    order[64] = -(2 ** 53);
    const ones = new Array(128).fill(1);
    const [ox, oy] = place(f64, 8, order, ones, 0, 0);
    assert.is(k.dotBlockedF64(ox, oy, 128, 64, 1), 0);
    const [fx, fy] = place(f32, 4, order, ones, 0, 0);
    assert.is(k.dotBlockedF32(fx, fy, 128, 64, 1), 0);
    // f32 block sums are added in f64: 2²⁴ + 1, where f32 would round it to 2²⁴.
    const halves = new Array(128).fill(0);
    halves[0] = 2 ** 24;
    halves[64] = 1;
    const [hx, hy] = place(f32, 4, halves, ones, 0, 0);
    assert.is(k.dotBlockedF32(hx, hy, 128, 64, 0), 2 ** 24 + 1);
  });

  test(`${variant}: dotMany writes count products along the given byte strides`, () => {
    const rows = 5;
    const cols = 19;
    const [m, v] = integerData(rows * cols, 2);
    const [x, y] = place(f64, 8, m, v, 0, 0);
    const out = BASE + 4096 * 8;
    k.dotManyF64(x, y, cols, rows, cols * 8, 0, out);
    for (let r = 0; r < rows; r++) {
      assert.is(f64[out / 8 + r], naiveDot(m.slice(r * cols, (r + 1) * cols), v.slice(0, cols)), `f64 row ${r}`);
    }
    const [p, q] = place(f32, 4, m, v, 0, 0);
    k.dotManyF32(p, q, cols, rows, cols * 4, cols * 4, out);
    for (let r = 0; r < rows; r++) {
      const slice = [r * cols, (r + 1) * cols];
      assert.is(f64[out / 8 + r], naiveDot(m.slice(...slice), v.slice(...slice)), `f32 pair ${r}`);
    }
  });

  test(`${variant}: iota writes first, first + 1, … for every length 0..40 at every offset`, () => {
    for (let n = 0; n <= 40; n++) {
      for (let offset = 0; offset < 4; offset++) {
        const at = BASE + offset * 8;
        f64.fill(-1, BASE / 8, BASE / 8 + 64);
        k.iotaF64(at, n, 1000);
        const got = Array.from(f64.subarray(at / 8, at / 8 + n + 1));
        assert.equal(got, [...Array.from({ length: n }, (_, i) => 1000 + i), -1], `f64 n=${n} offset ${offset}`);
        f32.fill(-1, BASE / 4, BASE / 4 + 64);
        k.iotaF32(BASE + offset * 4, n, 7);
        assert.equal(Array.from(f32.subarray(BASE / 4 + offset, BASE / 4 + offset + n + 1)), [...Array.from({ length: n }, (_, i) => 7 + i), -1], `f32 n=${n}`);
      }
    }
    k.iotaF32(BASE, 2, 2 ** 24 + 1);
    assert.equal(Array.from(f32.subarray(BASE / 4, BASE / 4 + 2)), [2 ** 24, 2 ** 24 + 2], "f32 rounds to nearest even, as numpy");
  });
}

test.run();
