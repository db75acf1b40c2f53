import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMlflowError } from '../src/common/mlflow-exception.filter';
import { http, startServer, TestServer } from './support/server';
import { requestText, socketRequest } from './support/socket-http';

const API = '/api/2.0/mlflow';

describe('HTTP edge: hosts, CORS, body timeouts, large bodies, draining', () => {
  let s: TestServer;
  let host: string;
  beforeAll(async () => {
    s = await startServer({
      env: {
        MLFLOW_SERVER_CORS_ALLOWED_ORIGINS: 'https://ui.example.com',
        TSFLOW_BODY_IDLE_TIMEOUT_MS: '500',
        TSFLOW_LARGE_BODY_MB: '0.01',
        TSFLOW_MAX_CONCURRENT_LARGE_BODIES: '1',
      },
    });
    host = new URL(s.url).host;
  }, 60_000);
  afterAll(async () => s?.close());

  it('refuses a Host header outside the allow-list (DNS rebinding), accepts loopback names', async () => {
    const evil = await socketRequest(s.url, requestText('GET', '/health', { host: 'attacker.example.com' }));
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error_code).toBe('PERMISSION_DENIED');
    const port = new URL(s.url).port;
    for (const name of [`localhost:${port}`, `127.0.0.1:${port}`])
      expect((await socketRequest(s.url, requestText('GET', '/health', { host: name }))).status).toBe(200);
  });

  it('CORS: an allowed origin gets the headers and a preflight; another origin cannot change state', async () => {
    const ok = await http(s.url, 'GET', '/health', undefined, { origin: 'https://ui.example.com' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://ui.example.com');
    const preflight = await http(s.url, 'OPTIONS', `${API}/experiments/create`, undefined, {
      origin: 'https://ui.example.com',
      'access-control-request-method': 'POST',
    });
    expect(preflight.status).toBe(204);
    const name = `cors-${Date.now()}`;
    const blocked = await http(
      s.url,
      'POST',
      `${API}/experiments/create`,
      { name },
      { origin: 'https://evil.example' },
    );
    expect([blocked.status, blocked.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    const lookup = await http(s.url, 'GET', `${API}/experiments/get-by-name?experiment_name=${name}`);
    expect(lookup.status).toBe(404);
    // The server's own pages (same origin) may post.
    const same = await http(s.url, 'POST', `${API}/experiments/create`, { name }, { origin: s.url });
    expect(same.status).toBe(200);
  });

  it('a body shorter than its Content-Length gets 408 after the idle timeout instead of hanging', async () => {
    const started = Date.now();
    const res = await socketRequest(
      s.url,
      requestText(
        'POST',
        `${API}/experiments/create`,
        { host, 'content-type': 'application/json', 'content-length': '100' },
        '{"name":',
      ),
      { waitMs: 5000 },
    );
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body).error_code).toBe('REQUEST_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('caps concurrent large bodies with 503 and Retry-After', async () => {
    const big = 20_000;
    const slow = await socketRequest(
      s.url,
      requestText(
        'POST',
        `${API}/experiments/create`,
        { host, 'content-type': 'application/json', 'content-length': String(big) },
        '{"name": "',
      ),
      { waitMs: 100, keepOpen: true },
    );
    const second = await http(s.url, 'POST', `${API}/experiments/create`, { name: 'x'.repeat(big) });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(second.body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
    slow.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await http(s.url, 'POST', `${API}/experiments/search`, { max_results: 1 })).status).toBe(200);
  });

  it('a client that aborts its body is a 400 for the filter (not an ERROR with a stack)', async () => {
    const err = toMlflowError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    expect(err.status).toBe(400);
    const partial = await socketRequest(
      s.url,
      requestText(
        'POST',
        `${API}/runs/log-batch`,
        { host, 'content-type': 'application/json', 'content-length': '50' },
        '{',
      ),
      { waitMs: 50 },
    );
    expect(partial.status).toBe(0);
    expect((await http(s.url, 'GET', '/health')).status).toBe(200);
  });
});

describe('HTTP edge: shutdown', () => {
  it('answers MLflow-shaped 503s while draining, then closes', async () => {
    const s = await startServer({ env: { TSFLOW_BODY_IDLE_TIMEOUT_MS: '2000' } });
    const host = new URL(s.url).host;
    // A request in flight keeps the server draining for a moment.
    const slow = socketRequest(
      s.url,
      requestText(
        'POST',
        `${API}/experiments/create`,
        { host, 'content-type': 'application/json', 'content-length': '40' },
        '{',
      ),
      { waitMs: 5000 },
    );
    await new Promise((r) => setTimeout(r, 100));
    const closing = s.close();
    await new Promise((r) => setTimeout(r, 100));
    const during = await socketRequest(s.url, requestText('GET', '/version', { host }), { waitMs: 3000 });
    expect(during.status).toBe(503);
    expect(JSON.parse(during.body)).toMatchObject({ error_code: 'TEMPORARILY_UNAVAILABLE' });
    expect((await slow).status).toBe(408);
    await closing;
  }, 30_000);
});
