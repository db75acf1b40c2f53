import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowRestSource } from './mlflow-rest.source';

/**
 * The trace routes of an MLflow 2.x server, replayed: no MLflow 2.x can run here, so this answers
 * what MLflow 2.17's Flask app answers (mlflow/server/__init__.py and handlers.py): a v3 route is
 * Flask's HTML 404, and `GET /api/2.0/mlflow/traces` pages SearchTraces responses (TraceInfo v2).
 * Everything else of the 2.x API is tested against real servers in test/import*.e2e.ts.
 */
const FLASK_404 =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
  '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

const v2Trace = (id: string, status: string) => ({
  request_id: id,
  experiment_id: '1',
  timestamp_ms: 1_717_000_000_000,
  execution_time_ms: 12,
  status,
  request_metadata: [
    { key: 'mlflow.traceOutputs', value: '5' },
    { key: 'mlflow.traceInputs', value: '{"a": 2, "b": 3}' },
  ],
  tags: [
    { key: 'mlflow.traceName', value: 'add' },
    { key: 'mlflow.artifactLocation', value: `mlflow-artifacts:/1/traces/${id}/artifacts` },
  ],
});

describe('REST source: traces of an MLflow 2.x server (v3 routes absent)', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname.startsWith('/api/3.0/')) {
        res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(FLASK_404);
      } else if (req.method === 'GET' && u.pathname === '/api/2.0/mlflow/traces') {
        const page = u.searchParams.get('page_token') === 'p2' ? 2 : 1;
        const body =
          page === 1
            ? { traces: [v2Trace('a1', 'OK'), v2Trace('b2', 'TRACE_STATUS_UNSPECIFIED')], next_page_token: 'p2' }
            : { traces: [v2Trace('c3', 'ERROR')] };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('falls back to GET /api/2.0/mlflow/traces, pages through it, spans stay in traces.json', async () => {
    const pages = [];
    for await (const page of new MlflowRestSource(url).traces('1')) pages.push(page);
    const traces = pages.flat();
    expect(traces.map((t) => [t.traceId, t.state])).toEqual([
      ['a1', 'OK'],
      ['b2', 'STATE_UNSPECIFIED'],
      ['c3', 'ERROR'],
    ]);
    expect(traces[0]).toMatchObject({
      experimentId: '1',
      requestTimeMs: 1_717_000_000_000,
      executionDurationMs: 12,
      spans: null,
      assessments: [],
      // Sorted by key, so a re-listing in another order is no change.
      metadata: [
        { key: 'mlflow.traceInputs', value: '{"a": 2, "b": 3}' },
        { key: 'mlflow.traceOutputs', value: '5' },
      ],
    });
    expect(seen.filter((s) => s.startsWith('POST /api/3.0'))).toHaveLength(1);
    expect(seen.filter((s) => s.startsWith('GET /api/2.0/mlflow/traces'))).toHaveLength(2);
  });
});
