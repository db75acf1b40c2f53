import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import { Api, GridBody, submitGrid, waitForGrid } from './grid';

export const MONITORS = '/api/v1/monitors';

/** A data directory of its own: the bundled MSFT history, and room for CSVs a test grows or removes. */
export function monitorDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-monitor-data-'));
  fs.copyFileSync(path.join(__dirname, '..', '..', 'data', 'MSFT.csv'), path.join(dir, 'MSFT.csv'));
  return dir;
}

/** Trading dates of the bundled MSFT history in (after, upTo]. */
export function msftDates(after: string, upTo: string): string[] {
  const csv = fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'MSFT.csv'), 'utf8');
  return csv
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0])
    .filter((d) => d > after && d <= upTo);
}

/** A tiny champion trained on MSFT 2021 (its data ends 2021-12-31), promoted into `model`. */
export async function trainChampion(api: Api, model: string): Promise<void> {
  const body: GridBody = {
    experiment_name: 'monitor-e2e-train',
    dataset: { ticker: 'MSFT', source: 'sample', start_date: '2021-01-01', end_date: '2021-12-31' },
    params: { units: 4, epochs: 2, layers: 1, batch_size: 32, patience: 5, seed: 7, dropout: 0, seq_length: 5 },
    grid: { seed: [7] },
    promote: { model_name: model, policy: 'always' },
  };
  const sub = await submitGrid(api, body);
  const status = await waitForGrid(api, sub.job_id, 90_000);
  expect(status.state, JSON.stringify(status)).toBe('completed');
  expect(status.promotion.promoted).toBe(true);
}

/** The retraining spec the e2e monitors use: one tiny candidate on the last year of data. */
export const TINY_RETRAIN = {
  experiment_name: 'monitor-e2e-retrain',
  params: { units: 4, epochs: 2, layers: 1, batch_size: 32, patience: 5, seed: 11, dropout: 0, seq_length: 5 },
  metric: 'val_mae',
  policy: 'if_better',
  lookback_days: 400,
};

export async function createMonitor(api: Api, body: Record<string, unknown>): Promise<any> {
  const res = await api('POST', MONITORS, body);
  expect(res.status, res.text).toBe(201);
  return res.body.monitor;
}

export async function checkNow(api: Api, id: string, asOf: string): Promise<any> {
  const res = await api('POST', `${MONITORS}/${id}/check`, { as_of: asOf });
  expect(res.status, res.text).toBe(200);
  return res.body.check;
}

export async function metricHistory(api: Api, runId: string, key: string): Promise<any[]> {
  const res = await api('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}`);
  expect(res.status, res.text).toBe(200);
  return res.body.metrics ?? [];
}

/** A 10-second schedule (seconds field first): ticks come fast enough for a test. */
export const EVERY_10S = { cron: '*/10 * * * * *', timezone: 'UTC' };

export async function registerModel(api: Api, name: string): Promise<void> {
  const res = await api('POST', '/api/2.0/mlflow/registered-models/create', { name });
  expect(res.status, res.text).toBe(200);
}

export async function checksOf(api: Api, id: string): Promise<any[]> {
  const res = await api('GET', `${MONITORS}/${id}?max_checks=1000`);
  expect(res.status, res.text).toBe(200);
  return res.body.monitor.checks;
}
