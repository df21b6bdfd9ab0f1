// @ts-check
// simsimd's native (C, runtime-dispatched SIMD) dot through its Node add-on: what native code
// reached from JS achieves, N-API call cost included.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { dot } from "simsimd";

/**
 * simsimd silently swaps in a JS fallback when its add-on fails to load (it only warns), which
 * would mislabel the row. Load the add-on the way it does, and say so in the label if it fails.
 */
function nativeLoads() {
  const require = createRequire(import.meta.url);
  try {
    let dir = dirname(require.resolve("simsimd"));
    while (!existsSync(join(dir, "prebuilds")) && !existsSync(join(dir, "build"))) {
      if (dir === dirname(dir)) return false;
      dir = dirname(dir);
    }
    require("node-gyp-build")(dir);
    return true;
  } catch {
    return false;
  }
}

/** @type {import('../types.js').CaseFactory} */
export function simsimdCases({ data }) {
  const { x64, y64, x32, y32 } = data;
  const suffix = nativeLoads() ? "" : " (JS fallback)";
  return [
    { label: `simsimd f64${suffix}`, impl: "simsimd", precision: "f64", threads: 1, run: () => dot(x64, y64) },
    { label: `simsimd f32${suffix}`, impl: "simsimd", precision: "f32", threads: 1, run: () => dot(x32, y32) },
  ];
}
