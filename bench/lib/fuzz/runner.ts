import * as http from 'node:http';
import type { FuzzRequest } from './requests';

export interface FuzzResult {
  request: FuzzRequest;
  /** 0: no answer within the timeout (a hang) or the connection failed. */
  status: number;
  body: string;
  ms: number;
  error?: string;
}

/** One request, the path sent byte for byte, with a deadline. */
export function send(base: string, req: FuzzRequest, timeoutMs: number): Promise<FuzzResult> {
  const url = new URL(base);
  const started = Date.now();
  const named: Record<string, string | string[]> = { ...req.headers };
  if (req.body !== undefined) named['content-length'] = String(Buffer.byteLength(req.body));
  // As a flat [name, value, ...] list, so a header can be sent twice (Node refuses a list for Host).
  const headers = Object.entries(named).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).flatMap((v) => [name, v.replace('$HOST', url.host)]),
  );
  if (named.host === undefined) headers.push('host', url.host);
  return new Promise((resolve) => {
    let settled = false;
    const done = (status: number, body: string, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ request: req, status, body, ms: Date.now() - started, error });
    };
    const r = http.request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size < 64 * 1024) chunks.push(c);
        });
        res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
        res.on('error', (e) => done(res.statusCode ?? 0, '', e.message));
      },
    );
    const timer = setTimeout(() => {
      r.destroy();
      done(0, '', `no answer within ${timeoutMs} ms`);
    }, timeoutMs);
    r.on('error', (e) => done(0, '', e.message));
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

export interface FuzzStats {
  total: number;
  byStatus: Record<string, number>;
  serverErrors: FuzzResult[];
  hangs: FuzzResult[];
  /** Routes (operations) that answered at least one 2xx: the fuzzer got past validation there. */
  reachedOps: number;
  ms: number;
}

/** Sends every request, `concurrency` at a time. */
export async function runAll(
  base: string,
  requests: FuzzRequest[],
  opts: { concurrency?: number; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<FuzzStats> {
  const started = Date.now();
  const results: FuzzResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const req = requests[next++];
      // Base headers (credentials) under the generated ones, which may replace them with bad ones.
      const sent = opts.headers ? { ...req, headers: { ...opts.headers, ...req.headers } } : req;
      results.push(await send(base, sent, opts.timeoutMs ?? 15_000));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  return summarise(results, Date.now() - started);
}

export function summarise(results: FuzzResult[], ms: number): FuzzStats {
  const byStatus: Record<string, number> = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return {
    total: results.length,
    byStatus,
    // 503 (busy, no champion yet) and 501 (MLflow's answer to multipart uploads on a local store) are meant.
    serverErrors: results.filter((r) => r.status >= 500 && r.status !== 503 && r.status !== 501),
    hangs: results.filter((r) => r.status === 0),
    reachedOps: new Set(results.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.request.op)).size,
    ms,
  };
}

/** A short line per failure, for assertion messages and the bench report. */
export function describeFailure(r: FuzzResult): string {
  const body = r.request.body === undefined ? '' : ` body=${JSON.stringify(r.request.body.slice(0, 200))}`;
  return `${r.status} ${r.request.method} ${r.request.path.slice(0, 200)}${body} -> ${(r.error ?? r.body).slice(0, 200)}`;
}
