import * as http from 'node:http';

function get(base: string, method: string, path: string, body: unknown, headers: Record<string, string>) {
  const url = new URL(base);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<unknown>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent: false,
        headers: {
          ...headers,
          ...(data ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode, body: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode, text });
          }
        });
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/**
 * What the server holds, as seen through its read APIs: experiments (deleted too), their runs
 * and logged models, registered models and versions, uploaded datasets, grid searches and the
 * artifact root. Equal fingerprints before and after a rejected request: it changed nothing.
 */
export async function fingerprint(base: string, headers: Record<string, string> = {}): Promise<string> {
  const api = '/api/2.0/mlflow';
  const experiments = (await get(
    base,
    'POST',
    `${api}/experiments/search`,
    { max_results: 1000, view_type: 'ALL' },
    headers,
  )) as {
    body?: { experiments?: { experiment_id: string }[] };
  };
  const ids = (experiments.body?.experiments ?? []).map((e) => e.experiment_id);
  const parts = await Promise.all([
    ids.length
      ? get(
          base,
          'POST',
          `${api}/runs/search`,
          { experiment_ids: ids, max_results: 1000, run_view_type: 'ALL' },
          headers,
        )
      : null,
    ids.length
      ? get(base, 'POST', `${api}/logged-models/search`, { experiment_ids: ids, max_results: 100 }, headers)
      : null,
    get(base, 'GET', `${api}/registered-models/search?max_results=1000`, undefined, headers),
    get(base, 'GET', `${api}/model-versions/search?max_results=1000`, undefined, headers),
    get(base, 'GET', '/api/v1/training/datasets', undefined, headers),
    get(base, 'GET', '/api/v1/training/grid-searches?max_results=1000', undefined, headers),
    get(base, 'GET', '/api/2.0/mlflow-artifacts/artifacts', undefined, headers),
  ]);
  return JSON.stringify([experiments, ...parts]);
}
