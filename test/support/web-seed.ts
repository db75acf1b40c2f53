import { http } from './server';

/** A tiny valid PNG (2x2, red): artifact previews must render it as an image. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#2563eb"/></svg>';

export interface WebSeed {
  experimentId: string;
  parentId: string;
  childIds: string[];
  soloIds: string[];
  model: string;
}

type Api = (method: string, path: string, body?: unknown) => Promise<any>;

function apiOf(base: string): Api {
  return async (method, path, body) => {
    const res = await http(base, method, path, body);
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body;
  };
}

async function putArtifact(base: string, artifactUri: string, path: string, body: string | Buffer): Promise<void> {
  const rel = artifactUri.replace(/^mlflow-artifacts:\//, '');
  const res = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${rel}/${path}`, { method: 'PUT', body });
  if (!res.ok) throw new Error(`PUT artifact ${path}: ${res.status} ${await res.text()}`);
}

/**
 * Seeds a server through the MLflow REST API the way a grid search and a user would: a parent
 * run with three candidates (param grid, loss history, test metrics with the persistence
 * baseline), two standalone runs (one failed), artifacts of each previewable kind, a dataset
 * input, and a registered model with two versions, v1 the champion.
 */
export async function seedWebData(base: string, name = 'web-e2e'): Promise<WebSeed> {
  const api = apiOf(base);
  const ml = (method: string, p: string, body?: unknown) => api(method, `/api/2.0/mlflow/${p}`, body);
  const { experiment_id: experimentId } = await ml('POST', 'experiments/create', { name });
  const t0 = Date.now() - 3_600_000;
  const createRun = async (runName: string, tags: { key: string; value: string }[] = []) =>
    (await ml('POST', 'runs/create', { experiment_id: experimentId, run_name: runName, start_time: t0, tags })).run
      .info;
  const parent = await createRun('grid-parent');
  const children = [];
  const grid = [
    { units: '16', lr: '0.01', mae: 1.3 },
    { units: '32', lr: '0.01', mae: 1.1 },
    { units: '32', lr: '0.001', mae: 1.6 },
  ];
  for (const [i, g] of grid.entries()) {
    const info = await createRun(`candidate-${i}`, [{ key: 'mlflow.parentRunId', value: parent.run_id }]);
    const loss = Array.from({ length: 60 }, (_, step) => ({
      key: 'loss',
      value: (1 + i) * Math.exp(-step / 15) + 0.05,
      timestamp: t0 + step * 1000,
      step,
    }));
    await ml('POST', 'runs/log-batch', {
      run_id: info.run_id,
      params: [
        { key: 'units', value: g.units },
        { key: 'lr', value: g.lr },
        { key: 'window', value: '20' },
      ],
      metrics: [
        ...loss,
        { key: 'test_mae', value: g.mae, timestamp: t0 + 70_000, step: 0 },
        { key: 'naive_test_mae', value: 1.4, timestamp: t0 + 70_000, step: 0 },
        { key: 'test_skill', value: 1 - g.mae / 1.4, timestamp: t0 + 70_000, step: 0 },
      ],
      tags: [{ key: 'stage', value: 'grid' }],
    });
    await ml('POST', 'runs/update', { run_id: info.run_id, status: 'FINISHED', end_time: t0 + 80_000 });
    children.push(info);
  }
  await ml('POST', 'runs/update', { run_id: parent.run_id, status: 'FINISHED', end_time: t0 + 90_000 });
  const first = children[0];
  await putArtifact(base, first.artifact_uri, 'plots/forecast.svg', SVG);
  await putArtifact(base, first.artifact_uri, 'plots/loss.png', PNG);
  await putArtifact(base, first.artifact_uri, 'notes.txt', 'trained on sample data\nsecond line');
  await putArtifact(base, first.artifact_uri, 'metrics.json', JSON.stringify({ test_mae: 1.3, window: 20 }));
  await putArtifact(
    base,
    first.artifact_uri,
    'predictions.csv',
    'date,actual,predicted\n2024-01-02,101.5,100.9\n2024-01-03,"102,0",101.7\n',
  );
  await ml('POST', 'runs/log-inputs', {
    run_id: first.run_id,
    datasets: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: { name: 'MSFT-daily', digest: 'abc123', source_type: 'local', source: 'data/MSFT.csv' },
      },
    ],
  });
  const solo = [];
  for (const [i, status] of (['FINISHED', 'FAILED'] as const).entries()) {
    const info = await createRun(`solo-${i}`);
    await ml('POST', 'runs/log-batch', {
      run_id: info.run_id,
      params: [{ key: 'units', value: String(64 * (i + 1)) }],
      metrics: [{ key: 'test_mae', value: 2 + i, timestamp: t0, step: 0 }],
    });
    await ml('POST', 'runs/update', { run_id: info.run_id, status, end_time: t0 + 5000 });
    solo.push(info.run_id);
  }
  const model = `${name}-model`;
  await ml('POST', 'registered-models/create', { name: model });
  for (const c of children.slice(0, 2)) {
    await ml('POST', 'model-versions/create', { name: model, source: `${c.artifact_uri}/model`, run_id: c.run_id });
  }
  await ml('POST', 'registered-models/alias', { name: model, alias: 'champion', version: '1' });
  return {
    experimentId,
    parentId: parent.run_id,
    childIds: children.map((c) => c.run_id),
    soloIds: solo,
    model,
  };
}
