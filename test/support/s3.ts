import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

const S3RVER_BIN = require.resolve('s3rver/bin/s3rver.js');

/** s3rver's fixed credentials (it verifies SigV4 signatures against them). */
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3 {
  endpoint: string;
  /** Server environment for an S3-backed tsflow (endpoint and credentials through the typed config). */
  env: Record<string, string>;
  client: S3Client;
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts s3rver's CLI on port 0 and reads the port it prints. */
function spawnS3rver(dir: string, buckets: string[]): Promise<{ child: ChildProcess; port: number }> {
  const args = [S3RVER_BIN, '-d', dir, '-a', '127.0.0.1', '-p', '0'];
  for (const b of buckets) args.push('--configure-bucket', b);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${out}`)), 15_000);
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${out}`)));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({ child, port: Number(m[1]) });
    });
  });
}

/**
 * A real S3-compatible server (s3rver, from npm) in a child process on a random loopback
 * port (so its memory and CPU are not the test's), storing objects in its own temporary
 * directory: each test file gets its own, so parallel runs never share.
 */
export async function startS3(buckets: string[] = []): Promise<TestS3> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-s3-'));
  const { child, port } = await spawnS3rver(dir, buckets);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    env: {
      MLFLOW_S3_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
    },
    client,
    async createBucket(name: string) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async close() {
      client.destroy();
      if (child.exitCode === null) {
        child.removeAllListeners('exit');
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
