// Chooses the kernel build and compiles it once per realm. The compiled module is what the
// pool sends to its workers, so no thread compiles it again.
import { noWebAssembly, unsupported } from "../errors.js";
import { platform } from "../platform/platform.js";
import { arenaMemory } from "../arena/arena.js";
import { features, hasWebAssembly } from "./features.js";
import { instantiate, type KernelExports } from "./exports.js";
import { VARIANT_FILES, type Variant } from "./variant.js";

interface Loaded {
  readonly variant: Variant;
  readonly module: WebAssembly.Module;
  readonly kernels: KernelExports;
}

let loaded: Loaded | undefined;

/** The variant this engine runs: relaxed where relaxed SIMD validates, else baseline. */
export function chooseVariant(): Variant {
  if (!hasWebAssembly()) throw noWebAssembly();
  const { simd, relaxedSimd } = features();
  if (!simd) throw unsupported("this engine lacks WebAssembly SIMD, which every kernel needs (Node >= 20, Chrome 91, Firefox 89, Safari 16.4).");
  const wanted = platform().variantOverride();
  if (wanted === "relaxed" && !relaxedSimd) {
    throw unsupported("KERNELPOOL_KERNELS=relaxed was asked for, but this engine lacks relaxed SIMD (on Node 20, run with --experimental-wasm-relaxed-simd).");
  }
  return wanted ?? (relaxedSimd ? "relaxed" : "baseline");
}

/** The compiled module and this thread's instance on the arena, loaded on first use. */
export function kernels(): Loaded {
  if (loaded === undefined) {
    const variant = chooseVariant();
    const module = new WebAssembly.Module(platform().readBuild(VARIANT_FILES[variant]));
    loaded = { variant, module, kernels: instantiate(module, arenaMemory()) };
  }
  return loaded;
}
