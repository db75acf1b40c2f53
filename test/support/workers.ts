import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import IORedis from 'ioredis';
import type { AppConfig } from '../../src/config/app-config';

/** The shared Redis of the test machine; tests only ever touch keys under their own prefix. */
import { TEST_REDIS_URL } from './redis';

export { TEST_REDIS_URL };

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'bin', 'tsflow.js');

/** A prefix no other test run uses, so parallel runs never see each other's queues. */
export function uniquePrefix(label: string): string {
  return `tsflow-test-${label}-${randomUUID().slice(0, 8)}`;
}

/** The environment of a process that must share the store and artifacts of `config` (a test server's). */
export function sharedStoreEnv(config: AppConfig): Record<string, string> {
  const db = config.database;
  const env: Record<string, string> = {
    MLFLOW_BACKEND_STORE_URI: db.type === 'sqlite' ? `sqlite:///${db.path}` : db.url,
    MLFLOW_ARTIFACTS_DESTINATION: config.artifactsDestination,
    MLFLOW_DEFAULT_ARTIFACT_ROOT: config.defaultArtifactRoot,
    TSFLOW_DATA_DIR: config.dataDir,
  };
  if (config.yahooReplayDir) env.TSFLOW_YAHOO_REPLAY_DIR = config.yahooReplayDir;
  return env;
}

export interface WorkerProcess {
  /** 0-based index in the pool. */
  index: number;
  child: ChildProcess;
  pid: number;
  /** Last lines of stdout/stderr, for failure messages. */
  output(): string;
  exited(): boolean;
  /** Resolves once the worker process has exited. */
  exit: Promise<void>;
}

export interface WorkerPool {
  workers: WorkerProcess[];
  redisUrl: string;
  prefix: string;
  /** SIGKILL one worker (its sandboxed processor child notices the lost IPC channel and exits). */
  kill(index: number): Promise<void>;
  /** Resolves once every live worker holds its BullMQ connection (named `...:w:<host>:<pid>`) on Redis. */
  ready(timeoutMs?: number): Promise<void>;
  /** Starts one more worker (e.g. to replace a killed one). */
  add(): WorkerProcess;
  /** The worker whose BullMQ name (`<host>:<pid>`, a job's processedBy) is `name`. */
  byName(name: string | null | undefined): WorkerProcess | undefined;
  /** SIGTERM every live worker (graceful BullMQ close), SIGKILL after a grace period. */
  stop(graceMs?: number): Promise<void>;
  /** stop() + delete every Redis key of the prefix. */
  cleanup(): Promise<void>;
}

export interface WorkerOptions {
  count: number;
  /** The test server whose database and artifact store the workers must share. */
  config: AppConfig;
  prefix: string;
  redisUrl?: string;
  env?: Record<string, string>;
}

/**
 * Real `tsflow worker` processes (bin/tsflow.js, compiled dist/), as an operator would start
 * them, sharing the database, artifact directory and Redis prefix of a test server.
 */
export function startWorkers(opts: WorkerOptions): WorkerPool {
  const redisUrl = opts.redisUrl ?? TEST_REDIS_URL;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...sharedStoreEnv(opts.config),
    REDIS_URL: redisUrl,
    TSFLOW_REDIS_PREFIX: opts.prefix,
    TSFLOW_STALLED_INTERVAL_MS: '2000',
    TSFLOW_WORKER_CONCURRENCY: '1',
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  delete env.TSFLOW_CONFIG_JSON; // never inherit a parent's serialised config
  const workers = Array.from({ length: opts.count }, (_, index) => spawnWorker(index, env));
  const stopOne = (w: WorkerProcess, graceMs: number) => {
    if (w.exited()) return w.exit;
    const timer = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
    w.child.kill('SIGTERM');
    return w.exit.finally(() => clearTimeout(timer));
  };
  const pool: WorkerPool = {
    workers,
    redisUrl,
    prefix: opts.prefix,
    async kill(index) {
      const w = workers[index];
      if (!w.exited()) w.child.kill('SIGKILL');
      await w.exit;
    },
    async ready(timeoutMs = 30_000) {
      const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1 });
      redis.on('error', () => undefined);
      try {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const clients = String(await redis.client('LIST'));
          const missing = workers.filter((w) => !w.exited() && !clients.includes(`:w:${os.hostname()}:${w.pid} `));
          if (missing.length === 0) return;
          const dead = workers.find((w) => w.exited());
          if (dead && !dead.child.killed) throw new Error(`worker ${dead.index} exited:\n${dead.output()}`);
          if (Date.now() > deadline)
            throw new Error(
              `workers not connected after ${timeoutMs} ms:\n${missing.map((w) => w.output()).join('\n')}`,
            );
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        redis.disconnect();
      }
    },
    add() {
      const w = spawnWorker(workers.length, env);
      workers.push(w);
      return w;
    },
    byName(name) {
      const pid = Number(
        String(name ?? '')
          .split(':')
          .pop(),
      );
      return workers.find((w) => w.pid === pid);
    },
    async stop(graceMs = 5000) {
      await Promise.all(workers.map((w) => stopOne(w, graceMs)));
    },
    async cleanup() {
      await pool.stop();
      await deleteKeys(redisUrl, opts.prefix);
    },
  };
  return pool;
}

function spawnWorker(index: number, env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn(process.execPath, [ENTRY, 'worker'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const collect = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-6000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let done = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      done = true;
      resolve();
    });
  });
  return { index, child, pid: child.pid as number, output: () => tail, exited: () => done, exit };
}

/** Deletes every key under `<prefix>:` (SCAN, never KEYS, on a shared Redis). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Number of Redis keys under the prefix (e.g. to prove nothing was queued). */
export async function countKeys(redisUrl: string, prefix: string, pattern = '*'): Promise<number> {
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:${pattern}`, 'COUNT', 500);
      cursor = next;
      n += keys.length;
    } while (cursor !== '0');
    return n;
  } finally {
    redis.disconnect();
  }
}

/** Pids of the live child processes of `pid` (e.g. a worker's sandboxed processors), from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.ppid === pid && stat.state !== 'Z') out.push(Number(entry));
  }
  return out;
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return !!stat && stat.state !== 'Z';
}

function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}
