// `npm start`: the seed's example, the dot product of two large float64 vectors, on one thread.
import { parseArgs } from "node:util";
import { dot, f64, free } from "./index.js";

const { values } = parseArgs({ options: { n: { type: "string", default: "1e8" } } });
const n = Number(values.n);
if (!Number.isInteger(n) || n < 1) throw new RangeError(`--n must be a positive integer; got ${values.n}`);

// a = b = arange(n), as in numpy: Σ i² has a closed form to check the result against.
const a = f64(n);
const b = f64(n);
for (let i = 0; i < n; i++) a[i] = b[i] = i;
const exact = (BigInt(n - 1) * BigInt(n) * BigInt(2 * n - 1)) / 6n;

dot(a, b); // warm-up: the first calls run in V8's baseline compiler
const start = performance.now();
const result = dot(a, b);
const ms = performance.now() - start;
const error = Math.abs(result - Number(exact)) / Number(exact);
console.log(`dot(arange(${n}), arange(${n})) = ${result.toExponential(12)}  (relative error ${error.toExponential(2)})`);
console.log(`one thread: ${ms.toFixed(1)} ms, ${((16 * n) / ms / 1e6).toFixed(1)} GB/s`);
free(a);
free(b);
