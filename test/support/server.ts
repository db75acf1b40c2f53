import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/main';
import { createTestDatabase, TestDatabase } from './postgres';

export interface TestServer {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  app: NestFastifyApplication;
  config: AppConfig;
  /** Temporary directory holding the sqlite file and the artifact root. */
  dir: string;
  close(): Promise<void>;
}

export interface StartOptions {
  database?: 'sqlite' | 'postgres';
  /** Extra environment (same names as production config). */
  env?: Record<string, string>;
}

/**
 * Start the real HTTP server on a random port with its own sqlite file (or a fresh Postgres
 * database) and artifact directory.
 */
export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-test-'));
  let pg: TestDatabase | undefined;
  const env: Record<string, string> = {
    MLFLOW_HOST: '127.0.0.1',
    MLFLOW_PORT: '0',
    MLFLOW_ARTIFACTS_DESTINATION: path.join(dir, 'artifacts'),
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  if (opts.database === 'postgres') {
    pg = await createTestDatabase();
    env.MLFLOW_BACKEND_STORE_URI = pg.url;
  } else if (!env.MLFLOW_BACKEND_STORE_URI) {
    env.MLFLOW_BACKEND_STORE_URI = `sqlite:///${path.join(dir, 'tsflow.db')}`;
  }
  const config = loadConfig(env, dir);
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    config,
    dir,
    async close() {
      await app.close();
      await pg?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POST/GET helpers that return status and parsed JSON, for raw-HTTP tests following the spec. */
export async function http(
  base: string,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!('content-type' in (init.headers as Record<string, string>))) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
  }
  const res = await fetch(`${base}${urlPath}`, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}
