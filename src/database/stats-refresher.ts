import { Logger } from '@nestjs/common';
import type { Db } from './db';

/**
 * Postgres plans joins from table statistics, and autovacuum gathers them only a minute or
 * more after a burst of inserts; until then a search over freshly logged runs can pick a plan
 * 50x slower. This refreshes the statistics of the given tables itself once enough rows were
 * written: 500 rows plus a fifth of all written so far, at most every `minIntervalMs`. sqlite needs none of it (the store probes instead).
 */
export class StatsRefresher {
  private readonly logger = new Logger(StatsRefresher.name);
  private pending = 0;
  private total = 0;
  private last = 0;
  private running = false;

  constructor(
    private readonly db: Db,
    private readonly tables: readonly string[],
    private readonly threshold = 500,
    private readonly minIntervalMs = 5_000,
  ) {}

  /** Records `rows` written; may start an ANALYZE in the background. */
  note(rows: number): void {
    if (this.db.dialect !== 'postgres') return;
    this.pending += rows;
    this.total += rows;
    const now = Date.now();
    // Like autovacuum's rule (a base plus a fraction of what is there), but without its delay.
    const due = this.pending >= this.threshold + 0.2 * (this.total - this.pending);
    if (this.running || !due || now - this.last < this.minIntervalMs) return;
    this.running = true;
    this.pending = 0;
    this.last = now;
    this.db
      .query(`ANALYZE ${this.tables.join(', ')}`)
      .catch((err) => this.logger.warn(`ANALYZE failed: ${(err as Error).message}`))
      .finally(() => (this.running = false));
  }
}
