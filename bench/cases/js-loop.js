// @ts-check
// The yardstick every JS user already has: a for loop over two Float64Arrays, as one would write it.

/**
 * @param {Float64Array} x
 * @param {Float64Array} y
 */
function dotLoop(x, y) {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * y[i];
  return sum;
}

/** @type {import('../types.js').CaseFactory} */
export function jsLoopCases({ data }) {
  const { x64, y64 } = data;
  return [{ label: "js loop f64", impl: "js-loop", precision: "f64", threads: 1, run: () => dotLoop(x64, y64) }];
}
