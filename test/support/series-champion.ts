import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SeriesUploadParser, trainSeriesModel, validateSeriesParams, writeSeriesModel } from '../../src/training/core';
import { http } from './server';
import { logModelRun, promote } from './serving';

/**
 * A daily sales-like panel in long format (date, store, sales): a level per store, a weekly
 * pattern, a trend and ±5% deterministic noise, so seasonal naive is a fair baseline and a
 * model differs from it; store-3 misses one day (a gap the upload reports and fills).
 */
export function panelCsv(stores: number, days: number): string {
  const week = [0.8, 0.9, 1.0, 1.0, 1.1, 1.5, 1.3];
  const rows = ['date,store,sales'];
  let seed = 11;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.1;
  for (let s = 0; s < stores; s++)
    for (let d = 0; d < days; d++) {
      if (s === 3 && d === 30) continue;
      const t = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
      const trend = 1 + (d / days) * 0.2 * ((s % 3) - 1);
      rows.push(`${t},store-${s},${((100 + 3 * s) * week[d % 7] * trend * (1 + noise())).toFixed(2)}`);
    }
  return rows.join('\n') + '\n';
}

/**
 * Uploads `csv` as dataset `name` over REST, trains `family` on it in this process with the
 * real series pipeline (no worker start-up: seconds), logs its scores and model directory to a run and
 * promotes it as the champion of `model`. Returns the run id.
 */
export async function seriesChampion(
  base: string,
  o: { name: string; csv: string; model: string; family?: string; horizon?: number },
): Promise<string> {
  const put = await http(base, 'PUT', `/api/v1/training/datasets/${o.name}?series_id=store`, o.csv, {
    'content-type': 'text/csv',
  });
  if (put.status !== 200) throw new Error(`upload: ${put.status} ${put.text.slice(0, 300)}`);
  const parser = new SeriesUploadParser(`${o.name}.csv`, 'csv', { series_id: 'store' });
  parser.push(o.csv);
  const dataset = parser.end(o.name).dataset;
  const params = validateSeriesParams({ model: o.family ?? 'theta', horizon: o.horizon ?? 14 }, 'D');
  const trained = await trainSeriesModel({ dataset, params });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-series-champion-'));
  try {
    await writeSeriesModel(dir, {
      state: trained.model.state(),
      panel: trained.panel,
      params,
      target: 'sales',
      known: [],
    });
    const runId = await logModelRun(base, dir, { dataset: o.name, model: params.model });
    // The scores a training job logs (the UI shows them beside the forecast).
    const metrics = Object.entries(trained.metrics).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 }));
    const logged = await http(base, 'POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics });
    if (logged.status !== 200) throw new Error(`log-batch: ${logged.status} ${logged.text.slice(0, 300)}`);
    await promote(base, o.model, runId, true);
    return runId;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
