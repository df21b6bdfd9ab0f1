import { features } from "./kernels/features.js";
import { chooseVariant } from "./kernels/module.js";
import type { Variant } from "./kernels/exports.js";

export interface Capabilities {
  /** 128-bit WebAssembly SIMD; kernelpool needs it. */
  readonly simd: boolean;
  /** Relaxed SIMD, for a hardware fused multiply-add. */
  readonly relaxedSimd: boolean;
  /** A shared WebAssembly.Memory can be created. */
  readonly sharedMemory: boolean;
  /** The kernel build in use: "relaxed" where relaxed SIMD validates, else "baseline". */
  readonly variant: Variant;
}

/**
 * What this engine offers and which kernel build kernelpool runs on it.
 *
 * @example
 * capabilities().simd; // returns true
 */
export function capabilities(): Capabilities {
  return { ...features(), variant: chooseVariant() };
}
