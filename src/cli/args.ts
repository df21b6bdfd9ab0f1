// Flags of `kernelpool dot`. Each is checked and a bad one is named, with the rule it broke.
import { parseArgs } from "node:util";
import { availableParallelism } from "node:os";
import { invalidValue } from "../errors.js";
import { MAX_WORKERS } from "../pool/layout.js";
import { defaultThreads } from "../pool/options.js";
import { MOST_ELEMENTS } from "./memory.js";

export interface DotJobArgs {
  /** Elements per vector. @default 1e8, as in the seed's example */
  readonly n: number;
  /** Dot products to time. @default 10 */
  readonly count: number;
  /** Pool threads. @default os.availableParallelism(), at most 256 */
  readonly threads: number;
}

/** createPool's default, from Node's count: no platform is installed yet when the usage is made. */
const DEFAULT_THREADS = defaultThreads(availableParallelism());

/** The most products one job times: each is printed on a line of its own. */
export const MOST_COUNT = 1000;

export const USAGE = `usage: kernelpool dot [--n 1e8] [--count 10] [--threads ${DEFAULT_THREADS}]
       kernelpool --version

\`count\` dot products of two float64 vectors of n elements, a = b = arange(n), timed on one
thread and on the pool, as the seed's numpy example does with %time of ten.
--n 1 to ${MOST_ELEMENTS}, --count 1 to ${MOST_COUNT}, --threads 1 to ${MAX_WORKERS}.`;

/** The flags of `kernelpool dot`, all of which take a value. */
export const DOT_FLAGS = new Set(["--n", "--count", "--threads"]);

/** A word that asks for the usage where an option or the command may stand. */
export const isHelp = (word: string): boolean => word === "--help" || word === "-h" || word === "help";

/**
 * Whether `argv` (the words after `dot`) asks for the usage: --help, -h or help where an option
 * may stand, not as a flag's value ("--n -h" is a bad n) and not after "--", which ends the
 * options. A flag takes the next word as its value unless that is an option (joinValues).
 */
export function asksForHelp(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return false;
    if (isHelp(arg)) return true;
    if (DOT_FLAGS.has(arg) && argv[i + 1]?.startsWith("--") === false) i++;
  }
  return false;
}

export function parseDotJobArgs(argv: readonly string[]): DotJobArgs {
  const args = joinValues(argv);
  refuseShortOptions(args);
  const { values, tokens } = parseArgs({
    args,
    tokens: true,
    options: {
      n: { type: "string", default: "1e8" },
      count: { type: "string", default: "10" },
      threads: { type: "string", default: String(DEFAULT_THREADS) },
    },
  });
  refuseRepeats(tokens);
  return {
    n: integerFlag("--n", values.n, MOST_ELEMENTS, " (1e8 style is fine)"),
    count: integerFlag("--count", values.count, MOST_COUNT),
    threads: integerFlag("--threads", values.threads, MAX_WORKERS),
  };
}

/**
 * "--n -5" as "--n=-5": a flag takes the next word as its value unless that word is an option
 * ("--count"). parseArgs takes a value that starts with "-" for an option of its own, calling
 * the flag ambiguous or "-inf" an unknown option, where the rule the value broke is the message.
 */
function joinValues(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === "--") {
      // The words after it are no options, and go to parseArgs as typed, which refuses them.
      args.push(...argv.slice(i));
      break;
    } else if (!DOT_FLAGS.has(arg)) {
      args.push(arg);
    } else if (next === undefined || next.startsWith("--")) {
      throw usageError(`Option '${arg}' needs a value`, "ERR_PARSE_ARGS_INVALID_OPTION_VALUE");
    } else {
      args.push(`${arg}=${next}`);
      i++;
    }
  }
  return args;
}

/**
 * Refuses "-n 5": parseArgs takes an undeclared one-letter option as the long option of that
 * name, so "-n" passed for "--n" while "-c" and "-t" were unknown.
 */
function refuseShortOptions(args: readonly string[]): void {
  const end = args.indexOf("--");
  const short = (end < 0 ? args : args.slice(0, end)).find((arg) => /^-[^-]/.test(arg));
  if (short !== undefined) throw usageError(`Unknown option '${short}': the options are ${[...DOT_FLAGS].join(", ")}, with two dashes`, "ERR_PARSE_ARGS_UNKNOWN_OPTION");
}

/** Refuses a flag given twice: the last would win, and a bad earlier value would go unchecked. */
function refuseRepeats(tokens: readonly { kind: string; rawName?: string }[]): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.rawName === undefined) continue;
    if (seen.has(token.rawName)) throw usageError(`Option '${token.rawName}' is given twice: give each option once`, "ERR_PARSE_ARGS_INVALID_OPTION_VALUE");
    seen.add(token.rawName);
  }
}

/** An error in the words themselves, coded as parseArgs codes its own, so the usage follows it. */
function usageError(message: string, code: string): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/** Decimal digits with an optional exponent: Number() alone would also take "0x10" and " 7 ". */
const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e\+?(\d+))?$/i;

function integerFlag(name: string, text: string, max: number, hint = ""): number {
  const value = exactInteger(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw invalidValue(name, `an integer from 1 to ${max}${hint}`, text);
  return value;
}

/**
 * The integer that decimal `text` names, or NaN where it names none. Decided on the digits, since
 * Number() rounds first: it reads "1.0000000000000001" as 1.
 */
function exactInteger(text: string): number {
  const parts = DECIMAL.exec(text);
  if (parts === null) return NaN;
  const [, whole = "", fraction = "", exponent = "0"] = parts;
  const digitsPastThePoint = (whole + fraction).slice(whole.length + Number(exponent));
  return /[1-9]/.test(digitsPastThePoint) ? NaN : Number(text);
}
