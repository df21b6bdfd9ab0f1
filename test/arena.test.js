import { spawnSync } from "node:child_process";
import { runInNewContext } from "node:vm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { dot, f32, f64, free } from "../dist/index.js";
import { arenaBuffer, arenaMemory, availableBytes, inArena, LIMIT_BYTES } from "../dist/arena/arena.js";
import { nestedCopies } from "./support/nested-copies.js";

test("f64(n) is a zero-filled Float64Array of length n in the arena", () => {
  const a = f64(5);
  assert.instance(a, Float64Array);
  assert.equal(Array.from(a), [0, 0, 0, 0, 0]);
  assert.ok(inArena(a));
  assert.is(a.byteOffset % 64, 0, "blocks start on a cache line");
  assert.ok(a.byteOffset >= 1024, "never in the 1024 bytes asc reserves");
  free(a);
});

test("f64(values) and f32(values) copy arrays, typed arrays and iterables", () => {
  assert.equal(Array.from(f64([1.5, -2, 3])), [1.5, -2, 3]);
  assert.equal(Array.from(f64(new Int16Array([7, -8]))), [7, -8]);
  assert.equal(Array.from(f64(new Set([4, 5]))), [4, 5]);
  const x = f32([0.1, 2]);
  assert.instance(x, Float32Array);
  assert.equal(Array.from(x), [Math.fround(0.1), 2]);
});

test("f64 and f32 reject what is not a length or numbers, naming the argument", () => {
  for (const [make, name] of [[f64, "f64"], [f32, "f32"]]) {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 30 + 1, 2 ** 31]) {
      assert.throws(() => make(bad), (e) => e instanceof RangeError && e.code === "ERR_KP_INVALID_ARG_VALUE" && e.message.includes(`${name}(n): n must be an integer`), `${bad}`);
    }
    // 2³⁰ itself is a length, one the 4 GiB arena cannot hold beside what it has.
    assert.throws(() => make(2 ** 30), (e) => e instanceof RangeError && e.code === "ERR_KP_OUT_OF_MEMORY", `${name}(2 ** 30)`);
    for (const bad of ["5", true, null, undefined, {}, () => {}]) {
      assert.throws(() => make(bad), (e) => e instanceof TypeError && e.message.includes(`${name}(values): values`), String(bad));
    }
    assert.throws(() => make([1, "2"]), (e) => e instanceof TypeError && e.message.includes("values[1] must be a number"));
    assert.throws(() => make(new BigInt64Array(1)), (e) => e instanceof TypeError && e.message.includes("values[0]"));
  }
});

test("an iterable that never ends, or an object whose iterator key is undefined, is refused with an error, never a heap that fills until the process dies", () => {
  const before = availableBytes();
  let closed = false;
  function* endless() {
    try {
      for (;;) yield 1;
    } finally {
      closed = true;
    }
  }
  assert.throws(() => f64(endless()), (e) => e instanceof RangeError && e.code === "ERR_KP_INVALID_ARG_VALUE" && e.message.startsWith(`kernelpool: f64(values): values must be an iterable of at most ${2 ** 25} numbers, with those of nested calls (for more, pass an array or a typed array, or fill f64(n))`));
  assert.ok(closed, "the generator was closed");
  // Its iterator is read once and called as read: a getter that answers otherwise the second
  // time (with %TypedArray%.prototype.values, or undefined) was met with the engine's own errors.
  let reads = 0;
  const shifty = { get [Symbol.iterator]() { return ++reads === 1 ? function* () { yield 5; } : undefined; } };
  const fromShifty = f64(shifty);
  assert.equal([Array.from(fromShifty), reads], [[5], 1]);
  free(fromShifty);
  // Each value is checked as it comes, not after all are gathered.
  function* strings() { for (;;) yield "1"; }
  assert.throws(() => f64(strings()), (e) => e instanceof TypeError && e.message.startsWith("kernelpool: f64(values): values[0] must be a number"));
  // Generators that call f64() of another generator nest at most 16 deep, and share the cap.
  const nested = (depth) => function* () { if (depth > 0) free(f64(nested(depth - 1)())); yield 1; };
  const deepest = f64(nested(15)());
  assert.equal(Array.from(deepest), [1], "16 deep");
  free(deepest);
  assert.throws(() => f64(nested(16)()), (e) => e instanceof RangeError && e.message.includes("nest calls 16 deep"));
  // Array.from took this for an array-like of 2²⁸ holes.
  const lengthOnly = { length: 2 ** 28, [Symbol.iterator]: undefined };
  assert.throws(() => f32(lengthOnly), (e) => e instanceof TypeError && e.code === "ERR_KP_INVALID_ARG_TYPE" && e.message.includes("f32(values): values must be a length (a number), an array of numbers, a typed array or an iterable of numbers"));
  // The most an iterable may yield is taken.
  const most = f32((function* upTo(n) { for (let i = 0; i < n; i++) yield i; })(2 ** 25));
  assert.is(most.length, 2 ** 25);
  assert.is(most[2 ** 25 - 1], Math.fround(2 ** 25 - 1));
  free(most);
  assert.is(availableBytes(), before, "nothing kept");
});

test("freed space is reused, and a reused block is zero-filled again", () => {
  const a = f64(1000).fill(7);
  const at = a.byteOffset;
  free(a);
  const b = f64(1000);
  assert.is(b.byteOffset, at);
  assert.ok(b.every((v) => v === 0));
  free(b);
});

test("free merges neighbouring blocks, so a larger array fits where two small ones were", () => {
  const a = f64(64);
  const b = f64(64);
  const fence = f64(1); // keeps the pair below the top, so reuse is from the free list
  assert.is(b.byteOffset, a.byteOffset + 512);
  free(a);
  free(b);
  const c = f64(128);
  assert.is(c.byteOffset, a.byteOffset);
  free(c);
  free(fence);
});

test("free rejects anything but a live arena array, and the arena stays usable", () => {
  const a = f64(8);
  free(a);
  assert.throws(() => free(a), (e) => e instanceof RangeError && e.code === "ERR_KP_NOT_ARENA" && /not yet freed/.test(e.message));
  assert.throws(() => free(new Float64Array(8)), (e) => e.code === "ERR_KP_NOT_ARENA");
  const b = f64(8);
  assert.throws(() => free(b.subarray(1)), (e) => e.code === "ERR_KP_NOT_ARENA");
  for (const bad of ["x", null, [1], new Int32Array(2)]) {
    assert.throws(() => free(bad), (e) => e instanceof TypeError && e.message.includes("free(array): array"));
  }
  assert.is(dot(b.fill(2), b), 32);
  free(b);
});

test("free takes only the array itself, once: a view of its block or a stale array never frees a block in use", () => {
  const isNotArena = (e) => e instanceof RangeError && e.code === "ERR_KP_NOT_ARENA";
  const a = f64(1000).fill(7);
  // Both start where a's block starts, so the allocator alone would take them for a.
  assert.throws(() => free(a.subarray(0, 1)), isNotArena, "a subarray at the block's start");
  assert.throws(() => free(new Float64Array(a.buffer, a.byteOffset, a.length)), isNotArena, "another view of the whole block");
  const b = f64(1000);
  assert.ok(b.byteOffset !== a.byteOffset && a.every((v) => v === 7), "a's block was not freed: b got other bytes");
  free(a);
  // First fit: allocations of a's size reach a's old block once any free space below it is used.
  const fillers = [];
  while (fillers.length < 1000 && fillers.at(-1)?.byteOffset !== a.byteOffset) fillers.push(f64(1000).fill(3));
  const c = fillers.at(-1);
  assert.is(c.byteOffset, a.byteOffset, "c has a's old block");
  assert.throws(() => free(a), isNotArena, "a freed again, its block now c's");
  const d = f64(1000);
  assert.ok(d.byteOffset !== c.byteOffset && c.every((v) => v === 3), "c's block was not freed under it");
  [b, d, ...fillers].forEach(free);
});

test("where the engine refuses a shared memory, the first arena call throws ERR_KP_UNSUPPORTED saying why", () => {
  // A browser might refuse one on a page that is not cross-origin isolated; simulated here.
  const script = `
    const Memory = WebAssembly.Memory;
    WebAssembly.Memory = function (descriptor) {
      if (descriptor.shared) throw new TypeError("shared memory is disabled here");
      return new Memory(descriptor);
    };
    const { f64 } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
    try { f64(1); console.log("no error"); } catch (error) { console.log(error.code + " " + error.message); }`;
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.is(status, 0, stderr);
  assert.ok(stdout.startsWith("ERR_KP_UNSUPPORTED kernelpool: this engine would not create a shared WebAssembly.Memory (shared memory is disabled here)"), stdout);
});

test("arrays made before the memory grows stay valid after it", () => {
  const before = arenaMemory().buffer.byteLength;
  const a = f64([1, 2, 3]);
  const big = f64(before / 8 + 1000); // cannot fit without growing
  assert.ok(arenaMemory().buffer.byteLength > before);
  a[1] = 20;
  assert.equal(Array.from(a), [1, 20, 3]);
  assert.is(new Float64Array(arenaBuffer(), a.byteOffset, 3)[1], 20, "old and new buffers alias the same bytes");
  assert.ok(inArena(a) && inArena(big));
  assert.is(dot(a, a), 410);
  free(big);
  free(a);
});

test("the arena grows to 3 GiB on demand and refuses past 4 GiB with a RangeError that names the sizes", () => {
  const huge = f64(3 * 2 ** 27); // 3 GiB: reserved address space, only touched pages use memory
  huge[huge.length - 1] = 1;
  assert.is(huge[huge.length - 1], 1);
  assert.ok(arenaMemory().buffer.byteLength >= 3 * 2 ** 30);
  const left = availableBytes();
  assert.ok(left < 2 ** 30);
  assert.throws(
    () => f64(2 ** 27), // 1 GiB more
    (e) => e instanceof RangeError && e.code === "ERR_KP_OUT_OF_MEMORY" && e.message.includes(`allocate ${2 ** 30} bytes in the arena for f64(n): `) && e.message.includes(`only ${left} bytes are left`),
  );
  // Each call that makes an array names itself.
  assert.throws(() => f32(2 ** 28), (e) => e.code === "ERR_KP_OUT_OF_MEMORY" && e.message.includes(`allocate ${2 ** 30} bytes in the arena for f32(n): `), "f32(n)");
  assert.throws(() => f64(new Array(2 ** 28)), (e) => e.code === "ERR_KP_OUT_OF_MEMORY" && e.message.includes(`allocate ${2 ** 31} bytes in the arena for f64(values): `), "f64(values)");
  free(huge);
  assert.throws(() => f64(2 ** 29), (e) => e.code === "ERR_KP_OUT_OF_MEMORY" && e.message.includes(String(LIMIT_BYTES - 1024)));
  assert.is(dot(f64([3]), f64([4])), 12, "the arena still works after refusing");
});

test("f64 and f32 of a Proxy whose length no array has: RangeError naming values.length, and nothing is allocated", () => {
  const before = availableBytes();
  for (const length of [-1, 2.5, 2 ** 31]) {
    const liar = new Proxy([1, 2], { get: (target, key) => (key === "length" ? length : target[key]) });
    for (const [make, name] of [[f64, "f64"], [f32, "f32"]]) {
      assert.throws(() => make(liar), (e) => e instanceof RangeError && e.code === "ERR_KP_INVALID_ARG_VALUE" && e.message.includes(`${name}(values): values.length must be an integer`), `${name} ${length}`);
    }
  }
  assert.is(availableBytes(), before);
});

test("out of memory in a fragmented arena names the longest free block, and a copy names its scratch block", () => {
  // In a child: it fills the arena to its 4 GiB limit (address space; untouched pages cost nothing).
  const script = `
    const { dot, f64, free } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
    const message = (call) => { try { call(); return "no error"; } catch (error) { return error.code + " " + error.message; } };
    const fill = [];
    for (let n = 2 ** 27; n >= 8; ) { try { fill.push(f64(n)); } catch { n /= 2; } }
    const scratch = message(() => dot([1, 2], [3, 4])); // plain arrays are copied through the scratch block
    // Two holes with a block in use between them, below the last block: free, but in pieces.
    const [wide, narrow] = [fill.at(-4), fill.at(-2)];
    const sizes = [wide.byteLength, narrow.byteLength];
    free(wide), free(narrow);
    const fragmented = message(() => f64((sizes[0] + sizes[1]) / 8));
    console.log(JSON.stringify({ scratch, fragmented, sizes }));`;
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.is(status, 0, stderr);
  const { scratch, fragmented, sizes } = JSON.parse(stdout);
  assert.ok(scratch.startsWith("ERR_KP_OUT_OF_MEMORY") && scratch.includes("in the arena for the 1 MiB scratch block that operands outside the arena are copied through, for dot(a, b): "), scratch);
  assert.ok(sizes[0] > sizes[1], `${sizes}`);
  assert.ok(fragmented.startsWith("ERR_KP_OUT_OF_MEMORY") && fragmented.includes(`its longest free block is ${sizes[0]} bytes`) && fragmented.includes("in pieces"), fragmented);
});

test("the kept scratch block gives way when a request does not fit: it never splits an arena whose arrays are all freed", () => {
  // In a child, for a fresh arena: the scratch block lands above a 2 GiB array, which is then freed.
  const script = `
    const { dot, f64, free } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
    const message = (call) => { try { call(); return "fits"; } catch (error) { return error.code + " " + error.message; } };
    const below = f64(2 ** 28);
    const before = dot([1, 2], [3, 4]); // plain arrays: copied through the scratch block
    free(below);
    let huge;
    const fitted = message(() => (huge = f64(3 * 2 ** 27)));
    const after = dot([1, 2], [3, 4]); // the scratch block again, wherever there is room now
    console.log(JSON.stringify({ before, fitted, after, hugeOffset: huge?.byteOffset }));`;
  const { status, stdout, stderr } = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.is(status, 0, stderr);
  const { before, fitted, after, hugeOffset } = JSON.parse(stdout);
  assert.is(fitted, "fits");
  assert.is(hugeOffset, 1024, "where the freed array was");
  assert.equal([before, after], [11, 11]);
});

test("f64(values) of a Proxy that its own trap revokes during the copy: a TypeError naming values, no space lost", () => {
  const before = availableBytes();
  const revokingAt = (key, target) => {
    const values = Proxy.revocable(target, { get: (t, k) => (k === key && values.revoke(), t[k]) });
    return values.proxy;
  };
  const iterable = { *[Symbol.iterator]() { yield 1; yield 2; } };
  for (const [label, make] of [["element", () => revokingAt("1", [1, 2, 3])], ["length", () => revokingAt("length", [1, 2, 3])]]) {
    for (const [create, name] of [[f64, "f64"], [f32, "f32"]]) {
      assert.throws(
        () => create(make()),
        (e) => e instanceof TypeError && e.code === "ERR_KP_INVALID_ARG_TYPE" && e.message.startsWith(`kernelpool: ${name}(values): values was revoked during the call`) && e.cause instanceof TypeError,
        `${name}, revoked by its ${label} trap`,
      );
    }
  }
  // The iterator is read once and called as read, so a trap that revokes the Proxy as it hands
  // the iterator over is harmless: this generator never reads the Proxy again.
  const revokedAfter = f64(revokingAt(Symbol.iterator, iterable));
  assert.equal(Array.from(revokedAfter), [1, 2], "revoked by its iterator trap");
  free(revokedAfter);
  assert.is(availableBytes(), before);
  assert.equal(Array.from(f64(revokingAt("2", [1, 2]))), [1, 2], "a trap never reached revokes nothing");
});

test("f64(values) nested in element getters stops 16 deep with a RangeError, and gives back every block", () => {
  const before = availableBytes();
  const deepest = f64(nestedCopies(15));
  assert.equal([...deepest], [1], "16 copies deep");
  free(deepest);
  assert.throws(
    () => f64(nestedCopies(16)),
    (e) => e instanceof RangeError && e.code === "ERR_KP_INVALID_ARG_VALUE" && e.message === "kernelpool: f64(values): element getters of copied operands nest calls 16 deep, the most allowed: each call holds arena space while it copies.",
  );
  // Without end: it took a block a level until the stack overflowed, and lost the innermost ones.
  const endless = () => {
    const array = [0];
    Object.defineProperty(array, 0, { get: () => f32(endless())[0] });
    return array;
  };
  assert.throws(() => f32(endless()), (e) => e.code === "ERR_KP_INVALID_ARG_VALUE" && e.message.startsWith("kernelpool: f32(values): "));
  assert.is(availableBytes(), before);
  const after = f64([1, 2]);
  assert.equal([...after], [1, 2], "f64 works after");
  free(after);
});

test("f64(values) reads the length of a Proxy once: one that answers more later never writes past its block", () => {
  let reads = 0;
  const shifty = new Proxy([1, 2, 3, 4, 5, 6, 7, 8], { get: (target, key) => (key === "length" ? (reads++ < 1 ? 8 : 16) : (target[key] ?? 9)) });
  const a = f64(shifty);
  const next = f64([0, 0, 0, 0]);
  assert.is(a.length, 8);
  assert.equal([...next], [0, 0, 0, 0], "the next block is untouched");
  free(a), free(next);
});

test("f64(values) of a detached or shrunk typed array, or of a Proxy around one: a TypeError that names values, no space lost", () => {
  const detachedBuffer = new ArrayBuffer(24);
  const detached = new Float64Array(detachedBuffer);
  structuredClone(detachedBuffer, { transfer: [detachedBuffer] });
  const resizable = new ArrayBuffer(24, { maxByteLength: 24 });
  const outOfBounds = new Float64Array(resizable, 8, 2);
  resizable.resize(8);
  f64(1); // the arena exists before the count starts
  const before = availableBytes();
  for (const [make, values] of [[f64, detached], [f32, outOfBounds]]) {
    assert.throws(
      () => make(values),
      (e) => e instanceof TypeError && e.code === "ERR_KP_INVALID_ARG_TYPE" && e.message === `kernelpool: ${make.name}(values): values must be a typed array whose buffer is neither detached nor shrunk out of its view; got a Float64Array of length 0.`,
    );
  }
  // Iterable, by its Symbol.iterator, but the typed array's iterator refuses the Proxy.
  assert.throws(
    () => f64(new Proxy(new Float64Array([1, 2, 3]), {})),
    (e) => e instanceof TypeError && e.code === "ERR_KP_INVALID_ARG_TYPE" && e.message === "kernelpool: f64(values): values must be a typed array itself, not a Proxy around one; got an object ([object Object]).",
  );
  // An iterator's own errors are its own, a TypeError too.
  for (const failing of [new Error("the iterator's own"), new TypeError("the iterator's own")]) {
    assert.throws(() => f64({ *[Symbol.iterator]() { yield 1; throw failing; } }), (e) => e === failing);
  }
  assert.is(availableBytes(), before);
});

test("free() takes the block by the array's own slots: an own byteOffset cannot free another array's block", () => {
  const a = f64(8);
  const b = f64(8).fill(7);
  Object.defineProperty(a, "byteOffset", { value: b.byteOffset });
  free(a);
  const c = f64(8); // reuses a's block, not b's
  assert.equal([...b], new Array(8).fill(7));
  assert.is.not(c.byteOffset, b.byteOffset);
  free(b), free(c);
});

test("free() of a typed array from another realm is ERR_KP_NOT_ARENA, not a type error", () => {
  assert.throws(() => free(runInNewContext("new Float64Array(2)")), (e) => e instanceof RangeError && e.code === "ERR_KP_NOT_ARENA");
});

test.run();
