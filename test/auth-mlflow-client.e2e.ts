import MLflow from 'mlflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { http, startServer, TestServer } from './support/server';

/** The client's rejections are `Error("Error: {status, statusText, data}")`. */
async function failure(promise: Promise<unknown>): Promise<{ status: number; data: { error_code: string } }> {
  try {
    await promise;
  } catch (err) {
    return JSON.parse(String((err as Error).message).replace(/^Error: /, ''));
  }
  throw new Error('expected the client call to fail');
}

const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

/**
 * The npm `mlflow` client with the headers MLflow's clients send for MLFLOW_TRACKING_USERNAME /
 * MLFLOW_TRACKING_PASSWORD (basic) and MLFLOW_TRACKING_TOKEN (bearer), against basic-auth mode.
 */
describe('npm mlflow client with basic-auth on', () => {
  let s: TestServer;
  const admin = basic('admin', 'client-admin-pw');
  beforeAll(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    s = await startServer({ env: { TSFLOW_APP_NAME: 'basic-auth', TSFLOW_ADMIN_PASSWORD: 'client-admin-pw' } });
    for (const u of ['dana', 'eli'])
      await http(s.url, 'POST', '/api/2.0/mlflow/users/create', { username: u, password: `${u}-password` }, admin);
  }, 60_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await s?.close();
  });

  it('logs a run with username/password, then with a token; others get 403 and change nothing; nobody gets 401', async () => {
    const dana = new MLflow({ endpoint: s.url, headers: basic('dana', 'dana-password') });
    const { experiment_id } = await dana.Experiments.create({
      name: 'dana-exp',
      artifact_location: undefined as never,
    });
    const { run } = await dana.Runs.create({ experiment_id, start_time: Date.now(), tags: [] } as never);
    await dana.Runs.logMetric({ run_id: run.info.run_id, key: 'loss', value: 0.5, timestamp: Date.now(), step: 0 });

    const token = (await http(s.url, 'POST', '/api/v1/auth/tokens', {}, basic('dana', 'dana-password'))).body.token;
    const withToken = new MLflow({ endpoint: s.url, headers: { Authorization: `Bearer ${token}` } });
    await withToken.Runs.logMetric({
      run_id: run.info.run_id,
      key: 'loss',
      value: 0.25,
      timestamp: Date.now(),
      step: 1,
    });
    const history = await withToken.Metrics.getHistory({ run_id: run.info.run_id, metric_key: 'loss' } as never);
    expect(history.metrics.map((m: { value: number }) => m.value)).toEqual([0.5, 0.25]);

    const eli = new MLflow({ endpoint: s.url, headers: basic('eli', 'eli-password') });
    const denied = await failure(
      eli.Runs.logMetric({ run_id: run.info.run_id, key: 'loss', value: 9, timestamp: Date.now(), step: 2 }),
    );
    expect([denied.status, denied.data.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    const deleted = await failure(eli.Experiments.delete({ experiment_id }));
    expect(deleted.status).toBe(403);
    // eli may read (default READ), and sees nothing changed
    const after = await eli.Metrics.getHistory({ run_id: run.info.run_id, metric_key: 'loss' } as never);
    expect(after.metrics).toHaveLength(2);
    expect((await eli.Experiments.get({ experiment_id })).experiment.lifecycle_stage).toBe('active');

    const anonymous = new MLflow({ endpoint: s.url });
    const unauth = await failure(anonymous.Experiments.get({ experiment_id }));
    expect([unauth.status, unauth.data.error_code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
