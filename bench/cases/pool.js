// @ts-check
// The pool's rows at one n and one thread count: pool.dotSync (blocking; the calling thread
// computes a share) and pool.dot (async; each call awaited before the next), on arena arrays,
// f64 and f32. With `copy`, also the copy path: plain typed arrays staged into the arena.

/** @typedef {import('kernelpool').Pool} Pool */
/** @typedef {import('../types.js').Case} Case */

/** "pool(2).dotSync f64": the pool size in the label, so names sort by thread count. */
export const poolLabel = (/** @type {number} */ threads, /** @type {string} */ rest) => `pool(${threads}).${rest}`;

/**
 * @param {Pool} pool
 * @param {import('../types.js').CaseContext} ctx
 * @param {{ copy?: boolean }} [options]
 * @returns {Case[]}
 */
export function poolCases(pool, { data, arena }, { copy = false } = {}) {
  const t = pool.threads;
  const common = { impl: "pool", threads: t };
  const { x64, y64, x32, y32 } = arena;
  /** @type {Case[]} */
  const cases = [
    { ...common, label: poolLabel(t, "dotSync f64"), precision: "f64", variant: "sync", run: () => pool.dotSync(x64, y64) },
    { ...common, label: poolLabel(t, "dot f64"), precision: "f64", variant: "async", async: true, run: () => pool.dot(x64, y64) },
    { ...common, label: poolLabel(t, "dotSync f32"), precision: "f32", variant: "sync", run: () => pool.dotSync(x32, y32) },
    { ...common, label: poolLabel(t, "dot f32"), precision: "f32", variant: "async", async: true, run: () => pool.dot(x32, y32) },
  ];
  if (copy) {
    const { x64: p64, y64: q64, x32: p32, y32: q32 } = data;
    cases.push(
      { ...common, label: poolLabel(t, "dotSync f64 copy"), precision: "f64", variant: "sync copy", run: () => pool.dotSync(p64, q64) },
      { ...common, label: poolLabel(t, "dot f64 copy"), precision: "f64", variant: "async copy", async: true, run: () => pool.dot(p64, q64) },
      { ...common, label: poolLabel(t, "dotSync f32 copy"), precision: "f32", variant: "sync copy", run: () => pool.dotSync(p32, q32) },
      { ...common, label: poolLabel(t, "dot f32 copy"), precision: "f32", variant: "async copy", async: true, run: () => pool.dot(p32, q32) },
    );
  }
  return cases;
}
