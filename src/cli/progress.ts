// A one-line progress bar on a terminal; elsewhere (CI logs, pipes) nothing until the end.

const WIDTH = 24;
/** The most often it redraws, in ms: a terminal write blocks, and short products come fast. */
const REDRAW_MS = 100;

export class Progress {
  readonly #label: string;
  readonly #total: number;
  readonly #tty: boolean;
  #drawnAt = -Infinity;

  constructor(label: string, total: number) {
    this.#label = label;
    this.#total = total;
    this.#tty = process.stdout.isTTY === true;
  }

  update(done: number): void {
    // The full bar is not drawn: finish() replaces it at once.
    if (!this.#tty || done >= this.#total) return;
    const now = performance.now();
    if (now - this.#drawnAt < REDRAW_MS) return;
    this.#drawnAt = now;
    const filled = Math.round((done / this.#total) * WIDTH);
    process.stdout.write(`\r${this.#label} [${"█".repeat(filled)}${"·".repeat(WIDTH - filled)}] ${done}/${this.#total}`);
  }

  finish(summary: string): void {
    this.clear();
    console.log(`${this.#label} ${summary}`);
  }

  /** Takes the bar off its line, for what is printed next. */
  clear(): void {
    if (this.#tty) process.stdout.write("\r\x1b[2K");
  }
}
