// The public API, the same on every platform; each entry point installs its platform and
// re-exports this module.
export { dot } from "./dot/dot.js";
export { f64, f32, free } from "./arena/arrays.js";
export { capabilities } from "./capabilities.js";
export { createPool, Pool } from "./pool/pool.js";

export type { Precision, Vector } from "./dot/operands.js";
export type { Capabilities } from "./capabilities.js";
export type { Variant } from "./kernels/variant.js";
export type { ErrorCode } from "./errors.js";
export type { PoolOptions } from "./pool/options.js";
