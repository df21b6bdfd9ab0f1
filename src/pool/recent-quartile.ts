// The lower quartile of the last few samples of a cost. A call's time is its cost plus whatever
// held it up: on the VMs here a stall of tens of µs to ms one call in a few, and for a pool's
// first jobs, code not yet compiled. Those only add, so the low samples are the cost, and a
// quartile of a small window follows a lasting change once a few calls have seen it.
//
// A sample counts for MAX_AGE steps of the caller's clock, then as the prior again: a cost is
// learnt only from calls that went its way (waking.ts), so one learnt during a spell of load
// could otherwise keep the calls from going its way, and from correcting it, for good.

/** Samples kept; the estimate is the third smallest of them, their lower quartile. */
const WINDOW = 9;
/** How many steps of the clock a sample counts for. */
export const MAX_AGE = 64;

export class RecentQuartile {
  readonly #prior: number;
  readonly #samples = new Float64Array(WINDOW);
  readonly #times = new Float64Array(WINDOW).fill(-Infinity);
  #next = 0;
  #value: number;
  /** Until when #value holds: when its oldest counted sample ages out. */
  #until = Infinity;

  /** Starts with every sample `prior`: 3 lower samples take it down, 7 higher ones take it up. */
  constructor(prior: number) {
    this.#prior = prior;
    this.#value = prior;
  }

  /** Adds `sample`, taken at step `now` of the caller's clock, in place of the oldest. */
  add(sample: number, now: number): void {
    this.#samples[this.#next] = sample;
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % WINDOW;
    this.#update(now);
  }

  /** The third smallest sample at step `now`, those MAX_AGE steps old or older taken as the prior. */
  valueAt(now: number): number {
    if (now >= this.#until) this.#update(now);
    return this.#value;
  }

  /**
   * Keeps the three smallest in order as it goes, with no sort and no allocation: this runs after
   * a pause, when everything runs cold (a sorted copy took ~3–10 µs), and only when a sample
   * comes or ages out.
   */
  #update(now: number): void {
    const samples = this.#samples, times = this.#times, prior = this.#prior;
    let first = Infinity, second = Infinity, third = Infinity;
    let until = Infinity;
    for (let i = 0; i < WINDOW; i++) {
      const counted = times[i]! + MAX_AGE > now;
      if (counted) until = Math.min(until, times[i]! + MAX_AGE);
      const s = counted ? samples[i]! : prior;
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
    this.#until = until;
  }
}
