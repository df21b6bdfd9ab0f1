// Loads the package's browser entry on pages where fetching the kernel build fails, and checks
// that the import rejects with kernelpool's coded error naming the build, whatever the failure;
// on pages where the worker script fails, that createPool says why; and in a browser without
// WebAssembly, that the entry loads and says so.
import { launch } from "./chromium.js";

const FAILURES = {
  "HTTP 404": (route) => route.fulfill({ status: 404, body: "" }),
  // It was the engine's bare TypeError "Failed to fetch", with no code and no file named.
  "a refused connection": (route) => route.abort("connectionrefused"),
};

export async function checkKernelLoadFailures(context, baseUrl) {
  const seen = [];
  for (const [how, fail] of Object.entries(FAILURES)) {
    const page = await context.newPage();
    try {
      await page.route("**/build/*.wasm", fail);
      await page.goto(`${baseUrl}demo/`);
      const error = await page.evaluate(async (entry) => {
        try {
          await import(entry);
          return undefined;
        } catch (e) {
          return { name: e.constructor.name, code: e.code, message: e.message };
        }
      }, `${baseUrl}dist/index.browser.js?${encodeURIComponent(how)}`);
      if (error?.code !== "ERR_KP_UNSUPPORTED" || !/could not load the kernels.*kernels(-relaxed)?\.wasm/.test(error.message)) {
        throw new Error(`${how}: expected ERR_KP_UNSUPPORTED naming the build, got ${JSON.stringify(error)}`);
      }
      seen.push(`${how}: ${error.message}`);
    } finally {
      await page.close();
    }
  }
  return seen.join("; ");
}

/** What a cross-origin isolated page needs of its worker's script, besides a JavaScript type. */
const ISOLATING = { "Cross-Origin-Embedder-Policy": "require-corp" };

/**
 * How the worker script fails, and what createPool's error must then say. Chromium gives a bare
 * error event for all but the last, and the error said only "failed to load or threw": now it
 * names the script, fetched again to tell why.
 */
const WORKER_FAILURES = {
  "HTTP 404": { fail: (route) => route.fulfill({ status: 404, headers: ISOLATING, body: "" }), says: /answers HTTP 404/ },
  "a refused connection": { fail: (route) => route.abort("connectionrefused"), says: /could not be fetched/ },
  "a text/plain script": {
    fail: (route) => route.fulfill({ status: 200, contentType: "text/plain", headers: ISOLATING, body: "" }),
    says: /is served as "text\/plain", and a module worker needs a JavaScript type/,
  },
  // Headers on the page but not on its scripts: a common setup, which Chromium refuses.
  "the real script without its COEP header": {
    fail: async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers["cross-origin-embedder-policy"];
      await route.fulfill({ response, headers });
    },
    says: /is served without the header Cross-Origin-Embedder-Policy: require-corp/,
  },
  "a script that does not parse": {
    fail: (route) => route.fulfill({ status: 200, contentType: "text/javascript", headers: ISOLATING, body: "export let = ;" }),
    says: /, or a module it imports, failed to load or to run/,
  },
  // Not a bare event: the browser passes the script's own error on, and nothing is fetched again.
  "a script that throws": {
    fail: (route) => route.fulfill({ status: 200, contentType: "text/javascript", headers: ISOLATING, body: "throw new Error('no');" }),
    says: /failed to start: Uncaught Error: no$/,
    fetchedAgain: false,
  },
};

export async function checkWorkerLoadFailures(context, baseUrl) {
  const seen = [];
  const script = `${baseUrl}dist/pool/worker-browser.js`;
  for (const [how, { fail, says, fetchedAgain = true }] of Object.entries(WORKER_FAILURES)) {
    const page = await context.newPage();
    try {
      await page.route(script, fail);
      await page.goto(`${baseUrl}demo/`);
      const error = await page.evaluate(async (entry) => {
        const { createPool } = await import(entry);
        try {
          await (await createPool({ threads: 2 })).close();
          return undefined;
        } catch (e) {
          return { code: e.code, message: e.message };
        }
      }, `${baseUrl}dist/index.browser.js`);
      if (error?.code !== "ERR_KP_WORKER_START" || !says.test(error.message) || error.message.includes(script) !== fetchedAgain) {
        throw new Error(`${how}: expected ERR_KP_WORKER_START matching ${says}${fetchedAgain ? ` and naming ${script}` : ""}, got ${JSON.stringify(error)}`);
      }
      seen.push(`${how}: ${error.message}`);
    } finally {
      await page.close();
    }
  }
  seen.push(`served with a query: ${await probeWithQuery(baseUrl, context, script)}`);
  return seen.join("; ");
}

/**
 * The probe where its module is served with a query, as a dev server may (Vite's ?v=): it still
 * finds the script. It gave the bundle's "no reason" when it matched its own URL, query and all.
 */
async function probeWithQuery(baseUrl, context, script) {
  const page = await context.newPage();
  try {
    await page.route(script, (route) => route.fulfill({ status: 404, headers: ISOLATING, body: "" }));
    await page.goto(`${baseUrl}demo/`);
    const message = await page.evaluate(async (module) => (await (await import(module)).whyScriptFailed(new AbortController().signal)).message, `${baseUrl}dist/platform/worker-script.js?v=1`);
    if (!message.includes(`its script ${script} answers HTTP 404`)) throw new Error(`with a query on its module, the probe said: ${message}`);
    return message;
  } finally {
    await page.close();
  }
}

const NO_WEBASSEMBLY = "ERR_KP_UNSUPPORTED kernelpool: this engine has no WebAssembly (Node with --jitless, or a browser in a lockdown or hardened mode), which every kernel and the arena need.";

/**
 * Chromium with V8's --jitless has no WebAssembly global, as a browser in a lockdown or hardened
 * mode may not. The entry, which asks for the engine's features as it loads, used to throw a
 * ReferenceError there, so a page could not even feature-test.
 */
export async function checkWithoutWebAssembly(baseUrl) {
  const browser = await launch(["--js-flags=--jitless"]);
  try {
    const page = await browser.context.newPage();
    await page.goto(`${baseUrl}demo/`);
    const got = await page.evaluate(async (entry) => {
      const failure = async (call) => {
        try {
          await call();
          return "no error";
        } catch (e) {
          return `${e.code} ${e.message}`;
        }
      };
      const kp = await import(entry).catch((e) => ({ importError: `${e.constructor.name}: ${e.message}` }));
      if (kp.importError !== undefined) return kp;
      return { wasm: typeof WebAssembly, capabilities: kp.capabilities(), dot: await failure(() => kp.dot([1], [2])), createPool: await failure(() => kp.createPool()) };
    }, `${baseUrl}dist/index.browser.js`);
    const expected = { wasm: "undefined", capabilities: { simd: false, relaxedSimd: false, sharedMemory: false }, dot: NO_WEBASSEMBLY, createPool: NO_WEBASSEMBLY };
    if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`got ${JSON.stringify(got)}`);
    return "capabilities() all false; dot and createPool throw ERR_KP_UNSUPPORTED";
  } finally {
    await browser.close();
  }
}
