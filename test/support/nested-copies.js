// An array whose element getter makes (and frees) an f64 of such an array `levels` times over:
// f64() of it nests levels + 1 copies deep, each reading 1 in the end.
import { f64, free } from "../../dist/index.js";

export function nestedCopies(levels) {
  const array = [0];
  Object.defineProperty(array, 0, {
    get: () => {
      if (levels === 0) return 1;
      const inner = f64(nestedCopies(levels - 1));
      const value = inner[0];
      free(inner);
      return value;
    },
  });
  return array;
}
