import { createExperiment } from './api';
import type { LoadRequest } from './load';
import { createRuns, seedExperiments, seedSearchRuns } from './seed-http';

/**
 * The seven cases of the public MLflow-Go backend benchmark. `setup` prepares data through
 * the API (not timed) and returns the request generator for the load phase.
 */
export interface TrackingCase {
  name: string;
  /** MLflow 2.12, sqlite, 4 gunicorn workers, 2 cores (req/s). */
  mlflowReqPerSec: number;
  setup(base: string, ctx: CaseContext): Promise<(conn: number) => LoadRequest>;
}

export interface CaseContext {
  connections: number;
  /** Unique per benchmark run, so a reused Postgres database never sees name clashes. */
  tag: string;
}

const API = '/api/2.0/mlflow';
const KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_';

/**
 * What real clients send: ~20-character keys (autolog names like `val_loss_epoch_smoothed`)
 * that differ from one another, and random float values, never short sequential keys.
 */
export function randomKey(length = 20): string {
  let key = '';
  for (let i = 0; i < length; i++) key += KEY_CHARS[Math.floor(Math.random() * KEY_CHARS.length)];
  return key;
}
const post = (path: string, body: unknown): LoadRequest => ({
  method: 'POST',
  path: `${API}/${path}`,
  body: JSON.stringify(body),
});

/** A fresh experiment with one run per client ("each client owns one run"). */
async function perClientRuns(base: string, ctx: CaseContext, name: string): Promise<string[]> {
  const experimentId = await createExperiment(base, `bench-${name}-${ctx.tag}`);
  return createRuns(base, experimentId, ctx.connections);
}

function logMetricBatch(name: string, n: number, mlflowReqPerSec: number): TrackingCase {
  return {
    name,
    mlflowReqPerSec,
    async setup(base, ctx) {
      const runs = await perClientRuns(base, ctx, name);
      const steps = runs.map(() => 0);
      // A training loop logs the same distinct keys at every step, with new random values.
      const keys = runs.map(() => Array.from({ length: n }, () => randomKey()));
      return (conn) => {
        const step = steps[conn]++;
        const timestamp = Date.now();
        return post('runs/log-batch', {
          run_id: runs[conn],
          metrics: keys[conn].map((key) => ({ key, value: Math.random(), timestamp, step })),
        });
      };
    },
  };
}

function logParamBatch(name: string, n: number, mlflowReqPerSec: number): TrackingCase {
  return {
    name,
    mlflowReqPerSec,
    async setup(base, ctx) {
      const runs = await perClientRuns(base, ctx, name);
      return (conn) => {
        // Random keys never repeat within a run (params are immutable); values are random floats.
        const params = Array.from({ length: n }, () => ({ key: randomKey(), value: String(Math.random()) }));
        return post('runs/log-batch', { run_id: runs[conn], params });
      };
    },
  };
}

export const SEARCH_RUNS_SEED = 1000;
export const EXPERIMENTS_SEED = 100;

export const TRACKING_CASES: TrackingCase[] = [
  {
    name: 'CreateRun',
    mlflowReqPerSec: 152,
    async setup(base, ctx) {
      const experimentId = await createExperiment(base, `bench-create-${ctx.tag}`);
      return () =>
        post('runs/create', {
          experiment_id: experimentId,
          start_time: Date.now(),
          tags: [{ key: 'bench', value: 'create-run' }],
        });
    },
  },
  logMetricBatch('LogMetricBatch10', 10, 118),
  logMetricBatch('LogMetricBatch500', 500, 15),
  logParamBatch('LogParamBatch10', 10, 129),
  logParamBatch('LogParamBatch100', 100, 49),
  {
    name: 'SearchRuns',
    mlflowReqPerSec: 18,
    async setup(base, ctx) {
      const experimentId = await createExperiment(base, `bench-search-${ctx.tag}`);
      await seedSearchRuns(base, experimentId, SEARCH_RUNS_SEED);
      const req = post('runs/search', {
        experiment_ids: [experimentId],
        filter: "metrics.m3 < 0.5 and params.units = '64'",
        order_by: ['metrics.m1 DESC'],
        max_results: 100,
      });
      return () => req;
    },
  },
  {
    name: 'SearchExperiments',
    mlflowReqPerSec: 177,
    async setup(base, ctx) {
      await seedExperiments(base, `bench-exp-${ctx.tag}-`, EXPERIMENTS_SEED);
      const req = post('experiments/search', { filter: "name LIKE 'bench-%'", max_results: 100 });
      return () => req;
    },
  },
];
