/**
 * Artifact proxy benchmark: uploads and downloads one large artifact (1 GiB by default)
 * through a real tsflow server running in a child process, while sampling the server's RSS
 * from /proc/<pid>/status every 50 ms. Streaming must keep the server's memory flat:
 * target growth < 64 MiB over the idle baseline, whatever the artifact size.
 *
 *   npm run build && node dist/bench/artifacts.bench.js [--mb 1024] [--store local|s3]
 *
 * `--store s3` puts the proxy's destination in an S3-compatible server (s3rver, started here in
 * its own child process) instead of a local directory: the server then streams every byte to
 * and from S3 (multipart upload) and its RSS must stay just as flat.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

const MiB = 1024 * 1024;
const TARGET_GROWTH_MIB = 64;
const SAMPLE_MS = 50;
const REPO = path.resolve(__dirname, '..', '..');

interface Transfer {
  bytes: number;
  seconds: number;
  sha256: string;
  peakRssMiB: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Samples RSS in the background; `peakSince(mark)` gives the maximum after a mark. */
class RssSampler {
  private readonly samples: Array<{ t: number; rss: number }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.sample();
  }

  sample(): number {
    const rss = rssMiB(this.pid);
    this.samples.push({ t: Date.now(), rss });
    return rss;
  }

  peakSince(t: number): number {
    return Math.max(...this.samples.filter((s) => s.t >= t).map((s) => s.rss));
  }

  get count(): number {
    return this.samples.length;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function request(
  port: number,
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
): http.ClientRequest {
  return http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false });
}

function responseOf(req: http.ClientRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
}

async function simple(port: number, method: string, urlPath: string): Promise<number> {
  const req = request(port, method, urlPath);
  req.end();
  const res = await responseOf(req);
  res.resume();
  await new Promise((r) => res.once('end', r));
  return res.statusCode ?? 0;
}

async function waitForHealth(port: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    if ((await simple(port, 'GET', '/health').catch(() => 0)) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy within 60 s');
}

/** `total` bytes of non-repeating data, generated chunk by chunk (never held in memory). */
function generated(total: number, hash: ReturnType<typeof createHash>): Readable {
  const base = randomBytes(MiB);
  let sent = 0;
  let index = 0;
  return new Readable({
    highWaterMark: MiB,
    read() {
      if (sent >= total) return this.push(null);
      const chunk = Buffer.from(base.subarray(0, Math.min(MiB, total - sent)));
      chunk.writeUInt32LE(index++, 0); // each chunk differs, so a misplaced chunk changes the digest
      hash.update(chunk);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

async function upload(port: number, urlPath: string, total: number, sampler: RssSampler): Promise<Transfer> {
  const hash = createHash('sha256');
  const start = Date.now();
  const req = request(port, 'PUT', urlPath, {
    'content-type': 'application/octet-stream',
    'content-length': String(total),
  });
  const response = responseOf(req);
  await pipeline(generated(total, hash), req);
  const res = await response;
  res.resume();
  if (res.statusCode !== 200) throw new Error(`upload answered ${res.statusCode}`);
  const seconds = (Date.now() - start) / 1000;
  return { bytes: total, seconds, sha256: hash.digest('hex'), peakRssMiB: sampler.peakSince(start) };
}

async function download(port: number, urlPath: string, sampler: RssSampler): Promise<Transfer> {
  const hash = createHash('sha256');
  const start = Date.now();
  const req = request(port, 'GET', urlPath);
  req.end();
  const res = await responseOf(req);
  if (res.statusCode !== 200) throw new Error(`download answered ${res.statusCode}`);
  let bytes = 0;
  const sink = new Writable({
    highWaterMark: MiB,
    write(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done();
    },
  });
  await pipeline(res, sink);
  const seconds = (Date.now() - start) / 1000;
  return { bytes, seconds, sha256: hash.digest('hex'), peakRssMiB: sampler.peakSince(start) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timeout);
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const mbps = (t: Transfer) => round(t.bytes / 1e6 / t.seconds);

/** s3rver (an npm dev dependency) in a child process on a free port, with one bucket. */
async function startS3rver(dir: string): Promise<{ child: ChildProcess; env: Record<string, string> }> {
  const port = await freePort();
  const bin = require.resolve('s3rver/bin/s3rver.js');
  const args = [bin, '-d', dir, '-a', '127.0.0.1', '-p', String(port), '--configure-bucket', 'bench', '--silent'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const until = Date.now() + 15_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    const up = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => (sock.end(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (up)
      return {
        child,
        env: {
          MLFLOW_S3_ENDPOINT_URL: `http://127.0.0.1:${port}`,
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
          MLFLOW_ARTIFACTS_DESTINATION: 's3://bench/artifacts',
        },
      };
  }
  throw new Error('s3rver did not start');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { mb: { type: 'string', default: '1024' }, store: { type: 'string', default: 'local' } },
  });
  const total = Number(values.mb) * MiB;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-artifacts-bench-'));
  const port = await freePort();
  const s3 = values.store === 's3' ? await startS3rver(path.join(tmp, 's3')) : undefined;
  const child = spawn(
    process.execPath,
    [
      'bin/tsflow.js',
      'server',
      '--port',
      String(port),
      '--backend-store-uri',
      `sqlite:///${tmp}/b.db`,
      ...(s3 ? [] : ['--artifacts-destination', `${tmp}/art`]),
    ],
    {
      cwd: REPO,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'warn', ...(s3?.env ?? {}) },
    },
  );
  let sampler: RssSampler | undefined;
  try {
    await waitForHealth(port, child);
    sampler = new RssSampler(child.pid as number);
    const file = '/api/2.0/mlflow-artifacts/artifacts/0/bench/artifacts/big.bin';
    // Warm up the code paths (JIT, lazy modules) so the baseline is the steady idle state.
    await upload(port, '/api/2.0/mlflow-artifacts/artifacts/warmup.bin', 4 * MiB, sampler);
    await download(port, '/api/2.0/mlflow-artifacts/artifacts/warmup.bin', sampler);
    await new Promise((r) => setTimeout(r, 1000));
    const baselineStart = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    const baseline = sampler.peakSince(baselineStart);

    const up = await upload(port, file, total, sampler);
    const down = await download(port, file, sampler);
    const peak = Math.max(up.peakRssMiB, down.peakRssMiB);
    const deleted = await simple(port, 'DELETE', '/api/2.0/mlflow-artifacts/artifacts/0/bench');
    const result = {
      store: values.store,
      artifactMiB: total / MiB,
      samples: sampler.count,
      baselineRssMiB: round(baseline),
      peakRssMiB: round(peak),
      growthMiB: round(peak - baseline),
      targetGrowthMiB: TARGET_GROWTH_MIB,
      withinTarget: peak - baseline < TARGET_GROWTH_MIB,
      upload: { seconds: round(up.seconds, 2), MBps: mbps(up), peakRssMiB: round(up.peakRssMiB) },
      download: { seconds: round(down.seconds, 2), MBps: mbps(down), peakRssMiB: round(down.peakRssMiB) },
      sha256Equal: up.sha256 === down.sha256 && down.bytes === total,
      sha256: down.sha256,
      cleanupDeleteStatus: deleted,
    };
    console.log(JSON.stringify(result, null, 2));
    console.table({
      'baseline RSS (MiB)': { value: result.baselineRssMiB },
      'peak RSS (MiB)': { value: result.peakRssMiB },
      [`growth (MiB, target < ${TARGET_GROWTH_MIB})`]: { value: result.growthMiB },
      'upload (MB/s)': { value: result.upload.MBps },
      'download (MB/s)': { value: result.download.MBps },
      'sha256 equal': { value: result.sha256Equal },
    });
    if (!result.sha256Equal) process.exitCode = 1;
  } finally {
    sampler?.stop();
    await stop(child);
    if (s3) await stop(s3.child);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
