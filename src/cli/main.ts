#!/usr/bin/env node
// `kernelpool` command line. `npm start` runs `kernelpool dot`, the seed's example.
import { readFileSync } from "node:fs";
import { asksForHelp, DOT_FLAGS, isHelp, parseDotJobArgs, USAGE, type DotJobArgs } from "./args.js";
import { runDotJob } from "./dot-job.js";

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  // `kernelpool dot | head` closes the pipe early: end quietly, as other command-line tools do.
  if (error.code === "EPIPE") process.exit(0);
  // Any other failure (a full disk) is the output's: one line, not a stack trace.
  process.stderr.write(`kernelpool: cannot write the output: ${error.code ?? error.message}\n`);
  process.exit(1);
});

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || isHelp(command)) console.log(USAGE);
else if (command === "--version" && rest.length === 0) console.log(version());
else if (command === "dot") await dotCommand(rest);
else if (command === "--version") usageFailed(`kernelpool: --version takes nothing after it; got ${JSON.stringify(rest.join(" "))}\n\n${USAGE}`);
else usageFailed(`kernelpool: unknown command ${JSON.stringify(command)}${hintFor(command)}\n\n${USAGE}`);

/**
 * Status 2 for words that are wrong (a bad flag, its value, an unknown command), with the usage
 * after parseArgs's own errors; 1 for a job that failed (memory short, a worker that would not
 * start), so that a script can tell the two apart.
 */
async function dotCommand(args: readonly string[]): Promise<void> {
  if (asksForHelp(args)) return console.log(USAGE);
  let parsed: DotJobArgs;
  try {
    parsed = parseDotJobArgs(args);
  } catch (error) {
    // parseArgs's errors (an unknown flag) come without our prefix, and the usage helps there.
    const fromParseArgs = String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
    return usageFailed(fromParseArgs ? `kernelpool: ${messageOf(error)}\n\n${USAGE}` : messageOf(error));
  }
  try {
    await runDotJob(parsed);
  } catch (error) {
    const message = messageOf(error);
    console.error(message.startsWith("kernelpool: ") ? message : `kernelpool: the job failed: ${message}`);
    process.exitCode = 1;
  }
}

function usageFailed(message: string): void {
  console.error(message);
  process.exitCode = 2;
}

/** Where a flag came before the command: where it belongs. */
function hintFor(command: string): string {
  return DOT_FLAGS.has(command.split("=")[0]!) ? ` (options follow the command: kernelpool dot ${command} …)` : "";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The package's version, from its package.json (dist/cli/ is two folders below it). */
function version(): string {
  const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return `kernelpool ${version}`;
}
