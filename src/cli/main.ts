#!/usr/bin/env node
// `kernelpool` command line. `npm start` runs `kernelpool dot`, the seed's example.
import { parseDotJobArgs, USAGE } from "./args.js";
import { runDotJob } from "./dot-job.js";

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === "dot") await runDotJob(parseDotJobArgs(rest));
  else {
    console.log(USAGE);
    process.exitCode = command === undefined || command === "--help" || command === "help" ? 0 : 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
