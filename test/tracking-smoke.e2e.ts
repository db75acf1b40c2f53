import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';

describe('tracking server smoke (sqlite)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves /health, /version and the Default experiment', async () => {
    expect((await http(server.url, 'GET', '/health')).text).toBe('OK');
    expect((await http(server.url, 'GET', '/version')).text).toMatch(/^\d+\.\d+\.\d+$/);
    const res = await http(server.url, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(res.status).toBe(200);
    expect(res.body.experiment).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' });
  });
});
