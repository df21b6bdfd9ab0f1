// Flags of `kernelpool dot`. Each is checked and a bad one is named, with the rule it broke.
import { parseArgs } from "node:util";
import { availableParallelism } from "node:os";
import { invalidValue } from "../errors.js";
import { MAX_WORKERS } from "../pool/layout.js";
import { defaultThreads } from "../pool/options.js";

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

export const USAGE = `usage: kernelpool dot [--n 1e8] [--count 10] [--threads ${DEFAULT_THREADS}]
       kernelpool --version

\`count\` dot products of two float64 vectors of n elements, a = b = arange(n), timed on one
thread and on the pool, as the seed's numpy example does with %time of ten.`;

/** The flags of `kernelpool dot`, all of which take a value. */
export const DOT_FLAGS = new Set(["--n", "--count", "--threads"]);

export function parseDotJobArgs(argv: readonly string[]): DotJobArgs {
  const args = joinNegativeValues(argv);
  refuseShortOptions(args);
  const { values } = parseArgs({
    args,
    options: {
      n: { type: "string", default: "1e8" },
      count: { type: "string", default: "10" },
      threads: { type: "string", default: String(DEFAULT_THREADS) },
    },
  });
  return {
    n: integerFlag("--n", values.n, 1, 2 ** 28),
    count: integerFlag("--count", values.count, 1, 1000),
    threads: integerFlag("--threads", values.threads, 1, MAX_WORKERS),
  };
}

/**
 * "--n -5" as "--n=-5": parseArgs takes a value that starts with "-" for another option and
 * calls the flag ambiguous, where the rule the value broke is the useful message.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (DOT_FLAGS.has(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      args.push(`${arg}=${next}`);
      i++;
    } else {
      args.push(arg);
    }
  }
  return args;
}

/**
 * Refuses "-n 5": parseArgs takes an undeclared one-letter option as the long option of that
 * name, so "-n" passed for "--n" while "-c" and "-t" were unknown. Its own error's code, so the
 * usage follows the message as for any other unknown flag.
 */
function refuseShortOptions(args: readonly string[]): void {
  const short = args.find((arg) => /^-[^-\d.]/.test(arg));
  if (short === undefined) return;
  const error = new TypeError(`Unknown option '${short}': the options are ${[...DOT_FLAGS].join(", ")}, with two dashes`);
  throw Object.assign(error, { code: "ERR_PARSE_ARGS_UNKNOWN_OPTION" });
}

/** Decimal digits with an optional exponent: Number() alone would also take "0x10" and " 7 ". */
const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e\+?(\d+))?$/i;

function integerFlag(name: string, text: string, min: number, max: number): number {
  const value = exactInteger(text);
  if (!Number.isInteger(value) || value < min || value > max) throw invalidValue(name, `an integer from ${min} to ${max} (1e8 style is fine)`, text);
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
