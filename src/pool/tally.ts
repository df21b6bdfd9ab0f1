// How the host learns that a job's tasks are all finished. Each worker counts the tasks it
// finishes into its REPORT word, on a line of its own, and the host sums those words; the tasks
// the calling thread runs are counted in the host. A count shared by every thread cost more: on
// 16 cores the threads of a job end at about the same moment, and their adds to one line went one
// after another, ~0.2 µs each (bench/protocol.js on the 16-core device, 2026-11-27, 32 tasks of
// 0.7 µs on 15 workers: 9.9 µs a job with one shared count, 7.1 with a word each).
//
// A host that sleeps waits on WAKE, which a worker bumps only if the host said so in WAITING:
//   host:    v = WAKE; WAITING = 1; if the sum shows the job finished, stop; else sleep while WAKE is v
//   worker:  REPORT = its count; if WAITING = 1 and it swaps WAITING to 0 first: WAKE += 1, notify
// Atomics are sequentially consistent, so a report the host's sum missed was stored after that
// sum; the reporter then reads WAITING after the host set it, and either it or whichever worker
// swapped the 1 away since bumps WAKE past v: the host wakes, sums again and sets WAITING again.
// Only the first report after the host goes to sleep bumps WAKE, so a job ends with one wake-up,
// not one a worker.
import { reportWord, WAITING, WAKE } from "./layout.js";

/** Counts `finished` more tasks as done; claims.ts calls it as tasks end. */
export type Report = (finished: number) => void;

/** The report of worker `index`, which stores into its REPORT word and wakes a sleeping host. */
export function workerReport(ctrl: Int32Array, index: number): Report {
  const word = reportWord(index);
  // A replacement worker goes on from the count of the worker it replaces.
  let reported = Atomics.load(ctrl, word);
  return (finished) => {
    reported = (reported + finished) | 0;
    Atomics.store(ctrl, word, reported);
    if (Atomics.load(ctrl, WAITING) !== 0 && Atomics.exchange(ctrl, WAITING, 0) !== 0) {
      Atomics.add(ctrl, WAKE, 1);
      Atomics.notify(ctrl, WAKE);
    }
  };
}

/** The host's view of the running job: how many of its tasks are finished. */
export class Tally {
  readonly #ctrl: Int32Array;
  readonly #workers: number;
  /** The REPORT words' sum when the job started, modulo 2³². */
  #base = 0;
  #tasks = 0;
  #callerFinished = 0;
  #waiting = false;
  /** Counts the calling thread's finished tasks. */
  readonly callerReport: Report = (finished) => {
    this.#callerFinished += finished;
  };

  constructor(ctrl: Int32Array, workers: number) {
    this.#ctrl = ctrl;
    this.#workers = workers;
  }

  /**
   * Starts counting a job of `tasks` tasks, before any can be claimed. Every task of earlier jobs
   * is reported by then: a job ends only once all are, and a failed one only once no worker
   * holds a task (dispatcher.ts).
   */
  start(tasks: number): void {
    this.awake(); // a host that gave up a failed job may have left WAITING set
    this.#base = this.#sum();
    this.#tasks = tasks;
    this.#callerFinished = 0;
  }

  /** Whether every task of the job is finished. */
  finished(): boolean {
    return ((this.#sum() - this.#base) | 0) + this.#callerFinished >= this.#tasks;
  }

  /**
   * Before the host sleeps on WAKE: returns the value to sleep on, or undefined if the job is
   * finished (see the top of this file). Call `awake` once the job is finished.
   */
  sleepValue(): number | undefined {
    if (this.finished()) return undefined;
    const value = Atomics.load(this.#ctrl, WAKE);
    Atomics.store(this.#ctrl, WAITING, 1);
    this.#waiting = true;
    return this.finished() ? undefined : value;
  }

  /** Clears WAITING if the host set it, so that reports stop bumping WAKE. */
  awake(): void {
    if (!this.#waiting) return;
    this.#waiting = false;
    Atomics.store(this.#ctrl, WAITING, 0);
  }

  #sum(): number {
    let sum = 0;
    for (let w = 0; w < this.#workers; w++) sum = (sum + Atomics.load(this.#ctrl, reportWord(w))) | 0;
    return sum;
  }
}
