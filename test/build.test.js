// Checks the built .wasm files themselves: what no numeric test would notice.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { VARIANTS } from "./support/raw-kernels.js";
import { readSections, SECTION } from "./support/wasm-sections.js";

const wat = (variant) => readFileSync(new URL(String(VARIANTS[variant]).replace(/\.wasm$/, ".wat")), "utf8");

for (const variant of ["baseline", "relaxed"]) {
  const bytes = readFileSync(VARIANTS[variant]);
  const sections = readSections(bytes); // read, not compiled: the relaxed build does not compile on every engine

  test(`${variant}: imports exactly one memory, env.memory, shared, with a maximum of 65536 pages`, () => {
    assert.equal(sections.imports, [{ module: "env", name: "memory", kind: "memory", shared: true, initial: 1, maximum: 65536 }]);
  });

  test(`${variant}: has no data segment and defines no memory of its own`, () => {
    for (const id of [SECTION.data, SECTION.dataCount, SECTION.memory]) assert.not.ok(sections.ids.includes(id), `section ${id}`);
  });

  test(`${variant}: exports exactly the kernels the host calls`, () => {
    assert.equal([...sections.exports].sort(), ["claimTask", "dotBlockedF32", "dotBlockedF64", "dotF32", "dotF64", "dotManyF32", "dotManyF64", "iotaF32", "iotaF64", "runTask"]);
  });
}

test("the relaxed build multiplies with relaxed_madd; the baseline build never does", () => {
  // In the shipped .wasm bytes (opcodes 0xfd 0x87 0x02 and 0xfd 0x85 0x02), not only in the .wat
  // text that asc writes beside them, which a stale build could leave behind.
  const has = (variant, opcode) => readFileSync(VARIANTS[variant]).includes(Buffer.from(opcode));
  const F64X2_RELAXED_MADD = [0xfd, 0x87, 0x02];
  const F32X4_RELAXED_MADD = [0xfd, 0x85, 0x02];
  assert.ok(has("relaxed", F64X2_RELAXED_MADD) && has("relaxed", F32X4_RELAXED_MADD), "relaxed.wasm has both");
  assert.not.ok(has("baseline", F64X2_RELAXED_MADD) || has("baseline", F32X4_RELAXED_MADD), "baseline.wasm has neither");
  const relaxed = wat("relaxed");
  assert.ok(relaxed.includes("f64x2.relaxed_madd") && relaxed.includes("f32x4.relaxed_madd"));
  assert.not.ok(relaxed.includes("f64x2.mul"));
  const baseline = wat("baseline");
  assert.ok(baseline.includes("f64x2.mul") && baseline.includes("f32x4.mul"));
  assert.not.ok(baseline.includes("relaxed"));
});

test.run();
