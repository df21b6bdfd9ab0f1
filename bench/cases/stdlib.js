// @ts-check
// stdlib's BLAS level-1 dot, the library a JS numerics user is most likely to reach for.
// The package entry loads a native add-on when one was compiled at install and its plain-JS
// reference otherwise (the usual case: no add-on ships prebuilt). Time what users get, and name
// the variant when it is the add-on, since that is a different row.
import ddot from "@stdlib/blas-base-ddot";
// @ts-ignore: lib/main.js has no declarations; only its identity is compared.
import ddotJs from "@stdlib/blas-base-ddot/lib/main.js";
import sdot from "@stdlib/blas-base-sdot";
// @ts-ignore: as above.
import sdotJs from "@stdlib/blas-base-sdot/lib/main.js";

/** @type {import('../types.js').CaseFactory} */
export function stdlibCases({ n, data }) {
  const { x64, y64, x32, y32 } = data;
  const common = { impl: "stdlib", threads: 1 };
  return [
    { ...common, label: `stdlib ddot f64${ddot === ddotJs ? "" : " (native)"}`, precision: "f64", run: () => ddot(n, x64, 1, y64, 1) },
    { ...common, label: `stdlib sdot f32${sdot === sdotJs ? "" : " (native)"}`, precision: "f32", run: () => sdot(n, x32, 1, y32, 1) },
  ];
}
