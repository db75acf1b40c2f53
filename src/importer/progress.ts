import type { ImportSummary } from './import.types';

/**
 * Import progress on a terminal: one line rewritten in place (counts and rates), at most every
 * 200 ms; elsewhere (a log, CI) a plain line every 10 s.
 */
export class Progress {
  private last = 0;
  private readonly started = Date.now();

  constructor(
    private readonly tty: boolean,
    private readonly write: (text: string) => void = (t) => process.stderr.write(t),
  ) {}

  update(s: ImportSummary): void {
    const now = Date.now();
    if (now - this.last < (this.tty ? 200 : 10_000)) return;
    this.last = now;
    const secs = Math.max((now - this.started) / 1000, 0.001);
    const line =
      `experiments ${s.experiments.seen}  runs ${s.runs.seen} (${(s.runs.imported / secs).toFixed(1)}/s)  ` +
      `metric points ${s.metricPoints.toLocaleString('en')} (${Math.round(s.metricPoints / secs).toLocaleString('en')}/s)  ` +
      `models ${s.registeredModels.seen}  artifacts ${s.artifactFiles} files ${(s.artifactBytes / 1e6).toFixed(1)} MB  ${secs.toFixed(0)} s`;
    this.write(this.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  done(): void {
    if (this.tty && this.last) this.write('\n');
  }
}
