import * as nodeHttp from 'node:http';
import { expect } from 'vitest';
import { TEST_POSTGRES_URL } from './postgres';
import { http } from './server';

/** Backends for `describe.each`; Postgres only when TEST_POSTGRES_URL is set. */
export const BACKENDS = [
  { db: 'sqlite' as const, skip: false },
  { db: 'postgres' as const, skip: !TEST_POSTGRES_URL },
];

export const PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;

export type Query = Record<string, string | number | boolean | (string | number)[] | undefined>;

export interface Res {
  status: number;
  body: any;
  text: string;
  headers: Headers | nodeHttp.IncomingHttpHeaders;
}

/** Query string with repeated keys for arrays (MLflow's GET convention). */
export function qs(query: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) p.append(k, String(item));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * Raw HTTP with full control over method, body and headers (fetch refuses GET bodies and
 * always adds a Content-Type to string bodies).
 */
export function raw(
  base: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Res> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = nodeHttp.request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Asserts an MLflow error: the status, `error_code`, and (optionally) a message fragment. */
export function expectError(res: Res, status: number, code: string, message?: string | RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body?.error_code, res.text).toBe(code);
  if (typeof message === 'string') expect(res.body.message).toContain(message);
  else if (message) expect(res.body.message).toMatch(message);
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;

export interface MetricIn {
  key: string;
  value: number | string;
  timestamp: number;
  step?: number;
}

/** Thin client over the MLflow REST routes, for test readability. */
export class TrackingApi {
  constructor(
    readonly base: string,
    readonly prefix: string = PREFIXES[0],
  ) {}

  post(path: string, body: unknown): Promise<Res> {
    return http(this.base, 'POST', `${this.prefix}/${path}`, body);
  }

  get(path: string, query: Query = {}): Promise<Res> {
    return http(this.base, 'GET', `${this.prefix}/${path}${qs(query)}`);
  }

  private check(res: Res, what: string): any {
    if (res.status !== 200) throw new Error(`${what} -> ${res.status} ${res.text}`);
    return res.body;
  }

  async okPost(path: string, body: unknown): Promise<any> {
    return this.check(await this.post(path, body), `POST ${path} ${JSON.stringify(body).slice(0, 300)}`);
  }

  async okGet(path: string, query: Query = {}): Promise<any> {
    return this.check(await this.get(path, query), `GET ${path}${qs(query)}`);
  }

  async createExperiment(name = unique('exp'), extra: Record<string, unknown> = {}): Promise<string> {
    return (await this.okPost('experiments/create', { name, ...extra })).experiment_id;
  }

  async getExperiment(id: string): Promise<any> {
    return (await this.okGet('experiments/get', { experiment_id: id })).experiment;
  }

  async createRun(experimentId: string, extra: Record<string, unknown> = {}): Promise<any> {
    return (await this.okPost('runs/create', { experiment_id: experimentId, ...extra })).run;
  }

  async getRun(runId: string): Promise<any> {
    return (await this.okGet('runs/get', { run_id: runId })).run;
  }

  async logBatch(runId: string, batch: { metrics?: MetricIn[]; params?: unknown[]; tags?: unknown[] }): Promise<void> {
    await this.okPost('runs/log-batch', { run_id: runId, ...batch });
  }

  async logMetric(runId: string, key: string, value: number | string, timestamp: number, step = 0): Promise<void> {
    await this.okPost('runs/log-metric', { run_id: runId, key, value, timestamp, step });
  }

  async history(runId: string, key: string, query: Query = {}): Promise<any> {
    return this.okGet('metrics/get-history', { run_id: runId, metric_key: key, ...query });
  }

  async searchRuns(body: Record<string, unknown>): Promise<{ runs?: any[]; next_page_token?: string }> {
    return this.okPost('runs/search', body);
  }

  /** Ids of matching runs, in response order (one page). */
  async searchIds(
    experimentIds: string[],
    filter?: string,
    orderBy?: string[],
    extra: Record<string, unknown> = {},
  ): Promise<string[]> {
    const res = await this.searchRuns({ experiment_ids: experimentIds, filter, order_by: orderBy, ...extra });
    return (res.runs ?? []).map((r: any) => r.info.run_id);
  }
}

/** Tag/param list as a plain object, for order-insensitive assertions. */
export function kvObject(items: { key: string; value: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((items ?? []).map((i) => [i.key, i.value]));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
