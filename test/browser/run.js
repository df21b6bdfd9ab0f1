// The chromium pass of `npm test`: the in-page suite with and without cross-origin isolation,
// the entry's import when the kernels cannot be fetched or the engine has no WebAssembly,
// createPool when the worker script fails, a Vite production build of an app that imports
// kernelpool, and the demo page. Prints uvu-style totals, which test/run.js adds to the Node
// passes. A missing Chromium fails the pass.
//
// Run with the same kernel build as the page (relaxed SIMD: on Node 20 pass
// --experimental-wasm-relaxed-simd), so that Node's bits can be compared with Chromium's.
import * as kernelpool from "../../dist/index.js";
import { serve } from "../../scripts/serve.js";
import { computeCases } from "./cases.js";
import { INSECURE_HOST, launch } from "./chromium.js";
import { checkDemo, checkDemoStopsAndLoadFailure, checkDemoWithoutIsolation } from "./demo-check.js";
import { checkKernelLoadFailures, checkWithoutWebAssembly, checkWorkerLoadFailures } from "./load-check.js";
import { checkViteApp } from "./vite-check.js";
import { runSuite } from "./page-suite.js";

let total = 0;
let passed = 0;

/** Runs one check that is a single test, printing ✓ or ✘ and the reason. */
async function check(name, body) {
  total++;
  try {
    const note = await body();
    passed++;
    console.log(`  ✓ ${name}${note ? `: ${note}` : ""}`);
  } catch (error) {
    console.log(`  ✘ ${name}\n    ${error.stack ?? error}`);
  }
}

let browser;
const servers = [];
try {
  const nodeResults = { variant: kernelpool.capabilities().variant, cases: await computeCases(kernelpool) };
  browser = await launch();
  console.log(`Chromium ${browser.version}, kernels: ${nodeResults.variant} (as in Node ${process.version})`);
  // The demo check opens this server at a name that is not a secure context, too.
  const isolated = await serve({ isolated: true, hosts: ["127.0.0.1", "localhost", INSECURE_HOST] });
  const plain = await serve({ isolated: false });
  servers.push(isolated, plain);
  for (const [label, server, expected] of [["cross-origin isolated", isolated, 1], ["not isolated", plain, 0]]) {
    console.log(`\n# suite.html, ${label}`);
    // The page checks that it got the isolation this server's headers promise (?isolated=).
    const run = await runSuite(browser.context, `${server.url}test/browser/suite.html?isolated=${expected}`, nodeResults);
    // uvu's own totals would be read as this pass's: print the tests, then count them here.
    console.log(run.output.replace(/\s*Total:[\s\S]*$/, "").trimEnd());
    total += run.total;
    passed += run.passed;
  }
  console.log("\n# loading, bundlers and the demo");
  await check("a kernel build that cannot be fetched fails the import with ERR_KP_UNSUPPORTED, naming it", () => checkKernelLoadFailures(browser.context, isolated.url));
  await check("a worker script that fails to load or run fails createPool with ERR_KP_WORKER_START, saying why", () => checkWorkerLoadFailures(browser.context, isolated.url));
  await check("in a browser without WebAssembly (V8's --jitless) the entry loads, capabilities() says so, and calls throw ERR_KP_UNSUPPORTED", () => checkWithoutWebAssembly(isolated.url));
  await check("a Vite production build of an app that imports kernelpool runs with workers, and says why not when its worker is missing", () => checkViteApp(browser.context));
  await check("the demo page runs from URL parameters and reports sane results", () => checkDemo(browser.context, isolated.url));
  await check("the demo page runs on one thread and says why where the page is not isolated, for want of headers or of a secure context", () => checkDemoWithoutIsolation(browser.context, plain.url, isolated.url));
  await check("the demo page's Stop ends a run, and a kernelpool that does not load is reported", () => checkDemoStopsAndLoadFailure(browser.context, isolated.url));
} catch (error) {
  total++;
  console.log(`\n✘ the chromium pass could not run: ${error.stack ?? error}`);
} finally {
  await browser?.close();
  for (const server of servers) await server.close();
}
console.log(`\n  Total:     ${total}\n  Passed:    ${passed}\n`);
process.exitCode = total > 0 && passed === total ? 0 : 1;
