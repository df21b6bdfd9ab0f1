#!/usr/bin/env node
// `kernelpool` command line. `npm start` runs `kernelpool dot`, the seed's example.
import { parseDotJobArgs, USAGE } from "./args.js";
import { runDotJob } from "./dot-job.js";

const [command, ...rest] = process.argv.slice(2);
const asksForHelp = (args: readonly string[]): boolean => args.some((arg) => arg === "--help" || arg === "-h" || arg === "help");
try {
  if (command === "dot" && !asksForHelp(rest)) await runDotJob(parseDotJobArgs(rest));
  else {
    console.log(USAGE);
    process.exitCode = command === undefined || asksForHelp([command, ...rest]) ? 0 : 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
