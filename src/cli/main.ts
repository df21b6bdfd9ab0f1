#!/usr/bin/env node
// `kernelpool` command line. `npm start` runs `kernelpool dot`, the seed's example.
import { readFileSync } from "node:fs";
import { DOT_FLAGS, parseDotJobArgs, USAGE } from "./args.js";
import { runDotJob } from "./dot-job.js";

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  // `kernelpool dot | head` closes the pipe early: end quietly, as other command-line tools do.
  if (error.code === "EPIPE") process.exit(0);
  // Any other failure (a full disk) is the output's: one line, not a stack trace.
  process.stderr.write(`kernelpool: cannot write the output: ${error.code ?? error.message}\n`);
  process.exit(1);
});

const [command, ...rest] = process.argv.slice(2);
const isHelp = (arg: string): boolean => arg === "--help" || arg === "-h" || arg === "help";
try {
  if (command === undefined || isHelp(command)) console.log(USAGE);
  else if (command === "--version") console.log(version());
  else if (command === "dot") {
    if (rest.some(isHelp)) console.log(USAGE);
    else await runDotJob(parseDotJobArgs(rest));
  } else {
    const hint = DOT_FLAGS.has(command.split("=")[0]!) ? ` (options follow the command: kernelpool dot ${command} …)` : "";
    console.error(`kernelpool: unknown command ${JSON.stringify(command)}${hint}\n\n${USAGE}`);
    process.exitCode = 2;
  }
} catch (error) {
  // parseArgs's own errors (an unknown flag) come without our prefix, and the usage helps there.
  const fromParseArgs = String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
  const message = error instanceof Error ? error.message : String(error);
  console.error(fromParseArgs ? `kernelpool: ${message}\n\n${USAGE}` : message);
  process.exitCode = 2;
}

/** The package's version, from its package.json (dist/cli/ is two folders below it). */
function version(): string {
  const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return `kernelpool ${version}`;
}
