/** Minimal JSON client for the MLflow REST API (setup and seeding, not load generation). */
export async function api<T = any>(
  base: string,
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
): Promise<T> {
  const res = await fetch(`${base}/api/2.0/mlflow/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Run `task(i)` for i in [0, n) with at most `limit` in flight. */
export async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

export async function createExperiment(base: string, name: string): Promise<string> {
  const r = await api<{ experiment_id: string }>(base, 'experiments/create', { name });
  return r.experiment_id;
}

export async function createRun(
  base: string,
  experimentId: string,
  tags: { key: string; value: string }[] = [],
): Promise<string> {
  const r = await api<{ run: { info: { run_id: string } } }>(base, 'runs/create', {
    experiment_id: experimentId,
    start_time: Date.now(),
    tags,
  });
  return r.run.info.run_id;
}
