// The progress line of `hilsolve solve` on stderr: what the job is doing (starting, queued,
// running), candidates sent, verdicts per second, proven verdicts, solutions and elapsed time,
// rewritten in place. Silent when stderr is not a terminal, so logs and pipes stay clean.

import type { SolveStats } from '../solve/types.ts';

const REFRESH_MS = 250;

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export class ProgressLine {
  private phase = 'starting';
  private stats: SolveStats | undefined;
  private solutions = 0;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(
    private readonly wanted: number,
    private readonly stream: ProgressStream = process.stderr,
  ) {
    if (this.enabled) {
      this.timer = setInterval(() => this.draw(), REFRESH_MS);
      this.timer.unref();
    }
  }

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  setPhase(phase: string): void {
    this.phase = phase;
    this.draw();
  }

  update(stats: SolveStats, solutions: number): void {
    this.stats = stats;
    this.solutions = solutions;
    this.draw();
  }

  /** The text of the line as it is now. */
  text(): string {
    const elapsed = `${((Date.now() - this.started) / 1000).toFixed(1)} s`;
    const s = this.stats;
    if (s?.mode === 'search' && s.flips > 0) {
      return `${this.phase}  search: flips ${s.flips}  restarts ${s.restarts}  proven ${s.proven}  ` +
        `solutions ${this.solutions}/${this.wanted}  elapsed ${elapsed}`;
    }
    if (!s || s.candidates === 0) return `${this.phase}  elapsed ${elapsed}`;
    const rate = s.elapsedMs > 0 ? Math.round(s.verdicts / (s.elapsedMs / 1000)) : 0;
    return `${this.phase}  candidates ${s.candidates}  verdicts ${rate}/s  proven ${s.proven}  ` +
      `solutions ${this.solutions}/${this.wanted}  elapsed ${elapsed}`;
  }

  /** A message on a line of its own, terminal or not; the progress line is redrawn below it. */
  note(message: string): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.stream.write(`${message}\n`);
    this.draw();
  }

  /** Clears the line, leaving the terminal as it was. */
  stop(): void {
    clearInterval(this.timer);
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  private draw(): void {
    if (!this.enabled) return;
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    this.stream.write(`\r\x1b[K${this.text().slice(0, width)}`);
    this.shown = true;
  }
}
