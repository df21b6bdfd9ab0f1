// Loads the package's browser entry on pages where fetching the kernel build fails, and checks
// that the import rejects with kernelpool's coded error naming the build, whatever the failure.

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
