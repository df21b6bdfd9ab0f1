// Loads the package's browser entry on pages where fetching the kernel build fails, and checks
// that the import rejects with kernelpool's coded error naming the build, whatever the failure;
// and on pages where the worker script fails, that createPool says why.

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

/**
 * How the worker script fails, and what createPool's error must then say. Chromium gives a bare
 * error event for all of these: the error said only "failed to load or threw".
 */
const WORKER_FAILURES = {
  "HTTP 404": [(route) => route.fulfill({ status: 404, body: "" }), /answers HTTP 404/],
  "a refused connection": [(route) => route.abort("connectionrefused"), /could not be fetched/],
  "a text/plain script": [(route) => route.fulfill({ status: 200, contentType: "text/plain", body: "" }), /is served as "text\/plain", and a module worker needs a JavaScript type/],
  "a script that throws": [(route) => route.fulfill({ status: 200, contentType: "text/javascript", body: "throw new Error('no');" }), /loads, but failed to run/],
};

export async function checkWorkerLoadFailures(context, baseUrl) {
  const seen = [];
  const script = `${baseUrl}dist/pool/worker-browser.js`;
  for (const [how, [fail, why]] of Object.entries(WORKER_FAILURES)) {
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
      if (error?.code !== "ERR_KP_WORKER_START" || !error.message.includes(script) || !why.test(error.message)) {
        throw new Error(`${how}: expected ERR_KP_WORKER_START naming ${script} and matching ${why}, got ${JSON.stringify(error)}`);
      }
      seen.push(`${how}: ${error.message}`);
    } finally {
      await page.close();
    }
  }
  return seen.join("; ");
}
