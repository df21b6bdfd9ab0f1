// The kernel builds (asconfig.json targets). Kept apart from exports.ts, which types the
// instances: the public Capabilities type names a variant, and its declarations then need no
// WebAssembly types, which a consumer compiling without the DOM lib lacks.

export type Variant = "baseline" | "relaxed";

/** The build file of each variant, in the package's build/ folder. */
export const VARIANT_FILES: Record<Variant, string> = {
  baseline: "kernels.wasm",
  relaxed: "kernels-relaxed.wasm",
};
