import { expect } from 'vitest';
import { http } from './server';

/** REST helpers shared by the grid-search e2e tests (BullMQ and embedded drivers). */

export const GRIDS = '/api/v1/training/grid-searches';
export const FINAL = ['completed', 'failed', 'cancelled'];

export interface GridBody {
  experiment_name?: string;
  dataset: { ticker: string; source?: string; start_date?: string; end_date?: string };
  params?: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  metric?: string;
  promote?: { model_name: string; policy?: string };
  run_name?: string;
}

/** Tiny models on one year of MSFT: a candidate trains in well under a second. */
export function tinyGrid(overrides: Partial<GridBody> = {}): GridBody {
  return {
    experiment_name: 'grid-e2e',
    dataset: { ticker: 'MSFT', source: 'sample', start_date: '2021-01-01', end_date: '2021-12-31' },
    params: { units: 4, epochs: 2, layers: 1, batch_size: 32, patience: 5, seed: 7, dropout: 0 },
    grid: { seq_length: [5, 10] },
    metric: 'val_mae',
    ...overrides,
  };
}

/**
 * Candidates that train long enough (a few seconds of steady epochs) to be seen running,
 * killed or cancelled mid-training: more data, many epochs, early stopping off in practice.
 * Pinned to the tfjs engine (whatever params the caller gives): the fused engine trains these
 * in well under a second, before a test could kill or cancel them.
 */
export function slowGrid(overrides: Partial<GridBody> = {}): GridBody {
  const grid = tinyGrid({
    dataset: { ticker: 'MSFT', source: 'sample', start_date: '2016-01-01', end_date: '2021-12-31' },
    params: { units: 8, epochs: 400, layers: 1, batch_size: 32, patience: 1000, seed: 7, dropout: 0 },
    ...overrides,
  });
  return { ...grid, params: { ...grid.params, engine: 'tfjs' } };
}

export type Api = (method: string, path: string, body?: unknown) => ReturnType<typeof http>;

export function apiOf(base: () => string): Api {
  return (method, path, body) => http(base(), method, path, body);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function submitGrid(
  api: Api,
  body: GridBody,
): Promise<{ job_id: string; parent_run_id: string; candidates: any[] }> {
  const res = await api('POST', GRIDS, body);
  expect(res.status, res.text).toBe(202);
  return res.body;
}

export async function gridStatus(api: Api, id: string): Promise<any> {
  const res = await api('GET', `${GRIDS}/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** Polls the REST status until the grid is final; returns that status. */
export function waitForGrid(api: Api, id: string, timeoutMs: number): Promise<any> {
  return waitUntil(
    `grid ${id} to finish`,
    async () => {
      const s = await gridStatus(api, id);
      return FINAL.includes(s.state) ? s : undefined;
    },
    timeoutMs,
  );
}

export async function getRun(api: Api, runId: string): Promise<{ info: any; data: any }> {
  const res = await api('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`);
  expect(res.status, res.text).toBe(200);
  return res.body.run;
}

export function tagsOf(run: { data: any }): Record<string, string> {
  return Object.fromEntries(((run.data.tags ?? []) as { key: string; value: string }[]).map((t) => [t.key, t.value]));
}

export function metricsOf(run: { data: any }): Record<string, number> {
  return Object.fromEntries(
    ((run.data.metrics ?? []) as { key: string; value: number }[]).map((m) => [m.key, m.value]),
  );
}

export async function experimentId(api: Api, name: string): Promise<string | undefined> {
  const res = await api('GET', `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`);
  return res.status === 200 ? res.body.experiment.experiment_id : undefined;
}

/** Every run of the experiments (all lifecycle stages), following page tokens. */
export async function allRuns(api: Api, experimentIds: string[]): Promise<{ info: any; data: any }[]> {
  const out: { info: any; data: any }[] = [];
  let token: string | undefined;
  do {
    const res = await api('POST', '/api/2.0/mlflow/runs/search', {
      experiment_ids: experimentIds,
      max_results: 1000,
      run_view_type: 'ALL',
      page_token: token,
    });
    expect(res.status, res.text).toBe(200);
    out.push(...(res.body.runs ?? []));
    token = res.body.next_page_token;
  } while (token);
  return out;
}

export async function champion(api: Api, model: string): Promise<{ version: string; run_id: string } | undefined> {
  const res = await api('GET', `/api/v1/models/${encodeURIComponent(model)}/champion`);
  return res.status === 200 ? res.body.champion : undefined;
}

/** Reads a server-sent-event stream to its end: the `data` of each `status` event, in order. */
export async function readEvents(
  url: string,
  timeoutMs: number,
): Promise<{ contentType: string | null; events: any[] }> {
  const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: AbortSignal.timeout(timeoutMs) });
  expect(res.status).toBe(200);
  const text = await res.text(); // resolves when the server ends the stream
  const events = text
    .split(/\n\n/)
    .map((block) => block.split('\n'))
    .filter((lines) => lines.some((l) => l.startsWith('data:')))
    .map((lines) => ({
      type: lines
        .find((l) => l.startsWith('event:'))
        ?.slice(6)
        .trim(),
      data: JSON.parse(
        lines
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n'),
      ),
    }));
  for (const e of events) expect(e.type).toBe('status');
  return { contentType: res.headers.get('content-type'), events: events.map((e) => e.data) };
}

/**
 * The checks every completed grid must pass, whatever the driver: each candidate's run is a
 * FINISHED child of the parent with its metrics and per-epoch history, and the best run is
 * the argmin of the selection metric.
 */
export async function expectCompletedGrid(
  api: Api,
  status: any,
  submitted: { parent_run_id: string },
  epochs: number,
): Promise<void> {
  expect(status.state).toBe('completed');
  expect(status.progress).toBe(1);
  expect(status.parent_run_id).toBe(submitted.parent_run_id);
  for (const c of status.candidates) {
    expect(c.state, JSON.stringify(c)).toBe('completed');
    const run = await getRun(api, c.run_id);
    expect(run.info.status).toBe('FINISHED');
    expect(tagsOf(run)['mlflow.parentRunId']).toBe(submitted.parent_run_id);
    const m = metricsOf(run);
    for (const key of ['val_mae', 'val_rmse', 'test_mae', 'test_skill', 'loss', 'val_loss'])
      expect(Number.isFinite(m[key]), key).toBe(true);
    expect(m.val_mae).toBeCloseTo(c.metrics.val_mae, 10);
    const history = await api('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${c.run_id}&metric_key=loss`);
    expect(history.body.metrics.map((h: any) => h.step)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
  }
  const best = status.candidates.reduce((b: any, c: any) => (c.metrics.val_mae < b.metrics.val_mae ? c : b));
  expect(status.best_run_id).toBe(best.run_id);
  expect(status.best_value).toBe(best.metrics.val_mae);
  const parent = await getRun(api, submitted.parent_run_id);
  expect(parent.info.status).toBe('FINISHED');
  expect(tagsOf(parent)['tsflow.grid.best_run_id']).toBe(best.run_id);
  expect(metricsOf(parent).best_val_mae).toBe(best.metrics.val_mae);
}

/** No run of the experiments is left RUNNING or SCHEDULED. */
export async function expectNoLiveRuns(api: Api, experimentIds: string[]): Promise<void> {
  const live = (await allRuns(api, experimentIds)).filter(
    (r) => r.info.status === 'RUNNING' || r.info.status === 'SCHEDULED',
  );
  expect(live.map((r) => `${r.info.run_name} ${r.info.status}`)).toEqual([]);
}
