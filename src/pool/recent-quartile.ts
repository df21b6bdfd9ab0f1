// The lower quartile of the last few samples of a cost. A call's time is its cost plus whatever
// held it up: on the VMs here a stall of tens of µs to ms one call in a few, and for a pool's
// first jobs, code not yet compiled (the 16-core device's first five woken jobs of 2.5e5 f64
// took 0.57–2.45 ms, later ones ~0.24). Those only add, so the low samples are the cost, and a
// quartile of a small window follows a lasting change once a few calls have seen it.

/** Samples kept; the estimate is the third smallest of them, their lower quartile. */
const WINDOW = 9;

export class RecentQuartile {
  readonly #samples = new Float64Array(WINDOW);
  #next = 0;
  #value: number;

  /** Starts with every sample `prior`: 3 lower samples take it down, 7 higher ones take it up. */
  constructor(prior: number) {
    this.#samples.fill(prior);
    this.#value = prior;
  }

  get value(): number {
    return this.#value;
  }

  /** Replaces the oldest sample with `sample`. */
  add(sample: number): void {
    this.#samples[this.#next] = sample;
    this.#next = (this.#next + 1) % WINDOW;
    // The third smallest, keeping the three smallest in order: no sort and no allocation, since
    // this runs after a pause, when everything runs cold (a sorted copy took ~3–10 µs).
    const samples = this.#samples;
    let first = Infinity, second = Infinity, third = Infinity;
    for (let i = 0; i < WINDOW; i++) {
      const s = samples[i]!;
      if (s < first) {
        third = second;
        second = first;
        first = s;
      } else if (s < second) {
        third = second;
        second = s;
      } else if (s < third) {
        third = s;
      }
    }
    this.#value = third;
  }
}
