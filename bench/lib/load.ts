/**
 * Closed-loop load with autocannon: `connections` keep-alive clients, each sending its next
 * request as soon as the previous answer arrives, for a fixed duration.
 *
 * Per-client state ("each client owns one run") uses autocannon's `setupClient` hook: every
 * connection gets an index 0..n-1 and its own request list whose `setupRequest` asks
 * `next(index)` for the request to send. autocannon resets the per-request `context` after
 * every pass over the request list, so state lives in the caller's closure instead, which
 * also lets it survive from the warm-up to the measured run (unique param keys keep counting).
 */

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface LoadSpec {
  url: string;
  connections: number;
  durationSec: number;
  /** The next request of connection `conn` (0-based); called once per request sent. */
  next: (conn: number) => LoadRequest;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  reqPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Status and body of the first non-2xx answer, to explain failures. */
  firstFailure?: string;
}

interface AutocannonClient {
  setRequests(requests: unknown[]): void;
}

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}

interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}

// autocannon ships no type declarations; this is the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => AutocannonInstance;

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let nextConn = 0;
  let firstFailure: string | undefined;
  const onResponse = (status: number, body: string) => {
    if ((status < 200 || status >= 300) && firstFailure === undefined)
      firstFailure = `${status} ${String(body).slice(0, 300)}`;
  };
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: 30,
    headers: { 'content-type': 'application/json' },
    setupClient: (client: AutocannonClient) => {
      const conn = nextConn++;
      client.setRequests([{ setupRequest: (req: object) => ({ ...req, ...spec.next(conn) }), onResponse }]);
    },
  });
  // Exact percentiles from every response (autocannon's histogram has no p95).
  const latencies: number[] = [];
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const r = await instance;
  latencies.sort((a, b) => a - b);
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));
  return {
    requests: r.requests.total,
    durationSec: r.duration,
    reqPerSec: round(r.requests.total / r.duration, 1),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1] ?? NaN),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    firstFailure,
  };
}
