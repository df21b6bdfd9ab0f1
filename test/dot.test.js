import { spawnSync } from "node:child_process";
import { runInNewContext } from "node:vm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { capabilities, createPool, dot, f32, f64, free } from "../dist/index.js";
import { absDot, dot2, gamma, integerData, naiveDot, U32, U64 } from "./support/reference.js";
import { NOT_VECTORS, REVOKED_MID_CALL } from "./support/bad-values.js";
import { canRun } from "./support/raw-kernels.js";
import { fillRandom } from "./support/seeded.js";
import { nestedCopies } from "./support/nested-copies.js";
import { availableBytes } from "../dist/arena/arena.js";
import { CHUNK, giveBackScratch, takeScratch } from "../dist/dot/scratch.js";
import { BLOCK } from "../dist/dot/block.js";

test("a hand-computed product: [1, 2, 3]·[4, 5, 6] = 32", () => {
  assert.is(dot(f64([1, 2, 3]), f64([4, 5, 6])), 32);
  assert.is(dot(f32([1, 2, 3]), f32([4, 5, 6])), 32);
});

test("integer data gives the exact sum, across many blocks and chunks", () => {
  for (const n of [4095, 4096, 4097, 65535, 65536, 65537, 200_003]) {
    const [a, b] = integerData(n, 5);
    const expected = naiveDot(a, b);
    assert.is(dot(f64(a), f64(b)), expected, `f64 n=${n}`);
    assert.is(dot(f32(a), f32(b)), expected, `f32 n=${n}`);
  }
});

test("an empty pair gives 0", () => {
  assert.is(dot(f64(0), f64(0)), 0);
  assert.is(dot(new Float32Array(0), f32(0)), 0);
  assert.is(dot([], []), 0);
});

// Values m·2^e with |m| < 1 of 31 bits and e in [-20, 20]: no product or sum under- or overflows.
const scaled = fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.integer({ min: -20, max: 20 })).map(([m, e]) => (m / 2 ** 31) * 2 ** e);
const pairs = (max) => fc.integer({ min: 0, max }).chain((n) => fc.tuple(fc.array(scaled, { minLength: n, maxLength: n }), fc.array(scaled, { minLength: n, maxLength: n })));

test("random f64 data: |dot − exact| <= γ(n)·Σ|a·b| with u = 2^-53", () => {
  fc.assert(
    fc.property(pairs(9000), ([a, b]) => {
      const error = Math.abs(dot(f64(a), f64(b)) - dot2(a, b));
      return error <= gamma(a.length, U64) * absDot(a, b);
    }),
    { numRuns: 150 },
  );
});

test("random f32 data: |dot − exact| <= γ(n)·Σ|a·b| with u = 2^-24", () => {
  fc.assert(
    fc.property(pairs(9000), ([a, b]) => {
      const x = f32(a);
      const y = f32(b);
      const exact = dot2(x, y); // the exact product of the f32 values
      return Math.abs(dot(x, y) - exact) <= gamma(a.length, U32) * absDot(x, y);
    }),
    { numRuns: 150 },
  );
});

test("arrays outside the arena, plain arrays and views at any byteOffset give the same bits as arena arrays", () => {
  const n = 2 * 65536 + 4099; // crosses chunk and block edges
  const a = f64(n).map((_, i) => Math.sin(i) * 1e3);
  const b = f64(n).map((_, i) => Math.cos(i * 0.7));
  const expected = dot(a, b);
  assert.is(dot(new Float64Array(a), new Float64Array(b)), expected);
  assert.is(dot(Array.from(a), b), expected);
  assert.is(dot(a, Array.from(b)), expected);
  for (let offset = 0; offset < 8; offset++) {
    const bufferA = new Float64Array(n + 8);
    const bufferB = new Float64Array(n + 8);
    bufferA.set(a, offset);
    bufferB.set(b, 7 - offset);
    assert.is(dot(bufferA.subarray(offset, offset + n), bufferB.subarray(7 - offset, 7 - offset + n)), expected, `offset ${offset}`);
    assert.is(dot(f64(bufferA).subarray(offset, offset + n), b), expected, `arena subarray at ${offset}`);
  }
  const x = f32(a);
  const y = f32(b);
  assert.is(dot(new Float32Array(x).subarray(0), new Float32Array(y)), dot(x, y));
});

test("block sums are added in block order from the first, on every path: copied chunks carry the running sum", () => {
  // 2⁵³ then two blocks of 1, the second chunk's first two: in order each 1 rounds away, 2⁵³;
  // a chunk that started from 0 (2⁵³ + 2), or blocks added in another order, show.
  const n = CHUNK + 2 * BLOCK;
  const a = f64(n);
  a[0] = 2 ** 53;
  a[CHUNK] = 1;
  a[CHUNK + BLOCK] = 1;
  const b = f64(n).fill(1);
  for (const [label, x, y] of [
    ["arena", a, b],
    ["plain array", Array.from(a), b],
    ["typed arrays outside the arena", new Float64Array(a), new Float64Array(b)],
    ["f32 in the arena", f32(a), f32(b)],
    ["f32 outside it", new Float32Array(a), new Float32Array(b)],
  ]) {
    assert.is(dot(x, y), 2 ** 53, label);
  }
});

test("f32 products are summed in f32 within a block, as BLAS sdot does, and block sums in f64", () => {
  // 2²⁴ + 1 rounds to 2²⁴ in f32: in lanes, in the lanes' reduction and in the tail alike.
  const ones = (n) => f32(n).fill(1);
  assert.is(dot(f32([2 ** 24, 1, 0, 0]), ones(4)), 2 ** 24, "the lanes' reduction");
  assert.is(dot(f32([2 ** 24, 1]), ones(2)), 2 ** 24, "the tail");
  assert.is(dot(f32([2 ** 24, 0, 0, 0, 1, 0, 0, 0]), ones(8)), 2 ** 24, "one lane");
  const twoBlocks = f32(2 * BLOCK);
  twoBlocks[0] = 2 ** 24;
  twoBlocks[BLOCK] = 1;
  assert.is(dot(twoBlocks, ones(2 * BLOCK)), 2 ** 24 + 1, "two blocks");
});

test("NaN and Inf propagate as IEEE 754 says", () => {
  assert.ok(Number.isNaN(dot(f64([1, NaN, 2]), f64([1, 1, 1]))));
  assert.is(dot(f64([1, Infinity]), f64([1, 2])), Infinity);
  assert.ok(Number.isNaN(dot(f64([Infinity]), f64([0]))));
  assert.ok(Number.isNaN(dot([Infinity, -Infinity], [1, 1])));
  assert.is(dot(f32([-Infinity, 3]), f32([1, 1])), -Infinity);
});

test("a and b of different lengths: RangeError naming both lengths", () => {
  assert.throws(() => dot(f64(3), f64(4)), (e) => e instanceof RangeError && e.code === "ERR_KP_LENGTH_MISMATCH" && e.message.includes("got 3 and 4"));
  assert.throws(() => dot([1], []), (e) => e instanceof RangeError);
});

test("anything that is not a vector: TypeError naming the argument", () => {
  for (const [label, bad] of NOT_VECTORS) {
    assert.throws(() => dot(bad, f64(3)), (e) => e instanceof TypeError && e.code === "ERR_KP_INVALID_ARG_TYPE" && e.message.includes("dot(a, b): a must be"), label);
    assert.throws(() => dot(f64(3), bad), (e) => e instanceof TypeError && e.message.includes("dot(a, b): b must be"), label);
  }
  assert.throws(() => dot(new Int32Array(3), f64(3)), (e) => e.message.endsWith("; got an Int32Array of length 3."), "the article fits the name");
});

test("an error message in full, as the README quotes it", () => {
  assert.throws(() => dot(f32(3), f64(3)), (e) => e.message === "kernelpool: dot(a, b): b must be a Float32Array to match a; got a Float64Array of length 3.");
});

test("the README's precision examples: a product that underflows is 0, a partial sum that overflows NaN, in place and copied", () => {
  for (const [how, make] of [["arena", f64], ["number[]", (values) => values]]) {
    assert.is(dot(make([1e-200]), make([1e-200])), 0, how);
    assert.ok(Number.isNaN(dot(make([1e308, -1e308, 1]), make([10, 10, 1]))), how);
  }
});

test("mixed element types: TypeError naming b", () => {
  assert.throws(() => dot(f64(2), f32(2)), (e) => e instanceof TypeError && e.message.includes("b must be a Float64Array or an array of numbers to match a"));
  assert.throws(() => dot(f32(2), [1, 2]), (e) => e instanceof TypeError && e.message.includes("b must be a Float32Array to match a"));
});

test("one array outside the arena as both operands is copied once, a chunk at a time: each element read once, with the bits of two copies", async () => {
  const n = CHUNK + 1234; // two chunks
  const values = fillRandom(new Array(n), 7);
  let reads = 0;
  const counted = new Proxy(values, { get: (target, key, receiver) => (typeof key === "string" && /^\d+$/.test(key) && reads++, Reflect.get(target, key, receiver)) });
  const twoCopies = dot(values, values.slice());
  const pool = await createPool({ threads: 2 });
  for (const [how, call] of [["dot", () => dot(counted, counted)], ["pool.dot", () => pool.dot(counted, counted)], ["pool.dotSync", () => pool.dotSync(counted, counted)]]) {
    reads = 0;
    assert.ok(Object.is(await call(), twoCopies), how);
    assert.is(reads, n, `${how}: each element read once`);
  }
  const typed = new Float32Array(fillRandom(new Array(n), 8)); // a typed array outside the arena
  // Against an arena copy, read in place: a reference that takes the two-load loop.
  const inArena = f32(typed);
  assert.ok(Object.is(await pool.dot(typed, typed), dot(inArena, typed)), "a Float32Array");
  free(inArena);
  await pool.close();
});

test("a plain array with a non-number element: TypeError naming the element", () => {
  assert.throws(() => dot([1, "2", 3], [1, 2, 3]), (e) => e instanceof TypeError && e.message.includes("a[1] must be a number"));
  assert.throws(() => dot([1, 2], [1, undefined]), (e) => e instanceof TypeError && e.message.endsWith("b[1] must be a number; got undefined."));
  const holes = new Array(70000).fill(1);
  holes[69999] = null;
  assert.throws(() => dot(holes, holes), (e) => e.message.includes("a[69999]"), "checked in the second chunk too");
});

test("after every kind of error, dot still works", () => {
  assert.throws(() => dot(null, null));
  assert.throws(() => dot(["x"], [1]));
  const a = f64([2, 3]);
  assert.is(dot(a, a), 13);
  free(a);
});

test("capabilities name the build that runs: relaxed where the relaxed build validates, unless forced", () => {
  const c = capabilities();
  assert.equal(Object.keys(c), ["simd", "relaxedSimd", "sharedMemory", "variant"], "the README's shape");
  assert.is(c.simd, true);
  assert.is(c.sharedMemory, true);
  // Judged on the build file itself, not on the library's own feature probe.
  assert.is(c.relaxedSimd, canRun("relaxed"));
  const forced = process.env.KERNELPOOL_KERNELS;
  assert.is(c.variant, forced || (canRun("relaxed") ? "relaxed" : "baseline"));
});

test("KERNELPOOL_KERNELS: a value that names no build is a RangeError; relaxed where it cannot run is ERR_KP_UNSUPPORTED", () => {
  const script = `
    const { capabilities, dot } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
    const { readFileSync } = await import("node:fs");
    const relaxedRuns = WebAssembly.validate(readFileSync(new URL("../build/kernels-relaxed.wasm", ${JSON.stringify(import.meta.url)})));
    const outcome = (f) => { try { return f(); } catch (error) { return error.constructor.name + " " + error.code; } };
    console.log(JSON.stringify({ relaxedRuns, variant: outcome(() => capabilities().variant), dot: outcome(() => dot([1], [2])) }));`;
  // No flags: relaxed SIMD then runs only where the engine ships it (Node >= 22).
  const run = (value) => {
    const { status, stdout, stderr } = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, KERNELPOOL_KERNELS: value } });
    assert.is(status, 0, stderr);
    return JSON.parse(stdout);
  };
  const bogus = run("fast");
  assert.equal([bogus.variant, bogus.dot], ["RangeError ERR_KP_INVALID_ARG_VALUE", "RangeError ERR_KP_INVALID_ARG_VALUE"]);
  const relaxed = run("relaxed");
  if (relaxed.relaxedRuns) assert.equal([relaxed.variant, relaxed.dot], ["relaxed", 2]);
  else assert.equal([relaxed.variant, relaxed.dot], [undefined, "Error ERR_KP_UNSUPPORTED"]);
  assert.equal(run("baseline").variant, "baseline");
});

test("on an engine without SIMD, capabilities() reports it (variant undefined) and dot() throws ERR_KP_UNSUPPORTED", () => {
  // Such an engine is simulated: every WebAssembly.validate says no, before kernelpool loads.
  const script = `
    WebAssembly.validate = () => false;
    const { capabilities, dot } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
    const c = capabilities();
    let code;
    try { dot([1], [2]); } catch (error) { code = error.code; }
    console.log(JSON.stringify({ simd: c.simd, relaxedSimd: c.relaxedSimd, variant: c.variant ?? null, code }));`;
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, KERNELPOOL_KERNELS: "" } });
  assert.is(status, 0, stderr);
  assert.equal(JSON.parse(stdout), { simd: false, relaxedSimd: false, variant: null, code: "ERR_KP_UNSUPPORTED" });
});


test("on an engine without WebAssembly (node --jitless), both entries load, capabilities() says so, and each call throws ERR_KP_UNSUPPORTED naming it", () => {
  // Browsers in a lockdown or hardened mode have none either; the browser entry asks as it loads.
  for (const entry of ["index.js", "index.browser.js"]) {
    const script = `
      const kp = await import(${JSON.stringify(new URL(`../dist/${entry}`, import.meta.url).href)});
      const failure = async (call) => { try { await call(); return "no error"; } catch (error) { return \`\${error.code} \${error.message}\`; } };
      console.log(JSON.stringify({ wasm: typeof WebAssembly, capabilities: kp.capabilities(),
        dot: await failure(() => kp.dot([1], [2])), f64: await failure(() => kp.f64(1)), createPool: await failure(() => kp.createPool()) }));`;
    const { status, stdout, stderr } = spawnSync(process.execPath, ["--jitless", "--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, KERNELPOOL_KERNELS: "" } });
    assert.is(status, 0, stderr);
    const got = JSON.parse(stdout);
    const error = "ERR_KP_UNSUPPORTED kernelpool: this engine has no WebAssembly (Node with --jitless, or a browser in a lockdown or hardened mode), which every kernel and the arena need.";
    assert.equal(got, { wasm: "undefined", capabilities: { simd: false, relaxedSimd: false, sharedMemory: false }, dot: error, f64: error, createPool: error }, entry);
  }
});

test("a Float64Array or Float32Array from another realm (a vm context) is a vector, copied in", () => {
  const other = (code) => runInNewContext(code);
  assert.is(dot(other("new Float64Array([1, 2, 3])"), [4, 5, 6]), 32);
  assert.is(dot(f32([1, 2]), other("new Float32Array([3, 4])")), 11);
});

test("a revoked Proxy as an operand: the TypeError names the operand, not the engine's IsArray", () => {
  const { proxy, revoke } = Proxy.revocable([1, 2, 3], {});
  revoke();
  for (const call of [() => dot(proxy, [1, 2, 3]), () => dot([1, 2, 3], proxy)]) {
    assert.throws(call, (e) => e instanceof TypeError && e.code === "ERR_KP_INVALID_ARG_TYPE" && /dot\(a, b\): [ab] must be .*revoked Proxy/.test(e.message));
  }
  assert.is(dot([1, 2, 3], [1, 1, 1]), 6);
});

test("an operand revoked by a Proxy trap during the call: the TypeError names it", () => {
  for (const [label, name, pair] of REVOKED_MID_CALL) {
    assert.throws(
      () => dot(...pair()),
      (e) => e instanceof TypeError && e.code === "ERR_KP_INVALID_ARG_TYPE" && e.message.includes(`dot(a, b): ${name} was revoked during the call`),
      label,
    );
  }
  // A trap that revokes its own Proxy and then throws: its error is the cause, not lost.
  const trapError = new Error("the trap's own error");
  const self = Proxy.revocable([1, 2, 3], {
    get(target, key) {
      if (key !== "1") return target[key];
      self.revoke();
      throw trapError;
    },
  });
  assert.throws(() => dot(self.proxy, [1, 2, 3]), (e) => e.code === "ERR_KP_INVALID_ARG_TYPE" && e.message.includes("a was revoked during the call") && e.cause === trapError);
  assert.is(dot([1, 2, 3], [1, 1, 1]), 6);
});

test("a Proxy that is an array to Array.isArray but lies about its length: RangeError naming the length", () => {
  for (const length of [-5, 2.5, NaN, "3", 2 ** 32, 1e300]) {
    const liar = new Proxy([1, 2, 3], { get: (target, key) => (key === "length" ? length : target[key]) });
    assert.throws(
      () => dot(liar, [1, 2, 3]),
      (e) => e instanceof RangeError && e.code === "ERR_KP_INVALID_ARG_VALUE" && e.message.includes("dot(a, b): a.length must be an array length, an integer from 0 to 4294967295"),
      String(length),
    );
  }
});

test("an element getter that calls dot() again leaves the outer product right: the nested call gets its own scratch block", () => {
  const a = [1, 2, 3];
  let nested;
  Object.defineProperty(a, 2, { get: () => ((nested = dot([5, 5, 5], [5, 5, 5])), 3) });
  assert.is(dot(a, [1, 1, 1]), 6);
  assert.is(nested, 75);
  // Long enough for several chunks: the getter fires in the second.
  const long = new Array(2 * 65536 + 10).fill(1);
  Object.defineProperty(long, 65536 + 3, { get: () => (dot(new Float64Array(70000).fill(2), new Float64Array(70000).fill(2)), 1) });
  assert.is(dot(long, new Float64Array(long.length).fill(1)), long.length);
});

test("dot() and f64(values) count their nesting apart: 16 copies deep inside 16 calls deep", () => {
  // An array whose getter calls dot() on such an array `levels` times over, then copies `deep` deep.
  const calls = (levels, deep) => {
    const array = [0];
    Object.defineProperty(array, 0, { get: () => (levels === 0 ? nestedCopies(deep)[0] : dot(calls(levels - 1, deep), [1])) });
    return array;
  };
  assert.is(dot(calls(15, 16), [1]), 1, "16 f64 copies deep within 16 dot calls deep");
  assert.throws(() => dot(calls(15, 17), [1]), (e) => e instanceof RangeError && e.message.startsWith("kernelpool: f64(values): element getters of copied operands nest calls 16 deep"));
});

test("calls nested in element getters stop 16 deep with a RangeError, and give back every block", () => {
  dot([1], [1]); // the kept scratch block exists before the count starts
  const before = availableBytes();
  // An array whose element getter calls dot() on such an array `levels` times over: at the
  // innermost, dot(...) holds levels + 1 blocks at once.
  const nesting = (levels) => {
    const array = [0];
    Object.defineProperty(array, 0, { get: () => (levels === 0 ? 1 : dot(nesting(levels - 1), [1])) });
    return array;
  };
  assert.is(dot(nesting(15), [1]), 1, "16 calls deep");
  assert.throws(
    () => dot(nesting(16), [1]),
    (e) => e instanceof RangeError && e.code === "ERR_KP_INVALID_ARG_VALUE" && e.message === "kernelpool: dot(a, b): element getters of copied operands nest calls 16 deep, the most allowed: each call holds arena space while it copies.",
  );
  // Without end: stopped there too, where it once took a block a level until the stack overflowed.
  const endless = () => {
    const array = [0];
    Object.defineProperty(array, 0, { get: () => dot(endless(), [1]) });
    return array;
  };
  assert.throws(() => dot(endless(), [1]), (e) => e.code === "ERR_KP_INVALID_ARG_VALUE");
  assert.is(availableBytes(), before);
  assert.is(dot([1, 2], [3, 4]), 11);
});

test("a give-back also gives back the blocks of calls nested in it that never gave back theirs", () => {
  // As where a nested call's own give-back throws: at a stack overflow, the release overflows too.
  dot([1], [1]);
  const before = availableBytes();
  const outer = takeScratch("dot(a, b)");
  takeScratch("dot(a, b)");
  takeScratch("dot(a, b)");
  assert.is(availableBytes(), before - 2 * 2 ** 20, "two nested blocks of 1 MiB");
  giveBackScratch(outer);
  assert.is(availableBytes(), before);
  assert.is(takeScratch("dot(a, b)"), outer, "the kept block serves the next call alone");
  giveBackScratch(outer);
  giveBackScratch(outer); // twice: nothing more to give back
  assert.is(availableBytes(), before);
});

test("a typed array outside the arena that shrinks or is detached during a call: RangeError, never a short read", () => {
  const resizable = new ArrayBuffer(8 * 100_000, { maxByteLength: 8 * 100_000 });
  const b = new Float64Array(resizable).fill(1); // tracks the buffer's length
  const a = new Array(100_000).fill(1);
  Object.defineProperty(a, 70_000, { get: () => (resizable.resize(8 * 1000), 1) }); // b's second chunk is then gone
  assert.throws(
    () => dot(a, b),
    (e) => e instanceof RangeError && e.code === "ERR_KP_LENGTH_MISMATCH" && e.message.includes("dot(a, b): b changed during the call: it needs 100000 elements and now has 1000"),
  );
  const plain = new Float64Array(100_000).fill(1);
  const c = new Array(100_000).fill(1);
  Object.defineProperty(c, 70_000, { get: () => (structuredClone(plain.buffer, { transfer: [plain.buffer] }), 1) });
  assert.throws(() => dot(c, plain), (e) => e instanceof RangeError && e.code === "ERR_KP_LENGTH_MISMATCH" && e.message.includes("now has 0"));
  assert.is(dot([1, 2], [3, 4]), 11, "dot still works");
});

test("lengths are read once, through the intrinsic getter for typed arrays: a Proxy that changes its answer, or an own length, changes nothing", () => {
  let reads = 0;
  const shifty = new Proxy([1, 2, 3], { get: (target, key) => (key === "length" ? (reads++ === 0 ? 3 : NaN) : target[key]) });
  assert.is(dot(shifty, [1, 1, 1]), 6);
  const a = f64([1, 2, 3, 4]);
  const neighbour = f64([100, 100, 100, 100]); // what a length of 8 would reach
  Object.defineProperty(a, "length", { value: 8 });
  Object.defineProperty(a, "byteOffset", { value: neighbour.byteOffset });
  assert.is(dot(a, f64([1, 1, 1, 1])), 10);
  assert.throws(() => dot(a, f64(8)), (e) => e.code === "ERR_KP_LENGTH_MISMATCH" && e.message.includes("got 4 and 8"));
  free(a), free(neighbour);
});

test("a typed array's kind reads its internal slot: 'a Uint8Array', 'an Int32Array' in messages", () => {
  assert.throws(() => dot(new Uint8Array(2), [1, 2]), (e) => e.message.endsWith("; got a Uint8Array of length 2."));
});

test("a copy runs no user code of the array: a species constructor or a subclass changes nothing", () => {
  const species = new Float64Array([1, 2, 3]);
  species.constructor = { [Symbol.species]: function () { return new Float64Array(0); } };
  assert.is(dot(new Float64Array([100, 100, 100]), new Float64Array([1, 1, 1])), 300);
  assert.is(dot(species, new Float64Array([1, 1, 1])), 6, "not the scratch block's stale bytes");
  class Vector extends Float64Array {
    constructor(n) {
      super(n); // a subclass whose constructor takes a length only: subarray would call it wrongly
    }
  }
  const v = new Vector(70_000).fill(2);
  assert.is(dot(v, v), 4 * 70_000);
});

test("an error message never fails itself: an odd constructor still gives the typed array's kind", () => {
  const odd = new Int8Array(2);
  odd.constructor = undefined;
  assert.throws(() => dot(odd, odd), (e) => e.code === "ERR_KP_INVALID_ARG_TYPE" && e.message.endsWith("; got an Int8Array of length 2."));
});

test.run();
