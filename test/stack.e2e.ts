import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../bench/lib/server-process';
import { TEST_POSTGRES_URL } from './support/postgres';
import { http } from './support/server';
import { waitFor } from './support/serving';
import { TEST_REDIS_URL } from './support/redis';

const REDIS_URL = TEST_REDIS_URL;
const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'dist', 'scripts', 'stack.js');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `npm run stack` as a user runs it (compiled script, real child processes): API + worker on
 * a fresh Postgres database it creates and a unique Redis prefix; a training run submitted to
 * the API is completed by the stack's worker; the champion is served; Ctrl-C stops it all.
 * Needs `npm run build` first (npm test does it).
 */
const ADMIN_PASSWORD = 'stack-admin-password';
const AUTH = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` };

describe.skipIf(!TEST_POSTGRES_URL)('npm run stack (API + worker without Docker)', () => {
  const database = `tsflow_stack_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-stack-'));
  let stack: ChildProcess;
  let output = '';
  let url: string;

  beforeAll(async () => {
    if (!fs.existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run npm run build first`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const dbUrl = new URL(TEST_POSTGRES_URL as string);
    dbUrl.pathname = `/${database}`;
    stack = spawn(
      process.execPath,
      [
        SCRIPT,
        '--port',
        String(port),
        '--prefix',
        `tsflow-stack-${database}`,
        '--database-url',
        dbUrl.toString(),
        '--redis-url',
        REDIS_URL,
        '--artifacts',
        artifacts,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          LOG_LEVEL: 'log',
          TSFLOW_DEFAULT_MODEL: 'stack-model',
          TSFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    stack.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    stack.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    await waitFor(() => output.includes('[stack] ready') || stack.exitCode !== null, 'the stack to be ready', 90_000);
    expect(stack.exitCode, output).toBeNull();
  }, 120_000);

  afterAll(async () => {
    if (stack && stack.exitCode === null) {
      stack.kill('SIGKILL');
      for (const m of output.matchAll(/started \(pid (\d+)\)/g))
        if (alive(Number(m[1]))) process.kill(Number(m[1]), 'SIGKILL');
    }
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => admin.end());
    fs.rmSync(artifacts, { recursive: true, force: true });
  });

  it('creates the database, prints the URLs and answers /health', async () => {
    expect(output).toContain(`created database ${database}`);
    expect(output).toContain(`API / MLflow tracking URI  ${url}`);
    expect(output).toContain(`${url}/metrics`);
    await waitFor(() => /\[worker-1\] .*consuming 'training'/.test(output), 'the worker', 30_000);
    expect((await http(url, 'GET', '/health')).text).toBe('OK');
  });

  it("the stack's worker completes a training run; its model is promoted and served", async () => {
    const spec = {
      dataset: { ticker: 'MSFT', source: 'sample', start_date: '2023-01-01', end_date: '2024-06-30' },
      params: { units: 4, epochs: 1, seq_length: 5 },
    };
    // basic-auth is on in the stack: no credentials, no training.
    expect((await http(url, 'POST', '/api/v1/training/runs', spec)).status).toBe(401);
    const submitted = await http(url, 'POST', '/api/v1/training/runs', spec, AUTH);
    expect(submitted.status, submitted.text).toBe(202);
    const job = await waitFor(
      async () => {
        const r = await http(url, 'GET', `/api/v1/training/runs/${submitted.body.job_id}`, undefined, AUTH);
        if (r.body?.state === 'failed') throw new Error(`training failed: ${r.text}`);
        return r.body?.state === 'completed' ? r.body : undefined;
      },
      'the training job',
      90_000,
    );
    expect(job.run_id).toBe(submitted.body.run_id);
    const promoted = await http(url, 'POST', '/api/v1/models/stack-model/champion', { run_id: job.run_id }, AUTH);
    expect(promoted.status, promoted.text).toBe(200);
    const r = await waitFor(
      async () => {
        // seq_length + 1 closes: the default return model's inputs are returns.
        const p = await http(url, 'POST', '/predict', { values: [407, 410, 412, 409, 415, 418] }, AUTH);
        return p.status === 200 ? p : undefined;
      },
      'the champion',
      30_000,
    );
    expect(r.body.model).toMatchObject({ name: 'stack-model', version: '1', run_id: job.run_id });
    expect(Number.isFinite(r.body.predictions[0])).toBe(true);
    // Job gauges read from Postgres, queue depth from BullMQ.
    const metrics = (await http(url, 'GET', '/metrics')).text;
    expect(metrics).toContain('tsflow_training_jobs{kind="run",state="completed"} 1');
    expect(metrics).toContain('tsflow_queue_depth{state="waiting"} 0');
    expect(metrics).toContain('tsflow_champion_version{model="stack-model"} 1');
  }, 150_000);

  it('Ctrl-C stops the API and the worker', async () => {
    const pids = [...output.matchAll(/started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    const exit = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    stack.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  }, 30_000);
});
