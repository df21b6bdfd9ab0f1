// Builds vite-app/ for production with Vite, serves the output with the isolation headers and
// checks the answer in Chromium. The app is built outside the repository, with kernelpool
// installed from the tarball `npm pack` makes: within the repository Vite resolved "kernelpool"
// through its own package.json (a self-reference), so the package's "files" went untested.
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { serve } from "../../scripts/serve.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const APP = fileURLToPath(new URL("./vite-app", import.meta.url));
const OUT = fileURLToPath(new URL("../../test-results/vite-app", import.meta.url));

export async function checkViteApp(context) {
  const work = await mkdtemp(join(tmpdir(), "kernelpool-vite-"));
  const source = join(work, "app");
  try {
    await cp(APP, source, { recursive: true });
    await install(work, join(source, "node_modules", "kernelpool"));
    await build({ root: source, logLevel: "warn", configFile: false, build: { outDir: OUT, emptyOutDir: true } });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const server = await serve({ root: OUT, isolated: true });
  const page = await context.newPage();
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => window.appResult !== undefined, null, { timeout: 30_000 });
    const result = await page.evaluate(() => window.appResult);
    if (result.error !== undefined) throw new Error(`the app failed: ${result.error}`);
    if (result.value !== 2_000_000 || result.single !== 2_000_000) throw new Error(`wrong answer: ${JSON.stringify(result)}`);
    if (result.threads !== 2) throw new Error(`expected 2 threads, got ${JSON.stringify(result)}`);
    const missing = await missingWorkerError(context, server.url);
    return `pool.dot = ${result.value} on ${result.threads} threads; with the bundled worker missing: ${missing}`;
  } finally {
    await page.close();
    await server.close();
  }
}

/**
 * The app's error when the bundled worker script answers 404. In a bundle kernelpool cannot know
 * the script's URL (worker-script.ts): its error must say the browser gave no reason, not name
 * the unbundled path, which a bundle does not serve.
 */
async function missingWorkerError(context, url) {
  const page = await context.newPage();
  try {
    await page.route("**/assets/worker-browser-*.js", (route) => route.fulfill({ status: 404, body: "" }));
    await page.goto(url);
    await page.waitForFunction(() => window.appResult !== undefined, null, { timeout: 30_000 });
    const { error } = await page.evaluate(() => window.appResult);
    if (!/worker \d+ failed to start: the worker script failed to load or threw as it loaded; the browser gives no reason here/.test(error)) {
      throw new Error(`with the bundled worker missing, expected ERR_KP_WORKER_START saying the browser gives no reason, got ${error}`);
    }
    return error.split("\n")[0];
  } finally {
    await page.close();
  }
}

/** Packs the repository as npm would publish it (without rebuilding) and unpacks it at `into`. */
async function install(work, into) {
  const run = (command, args, cwd) => {
    const result = spawnSync(command, args, { cwd, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr || result.error}`);
    return result.stdout;
  };
  const [{ filename }] = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], REPO));
  await mkdir(into, { recursive: true });
  run("tar", ["-xzf", join(work, filename), "-C", into, "--strip-components=1"], work);
}
