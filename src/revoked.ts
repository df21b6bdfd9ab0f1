// A revoked Proxy throws the engine's own TypeError at any use, Array.isArray included, where an
// argument check owes the caller an error that names the argument. Array.isArray reads no trap,
// so asking it runs no user code on a live Proxy either.
import { operandRevoked } from "./errors.js";

/** Whether `value` is a revoked Proxy (or a Proxy around one). */
export function isRevokedProxy(value: unknown): boolean {
  try {
    Array.isArray(value);
    return false;
  } catch {
    return true;
  }
}

/**
 * Array.isArray, but false for a revoked Proxy instead of throwing. One call, not built on
 * isRevokedProxy: every dot() asks it of both operands.
 */
export function isArrayNotRevoked(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * Array.isArray of an operand its call has already checked (the call `where`, the operand
 * `name`): it throws only where a Proxy trap revoked the operand since (its own, or another
 * operand's, read in between), and then names it.
 */
export function isArrayOperand(where: string, name: string, operand: unknown): operand is readonly number[] {
  try {
    return Array.isArray(operand);
  } catch (error) {
    throw operandRevoked(where, name, error);
  }
}
