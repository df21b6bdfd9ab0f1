// Swaps parts of the Node platform for one test body, to exercise the seam (src/platform).
import { nodePlatform } from "../../dist/platform/node.js";
import { setPlatform } from "../../dist/platform/platform.js";

/** Runs body with the Node platform changed as `changes` says, then puts it back. */
export async function withPlatform(changes, body) {
  setPlatform({ ...nodePlatform, ...changes });
  try {
    await body();
  } finally {
    setPlatform(nodePlatform);
  }
}
