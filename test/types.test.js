// The published declarations, as a TypeScript consumer compiles them: strict, checking library
// files too, and without the DOM lib (a Node project's usual setup), where the WebAssembly
// namespace does not exist. Internal modules that name it must not be reachable from the API.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const root = new URL("..", import.meta.url);
const tsc = fileURLToPath(new URL("node_modules/typescript/bin/tsc", root));
const entry = fileURLToPath(new URL("dist/index.js", root));

const consumer = `
import { capabilities, createPool, dot, f32, f64, free, Pool, type Capabilities, type ErrorCode, type PoolOptions, type Precision, type Variant, type Vector } from ${JSON.stringify(entry)};
const options: PoolOptions = { threads: 2 };
const pool: Pool = await createPool(options);
const x: Float64Array = await pool.arange(4);
const y: Float32Array = await pool.arange(4, "f32");
const v: Vector = [1, 2, 3, 4];
const sums: Float64Array = await pool.dotBatch([[x, v], [x, x]]);
const rows: Float32Array = await pool.matvec(f32(8), y);
const total: number = dot(x, f64(4)) + pool.dotSync(x, x) + (await pool.dot(y, y)) + sums[0]! + rows[0]!;
const c: Capabilities = capabilities();
const build: Variant | undefined = c.variant;
const precision: Precision = "f32";
const z: Float32Array = await pool.arange(2, precision);
const code: ErrorCode = "ERR_KP_POOL_CLOSED";
const reason: string | undefined = pool.singleThreadReason;
// Vectors of the union type, in either place, and generic code that forwards them compile: the
// element types are checked at run time (a typing that refused a known f64/f32 mix refused these).
declare const u: Vector;
const mixed: number = dot(u, x) + dot(x, u) + pool.dotSync(v, u) + (await pool.dot(u, u)) + (await pool.matvec(x, u))[0]!;
function forwarded<V extends Vector>(a: V, b: V): number {
  return dot(a, b) + pool.dotSync(a, a);
}
const norm: number = forwarded(x, x);
free(x), free(y);
await pool.close();
export { total, mixed, norm, c, code, reason, build, z };
`;

/** Compiles the consumer with these libs and type packages; tsc's status and output. */
function compile(lib, types) {
  const dir = mkdtempSync(join(tmpdir(), "kernelpool-types-"));
  try {
    writeFileSync(join(dir, "consumer.mts"), consumer);
    const config = {
      compilerOptions: {
        target: "es2022", module: "nodenext", moduleResolution: "nodenext", strict: true, noEmit: true,
        lib, types, typeRoots: [fileURLToPath(new URL("node_modules/@types", root))], skipLibCheck: false,
      },
      files: ["consumer.mts"],
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
    const { status, stdout, stderr } = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    return { status, output: stdout + stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the package's declarations compile for a consumer without the DOM lib, with library checks on, and take vectors of the union type anywhere", () => {
  const { status, output } = compile(["es2022", "esnext.disposable"], ["node"]);
  assert.is(status, 0, output);
});

test("they compile without @types/node and without the disposable lib, as in a browser project on ES2022", () => {
  // Pool is AsyncDisposable: without a lib that declares it, pool.d.ts failed with TS2304 and TS2550.
  for (const lib of [["es2022"], ["es2022", "dom"]]) {
    const { status, output } = compile(lib, []);
    assert.is(status, 0, `lib ${lib}: ${output}`);
  }
});

test.run();
