import { features } from "./kernels/features.js";
import { chooseVariant } from "./kernels/module.js";
import type { Variant } from "./kernels/variant.js";

export interface Capabilities {
  /** 128-bit WebAssembly SIMD; kernelpool needs it. */
  readonly simd: boolean;
  /** Relaxed SIMD, for a hardware fused multiply-add. */
  readonly relaxedSimd: boolean;
  /** A shared WebAssembly.Memory can be created. */
  readonly sharedMemory: boolean;
  /**
   * The kernel build in use: "relaxed" where relaxed SIMD validates, else "baseline"; undefined
   * where no build can run (no SIMD, or KERNELPOOL_KERNELS=relaxed on an engine without it).
   */
  readonly variant: Variant | undefined;
}

/**
 * What this engine offers and which kernel build kernelpool runs on it. A feature test: it
 * never throws for a missing feature, so `capabilities().simd` can be false where dot() throws.
 *
 * @example
 * capabilities().simd; // returns true
 */
export function capabilities(): Capabilities {
  return { ...features(), variant: runnableVariant() };
}

function runnableVariant(): Variant | undefined {
  try {
    return chooseVariant();
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_KP_UNSUPPORTED") return undefined;
    throw error; // a KERNELPOOL_KERNELS value that names no build is the caller's mistake
  }
}
