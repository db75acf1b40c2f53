import { Injectable } from '@nestjs/common';
import { Db } from '../../database/db';
import type { Monitor, MonitorCheck, MonitorConfig, MonitorState } from '../monitor.types';
import { CheckOutcome, MonitorsStore, NewMonitor } from '../monitors.store';

interface MonitorRow {
  monitor_id: string;
  name: string;
  model_name: string;
  config: string;
  paused: number | boolean;
  state: string;
  created_at: number | string;
  updated_at: number | string;
}

interface CheckRow {
  check_id: string;
  monitor_id: string;
  tick: string;
  triggered_by: string;
  status: string;
  as_of: string | null;
  decision: string | null;
  report: string | null;
  error: string | null;
  retrain_job_id: string | null;
  started_at: number | string;
  finished_at: number | string | null;
}

const MONITOR_COLUMNS = 'monitor_id, name, model_name, config, paused, state, created_at, updated_at';
const CHECK_COLUMNS =
  'check_id, monitor_id, tick, triggered_by, status, as_of, decision, report, error, retrain_job_id, started_at, finished_at';

function monitorOf(r: MonitorRow): Monitor {
  return {
    monitorId: r.monitor_id,
    name: r.name,
    modelName: r.model_name,
    config: JSON.parse(r.config) as MonitorConfig,
    paused: Boolean(Number(r.paused)),
    state: JSON.parse(r.state) as MonitorState,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function checkOf(r: CheckRow): MonitorCheck {
  return {
    checkId: r.check_id,
    monitorId: r.monitor_id,
    tick: r.tick,
    trigger: r.triggered_by as MonitorCheck['trigger'],
    status: r.status as MonitorCheck['status'],
    asOf: r.as_of,
    decision: r.decision as MonitorCheck['decision'],
    report: r.report ? JSON.parse(r.report) : null,
    error: r.error,
    retrainJobId: r.retrain_job_id,
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

/** One implementation for sqlite and Postgres (portable SQL, `ON CONFLICT DO NOTHING` claims). */
@Injectable()
export class SqlMonitorsStore extends MonitorsStore {
  constructor(private readonly db: Db) {
    super();
  }

  async create(m: NewMonitor): Promise<boolean> {
    const now = Date.now();
    const rows = await this.db.query(
      `INSERT INTO monitors (${MONITOR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO NOTHING RETURNING monitor_id`,
      [m.monitorId, m.name, m.modelName, JSON.stringify(m.config), m.paused ? 1 : 0, JSON.stringify(m.state), now, now],
    );
    return rows.length > 0;
  }

  async get(monitorId: string): Promise<Monitor | undefined> {
    const rows = await this.db.query<MonitorRow>(`SELECT ${MONITOR_COLUMNS} FROM monitors WHERE monitor_id = ?`, [
      monitorId,
    ]);
    return rows[0] ? monitorOf(rows[0]) : undefined;
  }

  async list(limit: number, offset: number): Promise<Monitor[]> {
    const rows = await this.db.query<MonitorRow>(
      `SELECT ${MONITOR_COLUMNS} FROM monitors ORDER BY created_at, monitor_id LIMIT ? OFFSET ?`,
      [limit, offset],
    );
    return rows.map(monitorOf);
  }

  async all(): Promise<Monitor[]> {
    const rows = await this.db.query<MonitorRow>(`SELECT ${MONITOR_COLUMNS} FROM monitors ORDER BY created_at`);
    return rows.map(monitorOf);
  }

  async update(monitorId: string, patch: { config?: MonitorConfig; paused?: boolean; name?: string }): Promise<void> {
    const sets: string[] = ['updated_at = ?'];
    const params: unknown[] = [Date.now()];
    const set = (col: string, v: unknown) => {
      sets.push(`${col} = ?`);
      params.push(v);
    };
    if (patch.config) set('config', JSON.stringify(patch.config));
    if (patch.paused !== undefined) set('paused', patch.paused ? 1 : 0);
    if (patch.name !== undefined) set('name', patch.name);
    await this.db.query(`UPDATE monitors SET ${sets.join(', ')} WHERE monitor_id = ?`, [...params, monitorId]);
  }

  async saveState(monitorId: string, state: MonitorState): Promise<void> {
    await this.db.query(`UPDATE monitors SET state = ? WHERE monitor_id = ?`, [JSON.stringify(state), monitorId]);
  }

  async delete(monitorId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM monitor_checks WHERE monitor_id = ?`, [monitorId]);
      const rows = await tx.query(`DELETE FROM monitors WHERE monitor_id = ? RETURNING monitor_id`, [monitorId]);
      return rows.length > 0;
    });
  }

  async claimTick(
    monitorId: string,
    tick: string,
    trigger: MonitorCheck['trigger'],
    checkId: string,
  ): Promise<MonitorCheck | undefined> {
    const rows = await this.db.query<CheckRow>(
      `INSERT INTO monitor_checks (check_id, monitor_id, tick, triggered_by, status, started_at)
       VALUES (?, ?, ?, ?, 'running', ?) ON CONFLICT (monitor_id, tick) DO NOTHING RETURNING ${CHECK_COLUMNS}`,
      [checkId, monitorId, tick, trigger, Date.now()],
    );
    return rows[0] ? checkOf(rows[0]) : undefined;
  }

  async finishCheck(checkId: string, o: CheckOutcome): Promise<void> {
    await this.db.query(
      `UPDATE monitor_checks SET status = ?, as_of = ?, decision = ?, report = ?, error = ?, retrain_job_id = ?,
       finished_at = ? WHERE check_id = ?`,
      [
        o.status,
        o.asOf ?? null,
        o.decision ?? null,
        o.report ? JSON.stringify(o.report) : null,
        o.error ?? null,
        o.retrainJobId ?? null,
        Date.now(),
        checkId,
      ],
    );
  }

  async check(checkId: string): Promise<MonitorCheck | undefined> {
    const rows = await this.db.query<CheckRow>(`SELECT ${CHECK_COLUMNS} FROM monitor_checks WHERE check_id = ?`, [
      checkId,
    ]);
    return rows[0] ? checkOf(rows[0]) : undefined;
  }

  async checks(monitorId: string, limit: number): Promise<MonitorCheck[]> {
    const rows = await this.db.query<CheckRow>(
      `SELECT ${CHECK_COLUMNS} FROM monitor_checks WHERE monitor_id = ? ORDER BY started_at DESC, check_id DESC LIMIT ?`,
      [monitorId, limit],
    );
    return rows.map(checkOf);
  }

  async running(monitorId: string, since: number): Promise<MonitorCheck[]> {
    const rows = await this.db.query<CheckRow>(
      `SELECT ${CHECK_COLUMNS} FROM monitor_checks WHERE monitor_id = ? AND status = 'running' AND started_at > ?`,
      [monitorId, since],
    );
    return rows.map(checkOf);
  }
}
