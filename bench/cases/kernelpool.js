// @ts-check
// kernelpool's serial dot: operands in the arena (read in place) and plain typed arrays (the
// copy path, which stages them into the arena a chunk at a time; the copy costs about as much as
// the dot, both being memory-bound, so both are shown).
import { dot } from "kernelpool";

/** @type {import('../types.js').CaseFactory} */
export function kernelpoolCases({ data, arena }) {
  const { x64, y64, x32, y32 } = arena;
  const { x64: px64, y64: py64, x32: px32, y32: py32 } = data;
  const common = { impl: "kernelpool", threads: 1 };
  return [
    { ...common, label: "kernelpool f64", precision: "f64", variant: "arena", run: () => dot(x64, y64) },
    { ...common, label: "kernelpool f64 copy", precision: "f64", variant: "copy", run: () => dot(px64, py64) },
    { ...common, label: "kernelpool f32", precision: "f32", variant: "arena", run: () => dot(x32, y32) },
    { ...common, label: "kernelpool f32 copy", precision: "f32", variant: "copy", run: () => dot(px32, py32) },
  ];
}

/**
 * The serial baseline alone (arena rows), for runs where the single suite is off but the pool
 * rows need their "vs dot on 1 thread" ratio.
 * @type {import('../types.js').CaseFactory}
 */
export async function kernelpoolBaselineCases(ctx) {
  return (await kernelpoolCases(ctx)).filter((c) => c.variant === "arena");
}
