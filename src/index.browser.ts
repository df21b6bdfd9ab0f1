// The browser entry point: fetches the kernel build this engine runs (reads it, under Node),
// installs the browser platform, then exports the public API. Bundlers pick this file through
// the "browser" export condition; the top-level await makes the first dot() synchronous, as in
// Node.
import { unsupported } from "./errors.js";
import { VARIANT_FILES } from "./kernels/variant.js";
import { features } from "./kernels/features.js";
import { browserPlatform } from "./platform/browser.js";
import { setPlatform } from "./platform/platform.js";

const relaxed = features().relaxedSimd;
const file = relaxed ? VARIANT_FILES.relaxed : VARIANT_FILES.baseline;
// A fetch that fails outright (no network, a refused connection) rejects with the engine's bare
// "Failed to fetch", which names no file; so does a body cut off while it is read.
const loadFailed = (error: unknown): never => {
  throw unsupported(`could not load the kernels (${file}): ${error instanceof Error ? error.message : String(error)}.`);
};

/**
 * This file's URL, in a variable so that bundlers leave alone the `new URL` made from it below:
 * under Node with the "browser" condition (a jsdom test environment) it is a file: URL, which
 * fetch() cannot read, and the build is read from disk instead, through process.getBuiltinModule
 * (Node 20.16), which no bundler takes for an import.
 */
const HERE = import.meta.url;

interface NodeProcess {
  getBuiltinModule?: (id: "node:fs") => { readFileSync(path: URL): Uint8Array<ArrayBuffer> };
}

/**
 * The kernel build read from disk where this file is one (Node), else undefined, and fetch() is
 * left to try. webpack puts the build machine's path in import.meta.url, so a bundle run where
 * Node's modules are reachable (an Electron renderer) finds no file there and fetches its asset.
 */
function fromDisk(): Uint8Array<ArrayBuffer> | undefined {
  if (!HERE.startsWith("file:")) return undefined;
  const fs = (globalThis as { process?: NodeProcess }).process?.getBuiltinModule?.("node:fs");
  try {
    return fs === undefined ? undefined : new Uint8Array(fs.readFileSync(new URL(`../build/${file}`, HERE)));
  } catch {
    return undefined;
  }
}

setPlatform(browserPlatform(new Map([[file, fromDisk() ?? (await fetched())]])));

/** Each `new URL(…)` stands inside fetch() so that Vite and webpack rewrite it to the emitted asset. */
async function fetched(): Promise<Uint8Array<ArrayBuffer>> {
  const response = await (relaxed
    ? fetch(new URL("../build/kernels-relaxed.wasm", import.meta.url))
    : fetch(new URL("../build/kernels.wasm", import.meta.url))
  ).catch(loadFailed);
  if (!response.ok) throw unsupported(`could not load the kernels from ${response.url}: HTTP ${response.status}.`);
  return new Uint8Array(await response.arrayBuffer().catch(loadFailed));
}

export * from "./api.js";
