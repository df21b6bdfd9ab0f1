#!/usr/bin/env node
// `kernelpool` command line. `npm start` runs `kernelpool dot`, the seed's example.
import { parseDotJobArgs, USAGE } from "./args.js";
import { runDotJob } from "./dot-job.js";

// `kernelpool dot | head` closes the pipe early: end quietly, as other command-line tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

const [command, ...rest] = process.argv.slice(2);
const asksForHelp = (args: readonly string[]): boolean => args.some((arg) => arg === "--help" || arg === "-h" || arg === "help");
try {
  if (command === "dot" && !asksForHelp(rest)) await runDotJob(parseDotJobArgs(rest));
  else if (command === undefined || asksForHelp([command, ...rest])) console.log(USAGE);
  else {
    console.error(`kernelpool: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    process.exitCode = 2;
  }
} catch (error) {
  // parseArgs's own errors (an unknown flag) come without our prefix, and the usage helps there.
  const fromParseArgs = String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
  const message = error instanceof Error ? error.message : String(error);
  console.error(fromParseArgs ? `kernelpool: ${message}\n\n${USAGE}` : message);
  process.exitCode = 2;
}
