/**
 * One self-rewriting line on stderr while the load runs. Written by hand rather than with a progress-bar package:
 * it is twenty lines, and the bench then needs no dependency of its own.
 */
export class ProgressLine {
  private timer?: NodeJS.Timeout;
  private lastPlainAt = 0;

  constructor(
    private readonly totalSeconds: number,
    private readonly describe: () => string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  start(startedAtMs: number): void {
    this.timer = setInterval(() => this.draw(startedAtMs), 250);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private draw(startedAtMs: number): void {
    const elapsed = (Date.now() - startedAtMs) / 1000;
    const width = 30;
    const filled = Math.min(width, Math.round((elapsed / this.totalSeconds) * width));
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${elapsed.toFixed(1)}/${this.totalSeconds}s ${this.describe()}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
    } else if (Date.now() - this.lastPlainAt >= 5000) {
      this.lastPlainAt = Date.now();
      this.stream.write(`${line}\n`);
    }
  }
}
