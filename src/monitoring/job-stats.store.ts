import { Injectable } from '@nestjs/common';
import { Db } from '../database/db';

export interface JobStateCount {
  kind: string;
  state: string;
  count: number;
}

/**
 * Training jobs per kind and state, for the metrics scrape. One grouped query over the job
 * records (the source of truth for job state, shared by every API replica and worker).
 */
@Injectable()
export class JobStatsStore {
  constructor(private readonly db: Db) {}

  async countByKindAndState(): Promise<JobStateCount[]> {
    const rows = await this.db.query<{ kind: string; state: string; n: number | string }>(
      'SELECT kind, state, COUNT(*) AS n FROM training_jobs GROUP BY kind, state',
    );
    return rows.map((r) => ({ kind: r.kind, state: r.state, count: Number(r.n) }));
  }
}
