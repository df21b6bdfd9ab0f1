// A table from block start to a value: the allocator's block sizes, and the arrays handed out.
// Not a Map: V8 keeps a deleted Map entry in its bucket's chain until the table is rehashed, so
// making and freeing a block at one address again and again lengthened that chain each time, and
// 100 000 such pairs took 2.9 s with 10 000 other blocks live. Keyed by start / alignment on an
// object without a prototype, the same loop took 47 ms.
//
// `set` and `delete` take block starts, which are aligned, so every key is a whole number; `get`
// takes any address, such as a user's array's byteOffset, and an unaligned one (a fractional key)
// finds nothing.
export class BlockTable<T> {
  readonly #alignment: number;
  readonly #values: Record<number, T> = Object.create(null) as Record<number, T>;

  constructor(alignment: number) {
    this.#alignment = alignment;
  }

  /** The value of the block starting at `start`, or undefined. */
  get(start: number): T | undefined {
    return this.#values[start / this.#alignment];
  }

  /** Sets the value of the block starting at `start`. */
  set(start: number, value: T): void {
    this.#values[start / this.#alignment] = value;
  }

  /** Forgets the block starting at `start`. */
  delete(start: number): void {
    delete this.#values[start / this.#alignment];
  }
}
