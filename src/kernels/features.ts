// What the engine supports, asked with WebAssembly.validate on tiny modules, as
// tfjs-backend-wasm does: validating compiles nothing and runs nothing.

// A module of one function, (func (param v128 v128 v128) (result v128) <body>), the body given as
// its instruction bytes.
function probe(body: number[]): Uint8Array<ArrayBuffer> {
  const code = [0x00, ...body, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
    0x03, 0x02, 0x01, 0x00, // function 0 has type 0
    0x0a, code.length + 2, 0x01, code.length, ...code, // its body
  ]);
}

const SIMD_PROBE = probe([0x20, 0x00, 0x20, 0x01, 0xfd, 0xf2, 0x01]); // f64x2.mul
const RELAXED_SIMD_PROBE = probe([0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x87, 0x02]); // f64x2.relaxed_madd

interface Features {
  /** 128-bit SIMD: required, every kernel uses it. */
  readonly simd: boolean;
  /** Relaxed SIMD, whose relaxed_madd becomes a hardware FMA. */
  readonly relaxedSimd: boolean;
  /** A shared WebAssembly.Memory can be created (it can be posted to workers only where cross-origin isolated). */
  readonly sharedMemory: boolean;
}

let cached: Features | undefined;

/**
 * Whether the engine has WebAssembly at all: Node with --jitless, and browsers in a lockdown or
 * hardened mode, have none. Every feature is then missing, rather than a ReferenceError thrown
 * at whoever asks (the browser entry asks as it loads).
 */
export function hasWebAssembly(): boolean {
  return typeof WebAssembly === "object";
}

export function features(): Features {
  if (!hasWebAssembly()) return { simd: false, relaxedSimd: false, sharedMemory: false };
  cached ??= {
    simd: WebAssembly.validate(SIMD_PROBE),
    relaxedSimd: WebAssembly.validate(RELAXED_SIMD_PROBE),
    sharedMemory: canShareMemory(),
  };
  return cached;
}

function canShareMemory(): boolean {
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    // Not `instanceof SharedArrayBuffer`: Chromium hides that global on a page that is not
    // cross-origin isolated, where a shared memory still works on the page's own thread.
    return Object.prototype.toString.call(memory.buffer) === "[object SharedArrayBuffer]";
  } catch {
    return false;
  }
}
