// The pool's control block (src/pool/layout.ts) as the tests read it.
import { arenaBuffer } from "../../dist/arena/arena.js";
import { CONTROL_BYTES } from "../../dist/pool/layout.js";

/** The control block of the pool whose dispatcher this is, as Int32 words. */
export const controlOf = (dispatcher) => new Int32Array(arenaBuffer(), dispatcher.controlAddress, CONTROL_BYTES / 4);
