// A static file server for the repository, on 127.0.0.1, for the browser tests and the demo:
// only GET and HEAD, only for a Host of 127.0.0.1 or localhost, only files inside the root.
// With `isolated`, every response carries the two headers that make a page cross-origin
// isolated (README, "In the browser"): without them, SharedArrayBuffer cannot reach workers.
//
//   node scripts/serve.js [--no-isolation] [--port N]   serves the demo and prints its URL
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { pipeline } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const REPO = fileURLToPath(new URL("..", import.meta.url));

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** Names a request's Host may give: a page on another name that resolves here (DNS rebinding) may not read the repository. */
const LOCAL_HOSTS = ["127.0.0.1", "localhost"];

/**
 * Serves `root` (the repository by default) on a free port; resolves to { url, close }.
 * A path that ends in "/" serves its index.html, and a directory named without it is redirected
 * there. Only GET and HEAD, and only for a Host named in `hosts`.
 */
export async function serve({ root = REPO, isolated = true, port = 0, hosts = LOCAL_HOSTS } = {}) {
  // Symlinks resolved: the check below compares real paths, so no link in the tree leads out of it.
  const realRoot = await realpath(root);
  const inside = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  const outside = (file) => file !== realRoot && !file.startsWith(inside);
  const server = createServer(async (request, response) => {
    const headers = { "Cache-Control": "no-store", ...(isolated ? ISOLATION_HEADERS : {}) };
    if (!hosts.includes(hostName(request.headers.host))) return reply(response, 403, headers);
    if (request.method !== "GET" && request.method !== "HEAD") return reply(response, 405, { ...headers, Allow: "GET, HEAD" });
    const { pathname } = new URL(request.url ?? "/", "http://x");
    let path;
    try {
      path = decodeURIComponent(pathname);
    } catch {
      // A malformed escape ("/%"): thrown here, it would have ended the server's process.
      return reply(response, 400, headers);
    }
    if (path.endsWith("/")) path += "index.html";
    const asked = normalize(join(realRoot, path));
    if (outside(asked)) return reply(response, 403, headers);
    let file;
    let size;
    try {
      file = await realpath(asked);
      // Never serve outside the root, whatever the request path says or a symlink points at.
      if (outside(file)) return reply(response, 403, headers);
      const found = await stat(file);
      if (found.isDirectory()) return reply(response, 301, { ...headers, Location: `${pathname}/` });
      if (!found.isFile()) return reply(response, 404, headers);
      size = found.size;
    } catch {
      return reply(response, 404, headers);
    }
    response.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Content-Length": size });
    if (request.method === "HEAD") return response.end();
    // pipeline closes the file when the client goes away (pipe left it open: a descriptor an
    // aborted download), and a file that cannot be read after all ends this response only.
    pipeline(createReadStream(file), response, () => {});
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${address.port}/`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // Keep-alive sockets from the browser would otherwise hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** The name in a Host header, without its port: "localhost" of "localhost:8080". */
function hostName(host = "") {
  return host.replace(/:\d*$/, "");
}

function reply(response, status, headers) {
  response.writeHead(status, { ...headers, "Content-Type": "text/plain" });
  response.end(String(status));
}

const USAGE = "usage: node scripts/serve.js [--no-isolation] [--port N]   (npm run demo:web -- --port N)";

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let options;
  try {
    ({ values: options } = parseArgs({ options: { "no-isolation": { type: "boolean" }, port: { type: "string", multiple: true, default: ["8080"] } } }));
    // Given twice, the last would win unseen, as a typo in the first went unseen.
    if (options.port.length > 1) throw new RangeError(`--port must be given once; got ${options.port.map((port) => `"${port}"`).join(", ")}`);
    options.port = options.port[0];
    // 0 asks for any free port.
    if (!/^\d{1,5}$/.test(options.port) || Number(options.port) > 65535) throw new RangeError(`--port must be an integer from 0 to 65535; got "${options.port}"`);
  } catch (error) {
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  const isolated = !options["no-isolation"];
  try {
    const { url } = await serve({ isolated, port: Number(options.port) });
    console.log(`kernelpool demo (${isolated ? "cross-origin isolated" : "not isolated: one thread"}): ${url}demo/`);
    console.log(`with parameters: ${url}demo/?n=1e5,1e6,1e7&threads=2&runs=15&autorun=1`);
  } catch (error) {
    // EADDRINUSE, EACCES: a sentence, not a stack.
    console.error(`cannot serve on 127.0.0.1:${options.port}: ${error.code ?? error.message}${error.code === "EADDRINUSE" ? " (the port is in use: pick another with --port)" : ""}`);
    process.exit(1);
  }
}
