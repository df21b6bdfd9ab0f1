// The static server of the demo and the browser tests (scripts/serve.js): its headers, that it
// serves nothing outside the repository, and that no request path can end its process.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../scripts/serve.js";

/**
 * A request of a raw path, sent as written (fetch would normalise "..", and refuse "%"), GET
 * unless `method` says otherwise, with the Host header `host` where given.
 */
function get(url, path, { method = "GET", host } = {}) {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const call = request({ host: "127.0.0.1", port, path, method, headers: host === undefined ? {} : { Host: host } }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body }));
    });
    call.on("error", reject);
    call.end();
  });
}

test("serves the demo with the isolation headers, and without them when asked", async () => {
  for (const isolated of [true, false]) {
    const server = await serve({ isolated });
    try {
      const page = await get(server.url, "/demo/");
      assert.is(page.status, 200);
      assert.ok(page.body.includes("<html"), "the demo's index.html");
      assert.is(page.headers["cross-origin-opener-policy"], isolated ? "same-origin" : undefined);
      assert.is(page.headers["cross-origin-embedder-policy"], isolated ? "require-corp" : undefined);
      assert.is((await get(server.url, "/build/kernels.wasm")).headers["content-type"], "application/wasm");
    } finally {
      await server.close();
    }
  }
});

test("a malformed or escaping path gets an error status, and the server goes on serving", async () => {
  const server = await serve();
  try {
    for (const [path, status] of [
      ["/%", 400],
      ["/%E0%A4%A", 400],
      // The URL parser resolves these dots first, to /etc/passwd under the root, which is missing.
      ["/../../etc/passwd", 404],
      ["/%2e%2e/%2e%2e/etc/passwd", 404],
      // An escaped slash keeps the dots until the decode, past the parser: refused.
      ["/..%2f..%2fetc%2fpasswd", 403],
      ["/demo/..%2f..%2f..%2fetc%2fpasswd", 403],
      ["/no-such-file", 404],
    ]) {
      assert.is((await get(server.url, path)).status, status, path);
    }
    assert.is((await get(server.url, "/demo/")).status, 200, "still serving");
  } finally {
    await server.close();
  }
});

test("no symlink leads out of the root, and a request named for another host (DNS rebinding) or of another method is refused", async () => {
  const outside = mkdtempSync(join(tmpdir(), "kernelpool-outside-"));
  const root = mkdtempSync(join(tmpdir(), "kernelpool-root-"));
  writeFileSync(join(outside, "secret.txt"), "secret");
  writeFileSync(join(root, "page.txt"), "page");
  symlinkSync(join(outside, "secret.txt"), join(root, "link.txt"));
  symlinkSync(outside, join(root, "linked-dir"));
  const server = await serve({ root });
  try {
    assert.is((await get(server.url, "/page.txt")).body, "page");
    assert.is((await get(server.url, "/link.txt")).status, 403, "a link to a file outside");
    assert.is((await get(server.url, "/linked-dir/secret.txt")).status, 403, "a file in a linked directory outside");
    const { port } = new URL(server.url);
    assert.is((await get(server.url, "/page.txt", { host: `localhost:${port}` })).status, 200, "localhost");
    assert.is((await get(server.url, "/page.txt", { host: `evil.example:${port}` })).status, 403, "another host name");
    const post = await get(server.url, "/page.txt", { method: "POST" });
    assert.equal([post.status, post.headers.allow], [405, "GET, HEAD"]);
    const head = await get(server.url, "/page.txt", { method: "HEAD" });
    assert.equal([head.status, head.headers["content-length"], head.body], [200, "4", ""]);
  } finally {
    await server.close();
    rmSync(root, { recursive: true });
    rmSync(outside, { recursive: true });
  }
});

test("a directory named without its slash is redirected to it, and files carry their length", async () => {
  const server = await serve();
  try {
    const redirect = await get(server.url, "/demo");
    assert.equal([redirect.status, redirect.headers.location], [301, "/demo/"]);
    const page = await get(server.url, "/demo/");
    assert.is(Number(page.headers["content-length"]), Buffer.byteLength(page.body));
  } finally {
    await server.close();
  }
});

test("a download the client abandons closes its file", async () => {
  // pipe() left each one open: enough of them used up the process's descriptors, and the server
  // answered nothing more.
  const root = mkdtempSync(join(tmpdir(), "kernelpool-root-"));
  writeFileSync(join(root, "big.bin"), Buffer.alloc(64 * 2 ** 20));
  const server = await serve({ root });
  const descriptors = () => readdirSync("/proc/self/fd").length;
  try {
    const before = descriptors();
    const { port } = new URL(server.url);
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => {
        const call = request({ host: "127.0.0.1", port, path: "/big.bin" }, (response) => response.once("data", () => (call.destroy(), resolve())));
        call.on("error", resolve);
        call.end();
      });
    }
    const until = performance.now() + 5000;
    while (descriptors() > before + 2 && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(descriptors() <= before + 2, `descriptors: ${before} before, ${descriptors()} after 20 abandoned downloads`);
  } finally {
    await server.close();
    rmSync(root, { recursive: true });
  }
});

test("its command line refuses a bad flag or port with status 2, and a port in use with status 1, in a sentence", async () => {
  const script = fileURLToPath(new URL("../scripts/serve.js", import.meta.url));
  const run = (...args) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8", timeout: 10_000 });
  for (const [args, message] of [
    [["--port", "abc"], /^--port must be an integer from 0 to 65535; got "abc"\nusage: /],
    [["--port", "99999"], /got "99999"/],
    [["--port", "8.5"], /got "8.5"/],
    [["--port"], /argument missing/],
    [["--no-isolaton"], /Unknown option '--no-isolaton'/], // served isolated, silently
    [["--port", "8081", "--port", "8082"], /^--port must be given once; got "8081", "8082"\nusage: /],
  ]) {
    const { status, stderr } = run(...args);
    assert.is(status, 2, args.join(" "));
    assert.match(stderr, message);
  }
  const server = await serve({ port: 0 });
  try {
    const { status, stderr } = run("--port", new URL(server.url).port);
    assert.is(status, 1);
    assert.match(stderr, /^cannot serve on 127\.0\.0\.1:\d+: EADDRINUSE \(the port is in use: pick another with --port\)\n$/);
  } finally {
    await server.close();
  }
});

test.run();
