// Why a pool's module Web Worker did not start. Chromium gives a bare `error` event, with no
// message, whether the worker script is missing, refused, served with a type that is not
// JavaScript or without the isolation header a worker needs, or fails to parse (Chromium 156;
// a script that throws as it runs comes with its message). Fetched again, the script tells
// most of these apart: the usual causes are a server that does not serve dist/pool/, or that
// serves .js as text/plain or without Cross-Origin-Embedder-Policy.

/** The worker script's path from this file, as browser-worker.ts writes it inside `new Worker()`. */
const SCRIPT_PATH = "../pool/worker-browser.js";

/**
 * This file's URL, kept in a variable: bundlers rewrite `new URL(path, import.meta.url)` written
 * out. webpack 5 made a module context of one whose path is a variable, which threw at run time,
 * and replaces import.meta.url with the file's path on the machine that built the bundle.
 */
const HERE = import.meta.url;

/** How long the second fetch may take: a server that never answers must not hold up createPool. */
const PROBE_MS = 5000;

const NO_REASON = "the worker script failed to load or threw as it loaded; the browser gives no reason here, but its console does";

/**
 * The worker script's URL where this file is served as the package's dist/ has it, from the
 * page's own origin (a worker script must be same-origin). A bundle holds this file elsewhere,
 * or under its build path (webpack), and its worker under a name of its own: no URL then.
 */
function scriptUrl(): URL | undefined {
  // By its path: a dev server may add a query (Vite's ?v=).
  if (!new URL(HERE).pathname.endsWith("/platform/worker-script.js")) return undefined;
  const url = new URL(SCRIPT_PATH, HERE);
  return url.origin === globalThis.location?.origin ? url : undefined;
}

/** JavaScript MIME type essences (WHATWG MIME Sniffing), which a module script must be served as. */
const JAVASCRIPT_TYPE = /^\s*((application|text)\/(x-)?(ecmascript|javascript)|text\/(javascript1\.[0-5]|jscript|livescript))\s*(;|$)/i;

/** Cross-Origin-Embedder-Policy values that let a cross-origin isolated page run a worker. */
const ISOLATING_POLICY = /^\s*(require-corp|credentialless)\s*(;|$)/i;

/** Why the worker script did not start, as far as fetching it again tells. Never rejects. */
export async function whyScriptFailed(abandon: AbortSignal): Promise<Error> {
  const url = scriptUrl();
  if (url === undefined) return new Error(NO_REASON);
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  let late = false;
  const timer = setTimeout(() => ((late = true), stop()), PROBE_MS);
  abandon.addEventListener("abort", stop, { once: true });
  try {
    const response = await fetch(url, { cache: "no-store", signal: controller.signal });
    // Only the status and headers matter; a failure to drop the rest says nothing of the script.
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) return new Error(`its script ${url} answers HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}: serve the package's dist/pool/ with the rest of dist/`);
    const type = response.headers.get("content-type") ?? "";
    if (!JAVASCRIPT_TYPE.test(type)) return new Error(`its script ${url} is served as "${type}", and a module worker needs a JavaScript type such as text/javascript`);
    if (globalThis.crossOriginIsolated === true && !ISOLATING_POLICY.test(response.headers.get("cross-origin-embedder-policy") ?? "")) {
      return new Error(`its script ${url} is served without the header Cross-Origin-Embedder-Policy: require-corp, which a worker of a cross-origin isolated page needs: send it with the package's scripts too, not only with the page`);
    }
    return new Error(`its script ${url}, or a module it imports, failed to load or to run (a module that is missing, or a syntax error); the browser's console has the error`);
  } catch (error) {
    if (late) return new Error(`its script ${url} did not load, and fetched again it did not answer within ${PROBE_MS / 1000} s`);
    return new Error(`its script ${url} could not be fetched: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    abandon.removeEventListener("abort", stop);
  }
}
