// What kernelpool needs from Node: the build files on disk, and the environment.
import { readFileSync } from "node:fs";
import { invalidValue } from "../errors.js";
import type { Variant } from "../kernels/exports.js";

/** The bytes of a file in the package's build/ folder. */
export function readBuild(file: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(new URL(`../../build/${file}`, import.meta.url)));
}

/** KERNELPOOL_KERNELS=baseline|relaxed forces a kernel build, for tests and benchmarks. */
export function variantOverride(): Variant | undefined {
  const value = process.env["KERNELPOOL_KERNELS"];
  if (value === undefined || value === "") return undefined;
  if (value === "baseline" || value === "relaxed") return value;
  throw invalidValue("the environment variable KERNELPOOL_KERNELS", '"baseline", "relaxed" or unset', value);
}
