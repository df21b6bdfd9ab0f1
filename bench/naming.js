// @ts-check
// Row names in the stdlib style `pkg:len=N`, here `label:n=1e5`, so that names sort and grep well.

/**
 * Writes n the way people say it: 1e5, 5e7; anything that is not d·10^k stays in digits.
 * @param {number} n
 */
export function formatN(n) {
  const exponent = Math.floor(Math.log10(n));
  const mantissa = n / 10 ** exponent;
  return exponent >= 3 && Number.isInteger(mantissa) ? `${mantissa}e${exponent}` : String(n);
}

/**
 * @param {string} label
 * @param {number} n
 */
export const rowName = (label, n) => `${label}:n=${formatN(n)}`;
