import * as net from 'node:net';

/** Requests no HTTP client library would send: short bodies, lying lengths, broken request lines. */
export const RAW_CASES: { name: string; raw: (host: string) => string }[] = [
  {
    name: 'body shorter than Content-Length',
    raw: (h) =>
      `POST /api/2.0/mlflow/runs/log-batch HTTP/1.1\r\nhost: ${h}\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"run_id":`,
  },
  {
    name: 'GET with a short JSON body',
    raw: (h) =>
      `GET /api/2.0/mlflow/experiments/get HTTP/1.1\r\nhost: ${h}\r\ncontent-type: application/json\r\ncontent-length: 80\r\n\r\n{"experiment_id"`,
  },
  {
    name: 'short CSV upload',
    raw: (h) =>
      `PUT /api/v1/training/datasets/x HTTP/1.1\r\nhost: ${h}\r\ncontent-type: text/csv\r\ncontent-length: 1000\r\n\r\nDate,Open,High,Low,Close,Adj Close,Volume\n`,
  },
  {
    name: 'short artifact upload',
    raw: (h) =>
      `PUT /api/2.0/mlflow-artifacts/artifacts/0/x/a.bin HTTP/1.1\r\nhost: ${h}\r\ncontent-type: application/octet-stream\r\ncontent-length: 1000\r\n\r\nabc`,
  },
  {
    name: 'short scoring input',
    raw: (h) =>
      `POST /invocations HTTP/1.1\r\nhost: ${h}\r\ncontent-type: application/json\r\ncontent-length: 300\r\n\r\n{"inputs": [`,
  },
  {
    name: 'invalid Content-Length',
    raw: (h) =>
      `POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nhost: ${h}\r\ncontent-type: application/json\r\ncontent-length: abc\r\n\r\n{}`,
  },
  {
    name: 'two Content-Lengths',
    raw: (h) =>
      `POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nhost: ${h}\r\ncontent-type: application/json\r\ncontent-length: 2\r\ncontent-length: 5\r\n\r\n{}`,
  },
  { name: 'garbage request line', raw: () => `HELLO\r\n\r\n` },
  { name: 'bad percent escape', raw: (h) => `GET /api/2.0/mlflow/runs/get?run_id=%zz HTTP/1.1\r\nhost: ${h}\r\n\r\n` },
  {
    name: 'chunked JSON cut short',
    raw: (h) =>
      `POST /api/2.0/mlflow/runs/search HTTP/1.1\r\nhost: ${h}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"max`,
  },
];

export interface RawOutcome {
  name: string;
  /** HTTP status, or 0 when the server closed without an answer, -1 when nothing came in time. */
  status: number;
  ms: number;
}

function one(base: string, raw: string, waitMs: number): Promise<{ status: number; ms: number }> {
  const url = new URL(base);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let data = '';
    let settled = false;
    const finish = (status: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(-1), waitMs);
    socket.on('data', (c) => {
      data += c.toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (m && data.includes('\r\n\r\n')) finish(Number(m[1]));
    });
    socket.on('close', () => finish(0));
    socket.on('error', () => finish(0));
    socket.write(raw);
  });
}

/** Every raw case; a case "hangs" when nothing (not even a close) comes within `waitMs`. */
export async function runRawCases(base: string, waitMs: number): Promise<RawOutcome[]> {
  const host = new URL(base).host;
  return Promise.all(RAW_CASES.map(async (c) => ({ name: c.name, ...(await one(base, c.raw(host), waitMs)) })));
}
