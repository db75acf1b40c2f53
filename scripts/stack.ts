import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { stopChild } from './lib/stop-child';

/**
 * `npm run stack`: the docker-compose topology without Docker. Starts the API and
 * `--workers` training workers against a local Redis and Postgres (creating the database
 * when it is missing), prints the URLs, and stops everything on Ctrl-C (or when one process
 * dies). Prometheus and Grafana are not started: point them at the printed /metrics URL.
 */

const USAGE = `Usage: npm run stack -- [options]
  --port PORT            API port (PORT, default 5000)
  --workers N            training worker processes (TSFLOW_WORKERS, default 1)
  --database-url URL     Postgres database, created if missing (DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/tsflow)
  --redis-url URL        Redis (REDIS_URL, default redis://127.0.0.1:6379)
  --prefix NAME          Redis key prefix (TSFLOW_REDIS_PREFIX, default tsflow)
  --artifacts DIR|URI    artifact store shared by the API and the workers: a directory or s3://bucket/prefix
                         (MLFLOW_ARTIFACTS_DESTINATION, default ./artifacts)
  --no-auth              no authentication (default: basic-auth, the admin from TSFLOW_ADMIN_USERNAME
                         (default admin) and TSFLOW_ADMIN_PASSWORD, which must be set)
Other variables (TSFLOW_DEFAULT_MODEL, LOG_LEVEL, ...) are passed through to every process.
`;

interface StackOptions {
  port: number;
  workers: number;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  artifacts: string;
  auth: boolean;
}

const root = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A local directory (made absolute) or an `s3://bucket/prefix` URI shared by API and workers (MLFLOW_S3_ENDPOINT_URL, AWS_* pass through). */
function artifactsDestination(value: string): string {
  return /^s3:\/\//i.test(value) ? value : path.resolve(value);
}

function options(argv: string[], env: NodeJS.ProcessEnv): StackOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      workers: { type: 'string' },
      'database-url': { type: 'string' },
      'redis-url': { type: 'string' },
      prefix: { type: 'string' },
      artifacts: { type: 'string' },
      'no-auth': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return null;
  const int = (v: string | undefined, fallback: number, name: string) => {
    const n = Number(v ?? fallback);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got '${v}'`);
    return n;
  };
  return {
    port: int(values.port ?? env.PORT, 5000, 'port'),
    workers: int(values.workers ?? env.TSFLOW_WORKERS, 1, 'workers'),
    databaseUrl: values['database-url'] ?? env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/tsflow',
    redisUrl: values['redis-url'] ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: values.prefix ?? env.TSFLOW_REDIS_PREFIX ?? 'tsflow',
    artifacts: artifactsDestination(
      values.artifacts ?? env.MLFLOW_ARTIFACTS_DESTINATION ?? path.join(root, 'artifacts'),
    ),
    auth: !values['no-auth'],
  };
}

/** Creates the database named in `url` when it does not exist (connecting to `postgres` to do so). */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][\w$]{0,62}$/.test(name))
    throw new Error(`unsupported database name '${name}' (letters, digits, _ and $)`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `Postgres is not reachable at ${admin.host} (${(err as Error).message}); start it or pass --database-url`,
      { cause: err },
    );
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`);
      console.log(`[stack] created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

async function checkRedis(url: string): Promise<void> {
  const redis = new IORedis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Redis is not reachable at ${url} (${(err as Error).message}); start it or pass --redis-url`, {
      cause: err,
    });
  } finally {
    redis.disconnect();
  }
}

/** A tsflow process with its output prefixed by `name`. */
function launch(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'tsflow.js'), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream: NodeJS.WritableStream) => {
    let buffer = '';
    return (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) stream.write(`[${name}] ${line}\n`);
    };
  };
  child.stdout?.on('data', prefix(process.stdout));
  child.stderr?.on('data', prefix(process.stderr));
  console.log(`[stack] ${name} started (pid ${child.pid})`);
  return child;
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('the API exited during start-up');
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the API did not answer ${url}/health within ${timeoutMs / 1000} s`);
}

async function main(): Promise<number> {
  const o = options(process.argv.slice(2), process.env);
  if (!o) {
    process.stdout.write(USAGE);
    return 0;
  }
  // Secrets come from the environment only (never a default password).
  if (o.auth && !process.env.TSFLOW_ADMIN_PASSWORD)
    throw new Error('basic-auth is on: set TSFLOW_ADMIN_PASSWORD (8+ characters), or pass --no-auth');
  await Promise.all([ensureDatabase(o.databaseUrl), checkRedis(o.redisUrl)]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(o.auth ? { TSFLOW_APP_NAME: 'basic-auth' } : {}),
    DATABASE_URL: o.databaseUrl,
    MLFLOW_BACKEND_STORE_URI: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    TSFLOW_REDIS_PREFIX: o.prefix,
    MLFLOW_ARTIFACTS_DESTINATION: o.artifacts,
  };
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    // Workers first (they finish or give back their jobs), then the API.
    for (const child of [...children].reverse()) await stopChild(child);
  };
  const exited = new Promise<number>((resolve) => {
    const onSignal = () => {
      console.log('\n[stack] stopping...');
      void stopAll().then(() => resolve(0));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const watch = (child: ChildProcess, name: string) =>
      child.once('exit', (code, signal) => {
        if (stopping) return;
        console.error(`[stack] ${name} exited (${code ?? signal}); stopping the stack`);
        void stopAll().then(() => resolve(1));
      });
    // The API runs the migrations: workers start once it is healthy.
    const api = launch('api', ['server', '--host', '127.0.0.1', '--port', String(o.port)], env);
    children.push(api);
    watch(api, 'api');
    const url = `http://127.0.0.1:${o.port}`;
    waitHealthy(url, api)
      .then(() => {
        for (let i = 1; i <= o.workers && !stopping; i++) {
          const worker = launch(`worker-${i}`, ['worker'], env);
          children.push(worker);
          watch(worker, `worker-${i}`);
        }
        const db = new URL(o.databaseUrl);
        console.log(
          [
            '',
            `[stack] ready: API + ${o.workers} worker(s), Postgres ${db.host}${db.pathname}, Redis ${o.redisUrl} (prefix ${o.prefix})`,
            `[stack]   API / MLflow tracking URI  ${url}`,
            `[stack]   Swagger UI                 ${url}/docs`,
            `[stack]   Prometheus metrics         ${url}/metrics`,
            `[stack]   predictions                POST ${url}/predict`,
            o.auth
              ? `[stack]   basic-auth on: MLFLOW_TRACKING_USERNAME=${process.env.TSFLOW_ADMIN_USERNAME ?? 'admin'} + MLFLOW_TRACKING_PASSWORD, or a token from POST ${url}/api/v1/auth/tokens`
              : '[stack]   authentication off (--no-auth)',
            '[stack] Ctrl-C stops everything.',
            '',
          ].join('\n'),
        );
      })
      .catch((err: Error) => {
        console.error(`[stack] ${err.message}`);
        void stopAll().then(() => resolve(1));
      });
  });
  return exited;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[stack] ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
