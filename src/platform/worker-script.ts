// Why a pool's module Web Worker did not start. Chromium gives a bare `error` event, with no
// message, whether the worker script is missing, refused, served with a type that is not
// JavaScript, or throws as it loads (Chromium 156). Fetched again, the script tells them apart:
// the usual causes are a server that does not serve dist/pool/ or serves .js as text/plain.

/**
 * The worker script's path from this file. A variable, not a literal in `new URL(…)`: bundlers
 * would emit a copy of the script for a literal. browser-worker.ts writes it literally inside
 * `new Worker()`, where bundlers must see it.
 */
const SCRIPT_PATH = "../pool/worker-browser.js";

/** How long the second fetch may take: a server that never answers must not hold up createPool. */
const PROBE_MS = 5000;

/**
 * The worker script's URL when this file runs from the package's dist/ as published. In a bundle
 * the bundler has rewritten the worker's URL and this file's, so there is no script to fetch.
 */
function scriptUrl(): URL | undefined {
  return import.meta.url.endsWith("/platform/worker-script.js") ? new URL(SCRIPT_PATH, import.meta.url) : undefined;
}

const JAVASCRIPT_TYPE = /^\s*(text|application)\/(x-)?(javascript|ecmascript)\s*(;|$)/i;

/** Why the worker script did not start, as far as fetching it again tells; never rejects. */
export async function whyScriptFailed(abandon: AbortSignal): Promise<Error> {
  const url = scriptUrl();
  if (url === undefined) return new Error("the worker script failed to load or threw as it loaded; the browser gives no reason here, but its console does");
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  let late = false;
  const timer = setTimeout(() => ((late = true), stop()), PROBE_MS);
  abandon.addEventListener("abort", stop, { once: true });
  try {
    const response = await fetch(url, { cache: "no-store", signal: controller.signal });
    // Only the status and type matter; a failure to drop the rest says nothing of the script.
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) return new Error(`its script ${url} answers HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}: serve the package's dist/pool/ with the rest of dist/`);
    const type = response.headers.get("content-type") ?? "";
    if (!JAVASCRIPT_TYPE.test(type)) return new Error(`its script ${url} is served as "${type}", and a module worker needs a JavaScript type such as text/javascript`);
    return new Error(`its script ${url} loads, but failed to run (a syntax error, or an exception as it starts); the browser's console has the error`);
  } catch (error) {
    if (late) return new Error(`its script ${url} did not load, and fetched again it did not answer within ${PROBE_MS / 1000} s`);
    return new Error(`its script ${url} could not be fetched: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    abandon.removeEventListener("abort", stop);
  }
}
