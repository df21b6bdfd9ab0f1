// Every error kernelpool throws is made here, so each throw gets a fresh stack and a stable
// `code` that callers can branch on without parsing the message.
import { typedArrayKind, typedLength } from "./typed-arrays.js";

export type ErrorCode =
  | "ERR_KP_INVALID_ARG_TYPE"
  | "ERR_KP_INVALID_ARG_VALUE"
  | "ERR_KP_LENGTH_MISMATCH"
  | "ERR_KP_OUT_OF_MEMORY"
  | "ERR_KP_NOT_ARENA"
  | "ERR_KP_UNSUPPORTED"
  | "ERR_KP_POOL_CLOSED"
  | "ERR_KP_WORKER_LOST"
  | "ERR_KP_WORKER_START"
  | "ERR_KP_CANNOT_BLOCK";

type Coded<E extends Error> = E & { code: ErrorCode };

function withCode<E extends Error>(error: E, code: ErrorCode): Coded<E> {
  return Object.assign(error, { code });
}

/**
 * A short, safe description of a value for an error message. Never throws: a revoked Proxy or an
 * odd `constructor` must not turn a clear error into the engine's.
 */
function describe(value: unknown): string {
  try {
    return describeUnsafely(value);
  } catch {
    return "a value that cannot be inspected (a revoked Proxy?)";
  }
}

function describeUnsafely(value: unknown): string {
  const kind = typedArrayKind(value);
  if (kind !== undefined) return `${article(kind)} ${kind} of length ${typedLength(value as Uint8Array)}`;
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an Array of length ${value.length}`;
  if (value instanceof DataView) return `a DataView of ${value.byteLength} bytes`;
  switch (typeof value) {
    case "string": return `the string ${JSON.stringify(value.length > 20 ? value.slice(0, 20) + "…" : value)}`;
    case "function": return "a function";
    case "object": return `an object (${Object.prototype.toString.call(value)})`;
    case "bigint": return `the bigint ${value}n`;
    default: return `${typeof value} ${String(value)}`;
  }
}

/** "an Int32Array", "a Uint8Array": by the sound, as far as typed array names go. */
function article(word: string): string {
  return /^([AEIO]|U(?!int))/.test(word) ? "an" : "a";
}

export function invalidType(where: string, rule: string, value: unknown): Coded<TypeError> {
  return withCode(new TypeError(`kernelpool: ${where} must be ${rule}; got ${describe(value)}.`), "ERR_KP_INVALID_ARG_TYPE");
}

export function invalidValue(where: string, rule: string, value: unknown): Coded<RangeError> {
  return withCode(new RangeError(`kernelpool: ${where} must be ${rule}; got ${describe(value)}.`), "ERR_KP_INVALID_ARG_VALUE");
}

export function lengthMismatch(what: string, left: number, right: number): Coded<RangeError> {
  return withCode(new RangeError(`kernelpool: ${what} must have equal lengths; got ${left} and ${right}.`), "ERR_KP_LENGTH_MISMATCH");
}

/** An operand outside the arena that shrank, or whose buffer was detached, while a call read it. */
export function operandChanged(what: string, needed: number, length: number): Coded<RangeError> {
  return withCode(
    new RangeError(
      `kernelpool: ${what} changed during the call: it needs ${needed} elements and now has ${length} (a resized or detached buffer). Change no operand until the call settles.`,
    ),
    "ERR_KP_LENGTH_MISMATCH",
  );
}

/**
 * An operand that a Proxy trap (of another operand, or its own) revoked while the call `where`
 * read it; `cause` is what reading it threw, which may be the trap's own error.
 */
export function operandRevoked(where: string, name: string, cause?: unknown): Coded<TypeError> {
  return withCode(
    new TypeError(
      `kernelpool: ${where}: ${name} was revoked during the call (a revoked Proxy). Change no operand until the call settles.`,
      cause === undefined ? undefined : { cause },
    ),
    "ERR_KP_INVALID_ARG_TYPE",
  );
}

/**
 * `error`, a kernelpool error about the call `where`, said of `part` of it instead, as
 * "pool.dotBatch(pairs): pairs[2]": an error of the same class, code and cause, with a fresh
 * stack. Any other error is returned as it is.
 */
export function renamed(error: unknown, where: string, part: string): unknown {
  const prefix = `kernelpool: ${where}`;
  if (!(error instanceof Error) || !("code" in error) || !error.message.startsWith(prefix)) return error;
  const Class = error instanceof TypeError ? TypeError : error instanceof RangeError ? RangeError : Error;
  const options = error.cause === undefined ? undefined : { cause: error.cause };
  return withCode(new Class(`kernelpool: ${part}${error.message.slice(prefix.length)}`, options), error.code as ErrorCode);
}

interface NoRoom {
  readonly requested: number;
  /** The block the request takes: a multiple of 64 bytes, 64 at least. */
  readonly block: number;
  /** What the block was for: the call that asked for it, or a block such a call needs. */
  readonly purpose: string;
  /** The memory size the engine or the OS refused to grow to, where that was why. */
  readonly refusedGrowth: number | undefined;
  readonly longest: number;
  readonly available: number;
  readonly limit: number;
}

export function outOfMemory({ requested, block, purpose, refusedGrowth, longest, available, limit }: NoRoom): Coded<RangeError> {
  const what = `${block === requested ? `${requested} bytes` : `${requested} bytes (a block of ${block})`} in the arena for ${purpose}`;
  const left = longest === available ? `only ${available} bytes are left` : `its longest free block is ${longest} bytes (${available} free in all, in pieces)`;
  const why =
    refusedGrowth === undefined
      ? `it holds at most ${limit} bytes (4 GiB, the wasm32 limit) and ${left}`
      : `the engine or the system refused to grow its memory to ${refusedGrowth} bytes`;
  return withCode(new RangeError(`kernelpool: cannot allocate ${what}: ${why}. Free arrays you no longer need.`), "ERR_KP_OUT_OF_MEMORY");
}

export function notArena(where: string, value: unknown): Coded<RangeError> {
  return withCode(
    new RangeError(`kernelpool: ${where} must be an array returned by f64(), f32() or pool.arange(), itself (not a subarray) and not yet freed; got ${describe(value)}.`),
    "ERR_KP_NOT_ARENA",
  );
}

/** A call made from an element getter of an operand another call copies, `limit` calls deep. */
export function nestedTooDeep(where: string, limit: number): Coded<RangeError> {
  return withCode(
    new RangeError(`kernelpool: ${where}: element getters of copied operands nest calls ${limit} deep, the most allowed: each call holds arena space while it copies.`),
    "ERR_KP_INVALID_ARG_VALUE",
  );
}

export function illegalConstructor(name: string, instead: string): Coded<TypeError> {
  return withCode(new TypeError(`kernelpool: new ${name}() is not how to make one; use ${instead}.`), "ERR_KP_UNSUPPORTED");
}

/** Memory outside the arena is short: for the CLI's job at any size, for matvec's result. */
export function memoryShort(why: string, cause?: unknown): Coded<RangeError> {
  return withCode(new RangeError(`kernelpool: ${why}.`, cause === undefined ? undefined : { cause }), "ERR_KP_OUT_OF_MEMORY");
}

/** The engine could not reserve the address space of the arena's memory. */
export function noAddressSpace(why: string): Coded<RangeError> {
  return withCode(
    new RangeError(
      `kernelpool: cannot create the arena (${why}): the engine could not reserve memory for it. A WebAssembly.Memory may take far more address space than it holds (Node 20's V8: about 10 GiB), which a virtual-memory limit (ulimit -v) or a device short of memory refuses.`,
    ),
    "ERR_KP_OUT_OF_MEMORY",
  );
}

export function unsupported(what: string): Coded<Error> {
  return withCode(new Error(`kernelpool: ${what}`), "ERR_KP_UNSUPPORTED");
}

export function noWebAssembly(): Coded<Error> {
  return unsupported("this engine has no WebAssembly (Node with --jitless, or a browser in a lockdown or hardened mode), which every kernel and the arena need.");
}

export function poolClosed(call: string, how: "closed" | "destroyed"): Coded<Error> {
  return withCode(new Error(`kernelpool: ${call} cannot run: the pool was ${how}. Create a new pool with createPool().`), "ERR_KP_POOL_CLOSED");
}

export function workerLost(index: number, cause: unknown): Coded<Error> {
  const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return withCode(
    new Error(`kernelpool: worker ${index} stopped during this call (${why}). The pool replaces it; later calls run normally.`, { cause }),
    "ERR_KP_WORKER_LOST",
  );
}

export function workerStart(index: number, cause: unknown): Coded<Error> {
  const why = cause instanceof Error ? cause.message : String(cause);
  return withCode(new Error(`kernelpool: worker ${index} failed to start: ${why}`, { cause }), "ERR_KP_WORKER_START");
}

export function cannotBlock(call: string, instead: string): Coded<Error> {
  return withCode(
    new Error(`kernelpool: ${call} cannot run on this thread: it would block, and a page's main thread, a service worker or a worklet may not block (Atomics.wait). Use ${instead} and await it, or call ${call} from a dedicated or shared Web Worker.`),
    "ERR_KP_CANNOT_BLOCK",
  );
}
