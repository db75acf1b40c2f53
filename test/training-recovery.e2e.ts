import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';

const BODY = {
  dataset: { ticker: 'MSFT', source: 'sample', start_date: '2023-06-01', end_date: '2024-06-30' },
  params: { seq_length: 5, units: 4, epochs: 1 },
};

describe('pending jobs survive an API restart (embedded driver)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-recovery-'));
  const env = {
    MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(dir, 'shared.db')}`,
    MLFLOW_ARTIFACTS_DESTINATION: path.join(dir, 'artifacts'),
    TSFLOW_WORKER_CONCURRENCY: '1',
  };
  let second: TestServer | undefined;
  afterAll(async () => {
    await second?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('re-queues jobs still queued in the database when the next server starts', async () => {
    const first = await startServer({ env });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await http(first.url, 'POST', '/api/v1/training/runs', BODY);
      expect(res.status).toBe(202);
      ids.push(res.body.job_id);
    }
    // Concurrency 1: at most one job started; the others are still queued when the API stops.
    await first.app.close();
    fs.rmSync(first.dir, { recursive: true, force: true });
    const states = await Promise.all(
      ids.map(
        async (id) => (await http(first.url, 'GET', `/api/v1/training/runs/${id}`).catch(() => undefined))?.body?.state,
      ),
    );
    expect(states.every((s) => s === undefined)).toBe(true); // the first server is gone

    second = await startServer({ env });
    const deadline = Date.now() + 90_000;
    let last: string[] = [];
    while (Date.now() < deadline) {
      last = await Promise.all(
        ids.slice(1).map(async (id) => (await http(second!.url, 'GET', `/api/v1/training/runs/${id}`)).body.state),
      );
      if (last.every((s) => s === 'completed')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(last).toEqual(['completed', 'completed']);
  });
});
