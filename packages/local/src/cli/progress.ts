/** A progress bar on a terminal, or a line every tenth of the way when output is a file or pipe. */
export class ProgressBar {
  private readonly started = Date.now();
  private lastTenth = -1;
  private lastDraw = 0;
  private lastPhase = '';
  private lastRows = -1;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Shows `done` of `total` (bytes, say) and a count of rows with their rate. */
  update(done: number, total: number, rows: number, phase = ''): void {
    if (phase !== this.lastPhase) {
      if (this.lastPhase !== '' && this.out.isTTY) this.out.write('\n');
      this.lastPhase = phase;
      this.lastTenth = -1;
    }
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    const rate = Math.round(rows / seconds);
    const line = `${this.label}${phase === '' ? '' : ` (${phase})`} ${bar(fraction)} ${(fraction * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString('en')} rows  ${rate.toLocaleString('en')} rows/s`;
    if (this.out.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && fraction < 1) return;
      this.lastDraw = now;
      this.out.write(`\r${line}\u001b[K`);
    } else {
      const tenth = Math.floor(fraction * 10);
      if (tenth === this.lastTenth && !(fraction === 1 && rows !== this.lastRows)) return;
      this.lastTenth = tenth;
      this.lastRows = rows;
      this.out.write(`${line}\n`);
    }
  }

  /** Ends the bar's line. */
  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}

function bar(fraction: number): string {
  const width = 30;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
