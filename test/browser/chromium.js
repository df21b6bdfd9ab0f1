// Launches Debian's headless Chromium through playwright-core, with a fresh profile each time.
// `npx playwright install` cannot download here, so the system binary is the browser.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/**
 * A name for 127.0.0.1 that is not a secure context, as a LAN address is: a page served from it
 * with the isolation headers is still not isolated.
 */
export const INSECURE_HOST = "kernelpool.test";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
];

/** A browser context on a new profile, with `extraFlags` besides FLAGS; close() also removes the profile. */
export async function launch(extraFlags = []) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does).`);
  const profile = await mkdtemp(join(tmpdir(), "kernelpool-chromium-"));
  // playwright takes the --user-data-dir as this argument, not as a flag.
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: [...FLAGS, ...extraFlags] });
  return {
    context,
    version: context.browser()?.version() ?? "unknown",
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
