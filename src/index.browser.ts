// The browser entry point: fetches the kernel build this engine runs, installs the browser
// platform, then exports the public API. Bundlers pick this file through the "browser" export
// condition; the top-level await makes the first dot() synchronous, as in Node.
import { unsupported } from "./errors.js";
import { VARIANT_FILES } from "./kernels/variant.js";
import { features } from "./kernels/features.js";
import { browserPlatform } from "./platform/browser.js";
import { setPlatform } from "./platform/platform.js";

// Each `new URL(…)` stands inside fetch() so that Vite and webpack rewrite it to the emitted asset.
const relaxed = features().relaxedSimd;
const file = relaxed ? VARIANT_FILES.relaxed : VARIANT_FILES.baseline;
// A fetch that fails outright (no network, a refused connection) rejects with the engine's bare
// "Failed to fetch", which names no file; so does a body cut off while it is read.
const loadFailed = (error: unknown): never => {
  throw unsupported(`could not load the kernels (${file}): ${error instanceof Error ? error.message : String(error)}.`);
};
const response = await (relaxed
  ? fetch(new URL("../build/kernels-relaxed.wasm", import.meta.url))
  : fetch(new URL("../build/kernels.wasm", import.meta.url))
).catch(loadFailed);
if (!response.ok) throw unsupported(`could not load the kernels from ${response.url}: HTTP ${response.status}.`);
setPlatform(browserPlatform(new Map([[file, new Uint8Array(await response.arrayBuffer().catch(loadFailed))]])));

export * from "./api.js";
