/**
 * Repeated failures logged once per period: the first at once, the next ones as one line with
 * how many were suppressed (a worker's queue client fails every 0.5 s while Redis is down).
 */
export class LogThrottle {
  private last = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly log: (message: string) => void,
    private readonly periodMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  report(message: string): void {
    const t = this.now();
    if (t - this.last < this.periodMs) {
      this.suppressed++;
      return;
    }
    const extra =
      this.suppressed > 0 ? ` (${this.suppressed} similar in the last ${Math.round((t - this.last) / 1000)} s)` : '';
    this.last = t;
    this.suppressed = 0;
    this.log(`${message}${extra}`);
  }
}
