// A tiny app that imports kernelpool by its package name, as a user's app would; vite-check.js
// builds it for production and reads window.appResult.
import { createPool, dot, f64 } from "kernelpool";

const n = 1_000_000;
const a = f64(n).fill(0.5);
const b = f64(n).fill(4);
try {
  const pool = await createPool({ threads: 2 });
  const value = await pool.dot(a, b);
  window.appResult = { value, single: dot(a, b), threads: pool.threads, reason: pool.singleThreadReason ?? null };
  await pool.close();
} catch (error) {
  window.appResult = { error: String(error?.stack ?? error) };
}
document.querySelector("#answer").textContent = JSON.stringify(window.appResult);
