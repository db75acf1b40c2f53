import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * Typed configuration, validated once at boot. Nothing else in the code base reads
 * process.env. Variable names follow `mlflow server` (MLFLOW_*) so tsflow can replace it in
 * existing scripts; DATABASE_URL / PORT / HOST are accepted as the usual shorthands.
 */
/** S3-compatible object store access (`s3://` artifact roots), from MLflow's and AWS's standard variables. */
export interface S3Config {
  /** MLFLOW_S3_ENDPOINT_URL: MinIO, Ceph, ... (unset: AWS). */
  endpointUrl?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Path-style addressing (needed by most S3-compatible servers; on whenever an endpoint is set). */
  forcePathStyle: boolean;
  /** Objects at least this large are uploaded in parts (multipart upload), each this large. */
  multipartPartBytes: number;
  /** How long one S3 request may take before the store is reported unavailable. */
  requestTimeoutMs: number;
}

export type Permission = 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';

/** The basic-auth app (`--app-name basic-auth`): users, permissions, tokens (README "Authentication"). */
export interface AuthConfig {
  enabled: boolean;
  /** The admin created at boot when missing (TSFLOW_ADMIN_USERNAME / TSFLOW_ADMIN_PASSWORD). */
  adminUsername: string;
  adminPassword?: string;
  /** What a user may do on an experiment or model nobody granted them anything on. */
  defaultPermission: Permission;
  /** /predict and /invocations without credentials (true), or with a user or the scoring token (false). */
  scoringOpen: boolean;
  /** A bearer token that may call /predict, /invocations and /ping only. */
  scoringToken?: string;
  /** Lifetime of tokens issued by POST /api/v1/auth/tokens. */
  tokenTtlMs: number;
}

/** HTTP edge: host allow-list, CORS, timeouts, limits on concurrent large bodies. */
export interface HttpConfig {
  /** Host header values accepted (`*` any; `*.example.com`, `host:*` patterns); DNS-rebinding defence. */
  allowedHosts: string[];
  /** Origins allowed to call the API from a browser (`*` any); none: no CORS headers. */
  corsOrigins: string[];
  /** Whole-request deadline (headers and body); 0 disables it. */
  requestTimeoutMs: number;
  /** A request body that sends nothing for this long is cut (slow or short bodies). */
  bodyIdleTimeoutMs: number;
  /** Bodies declaring at least this many bytes count as large ... */
  largeBodyBytes: number;
  /** ... and at most this many are read at once (others get 503 and Retry-After). */
  maxConcurrentLargeBodies: number;
}

export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string };

export interface AppConfig {
  host: string;
  port: number;
  database: DatabaseConfig;
  /** What new experiments get as artifact_location prefix (`mlflow-artifacts:/` by default). */
  defaultArtifactRoot: string;
  /** Where the mlflow-artifacts proxy stores files: an absolute local directory or an `s3://bucket/prefix` URI. */
  artifactsDestination: string;
  serveArtifacts: boolean;
  /**
   * The only local directories that `file:` / plain-path artifact locations may name (the local
   * default artifact root plus TSFLOW_LOCAL_ARTIFACT_ROOTS). Anything else is refused, so a
   * stored location can never make the server list, read, write or copy other files.
   */
  localArtifactRoots: string[];
  s3: S3Config;
  /** Limit for JSON request bodies (artifact uploads are streamed and not limited). */
  maxBodyBytes: number;
  redisUrl?: string;
  /** Namespace of every Redis key, queue and channel (several deployments may share a Redis). */
  redisPrefix: string;
  /** Directory of bundled sample price histories (`source: sample`) and CSV files. */
  dataDir: string;
  /** Offline mode for the yahoo source: answer from recorded responses in this directory. */
  yahooReplayDir?: string;
  jobs: {
    /** Candidates trained at once per worker process (or by the embedded driver). */
    concurrency: number;
    /** BullMQ stalled-job check period: how fast a killed worker's job is picked up again. */
    stalledIntervalMs: number;
    /** Attempts per candidate before it is failed (transient errors are retried with backoff). */
    attempts: number;
    /** Threads one candidate may train on (data-parallel model families, e.g. global_mlp). */
    trainThreads: number;
    /** How often the API re-queues jobs the queue lost (a flushed Redis); 0: only at start. */
    reconcileIntervalMs: number;
  };
  serving: {
    /** Registered model that /predict and /invocations serve when the request names none. */
    defaultModel?: string;
    /** Fallback check of every model's champion alias, in case a change event was missed. */
    championPollMs: number;
    /** Largest forecast horizon a /predict request may ask for. */
    maxHorizon: number;
    /** Most concurrent requests one ONNX Runtime run serves (1: no micro-batching). */
    onnxMaxBatch: number;
  };
  auth: AuthConfig;
  http: HttpConfig;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** Value answered by GET /version: a plain MLflow version that clients gate features on. */
  mlflowVersion: string;
  /** MLFLOW_DEPLOYMENTS_TARGET: the AI gateway `/ajax-api/2.0/mlflow/gateway-proxy` forwards to (unset: none). */
  deploymentsTarget?: string;
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

/** Each value's limits, declared once: the environment is checked against them, and so is the config. */
const F = {
  port: z.number().int().min(0).max(65535),
  maxBodyMb: z.number().positive().max(1024),
  redisPrefix: z.string().regex(/^[\w:.-]{1,64}$/),
  concurrency: z.number().int().min(1).max(64),
  stalledIntervalMs: z.number().int().min(500).max(600_000),
  attempts: z.number().int().min(1).max(20),
  trainThreads: z.number().int().min(1).max(64),
  reconcileIntervalMs: z.union([z.literal(0), z.number().int().min(100).max(86_400_000)]),
  defaultModel: z.string().min(1).max(256),
  championPollMs: z.number().int().min(100).max(86_400_000),
  maxHorizon: z.number().int().min(1).max(1000),
  onnxMaxBatch: z.number().int().min(1).max(4096),
  logLevel: z.enum(LEVELS),
  mlflowVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
  s3PartMb: z.number().int().min(5).max(5120),
  s3TimeoutMs: z.number().int().min(100).max(600_000),
  permission: z.enum(['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS']),
  username: z.string().regex(/^[^\s:]{1,256}$/, 'a user name has no spaces or colons'),
  password: z.string().min(8).max(1024),
  token: z.string().min(16).max(1024),
  tokenTtlMs: z.number().int().min(60_000),
  timeoutMs: z.union([z.literal(0), z.number().int().min(100).max(86_400_000)]),
  idleTimeoutMs: z.number().int().min(100).max(3_600_000),
  largeBodyBytes: z.number().int().min(1024),
  maxLargeBodies: z.number().int().min(1).max(1024),
};
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
);
const text = z.string().min(1);
const num = (schema: z.ZodType<number, number>) => z.coerce.number().pipe(schema);

const EnvSchema = z.object({
  MLFLOW_HOST: text.optional(),
  HOST: text.optional(),
  MLFLOW_PORT: num(F.port).optional(),
  PORT: num(F.port).optional(),
  MLFLOW_BACKEND_STORE_URI: text.optional(),
  DATABASE_URL: text.optional(),
  MLFLOW_DEFAULT_ARTIFACT_ROOT: text.optional(),
  MLFLOW_ARTIFACTS_DESTINATION: text.optional(),
  MLFLOW_SERVE_ARTIFACTS: bool.optional(),
  TSFLOW_LOCAL_ARTIFACT_ROOTS: z.string().optional(),
  MLFLOW_S3_ENDPOINT_URL: z.string().url().optional(),
  AWS_REGION: text.optional(),
  AWS_DEFAULT_REGION: text.optional(),
  AWS_ACCESS_KEY_ID: text.optional(),
  AWS_SECRET_ACCESS_KEY: text.optional(),
  AWS_SESSION_TOKEN: text.optional(),
  TSFLOW_S3_FORCE_PATH_STYLE: bool.optional(),
  TSFLOW_S3_PART_MB: num(F.s3PartMb).optional(),
  TSFLOW_S3_TIMEOUT_MS: num(F.s3TimeoutMs).optional(),
  TSFLOW_MAX_BODY_MB: num(F.maxBodyMb).optional(),
  REDIS_URL: text.optional(),
  TSFLOW_REDIS_PREFIX: F.redisPrefix.optional(),
  TSFLOW_DATA_DIR: text.optional(),
  TSFLOW_YAHOO_REPLAY_DIR: text.optional(),
  TSFLOW_WORKER_CONCURRENCY: num(F.concurrency).optional(),
  TSFLOW_STALLED_INTERVAL_MS: num(F.stalledIntervalMs).optional(),
  TSFLOW_JOB_ATTEMPTS: num(F.attempts).optional(),
  TSFLOW_TRAIN_THREADS: num(F.trainThreads).optional(),
  TSFLOW_RECONCILE_INTERVAL_MS: num(F.reconcileIntervalMs).optional(),
  TSFLOW_DEFAULT_MODEL: F.defaultModel.optional(),
  TSFLOW_CHAMPION_POLL_MS: num(F.championPollMs).optional(),
  TSFLOW_MAX_HORIZON: num(F.maxHorizon).optional(),
  TSFLOW_ONNX_MAX_BATCH: num(F.onnxMaxBatch).optional(),
  TSFLOW_APP_NAME: z.enum(['basic-auth', 'none']).optional(),
  TSFLOW_ADMIN_USERNAME: F.username.optional(),
  TSFLOW_ADMIN_PASSWORD: F.password.optional(),
  TSFLOW_DEFAULT_PERMISSION: F.permission.optional(),
  TSFLOW_SCORING_OPEN: bool.optional(),
  TSFLOW_SCORING_TOKEN: F.token.optional(),
  TSFLOW_TOKEN_TTL_HOURS: num(z.number().positive().max(87_600)).optional(),
  MLFLOW_SERVER_ALLOWED_HOSTS: list.optional(),
  MLFLOW_SERVER_CORS_ALLOWED_ORIGINS: list.optional(),
  TSFLOW_REQUEST_TIMEOUT_MS: num(F.timeoutMs).optional(),
  TSFLOW_BODY_IDLE_TIMEOUT_MS: num(F.idleTimeoutMs).optional(),
  TSFLOW_LARGE_BODY_MB: num(z.number().positive().max(1024)).optional(),
  TSFLOW_MAX_CONCURRENT_LARGE_BODIES: num(F.maxLargeBodies).optional(),
  LOG_LEVEL: F.logLevel.optional(),
  TSFLOW_MLFLOW_VERSION: F.mlflowVersion.optional(),
  MLFLOW_DEPLOYMENTS_TARGET: z.string().url().optional(),
});

/**
 * The configuration object itself, with the same limits: what loadConfig returns and what a
 * parent process hands its job processes (TSFLOW_CONFIG_JSON), checked with this same schema.
 */
export const AppConfigSchema = z.strictObject({
  host: text,
  port: F.port,
  database: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('sqlite'), path: text }),
    z.strictObject({ type: z.literal('postgres'), url: text }),
  ]),
  defaultArtifactRoot: text,
  artifactsDestination: text,
  serveArtifacts: z.boolean(),
  localArtifactRoots: z.array(text),
  s3: z.strictObject({
    endpointUrl: z.string().url().optional(),
    region: text,
    accessKeyId: text.optional(),
    secretAccessKey: text.optional(),
    sessionToken: text.optional(),
    forcePathStyle: z.boolean(),
    multipartPartBytes: z
      .number()
      .int()
      .min(5 * 1024 * 1024),
    requestTimeoutMs: F.s3TimeoutMs,
  }),
  maxBodyBytes: z.number().int().positive(),
  redisUrl: text.optional(),
  redisPrefix: F.redisPrefix,
  dataDir: text,
  yahooReplayDir: text.optional(),
  jobs: z.strictObject({
    concurrency: F.concurrency,
    stalledIntervalMs: F.stalledIntervalMs,
    attempts: F.attempts,
    trainThreads: F.trainThreads,
    reconcileIntervalMs: F.reconcileIntervalMs,
  }),
  serving: z.strictObject({
    defaultModel: F.defaultModel.optional(),
    championPollMs: F.championPollMs,
    maxHorizon: F.maxHorizon,
    onnxMaxBatch: F.onnxMaxBatch,
  }),
  auth: z.strictObject({
    enabled: z.boolean(),
    adminUsername: F.username,
    adminPassword: F.password.optional(),
    defaultPermission: F.permission,
    scoringOpen: z.boolean(),
    scoringToken: F.token.optional(),
    tokenTtlMs: F.tokenTtlMs,
  }),
  http: z.strictObject({
    allowedHosts: z.array(text),
    corsOrigins: z.array(text),
    requestTimeoutMs: F.timeoutMs,
    bodyIdleTimeoutMs: F.idleTimeoutMs,
    largeBodyBytes: F.largeBodyBytes,
    maxConcurrentLargeBodies: F.maxLargeBodies,
  }),
  logLevel: F.logLevel,
  mlflowVersion: F.mlflowVersion,
  deploymentsTarget: z.string().url().optional(),
});

// The schema and the documented interface must describe the same object: adding a field to
// one without the other fails the type check.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const SCHEMA_MATCHES_INTERFACE: Same<z.infer<typeof AppConfigSchema>, AppConfig> = true;
void SCHEMA_MATCHES_INTERFACE;

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

export class ConfigError extends Error {}

/** The directory holding tsflow's package.json (works from src/ under tests and from dist/). */
export function packageRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** `sqlite:///rel.db`, `sqlite:////abs.db`, `sqlite://` (memory), `postgresql+psycopg2://...` */
export function parseBackendStoreUri(uri: string, cwd = process.cwd()): DatabaseConfig {
  const m = /^([a-z0-9]+)(\+[a-z0-9_]+)?:\/\/(.*)$/i.exec(uri);
  if (!m) throw new ConfigError(`Unsupported backend store URI '${uri}': expected sqlite:///path or postgresql://...`);
  const scheme = m[1].toLowerCase();
  if (scheme === 'sqlite') {
    const rest = m[3];
    if (rest === '' || rest === '/:memory:' || rest === '/') return { type: 'sqlite', path: ':memory:' };
    const file = rest.startsWith('//') ? rest.slice(1) : rest.replace(/^\//, '');
    return { type: 'sqlite', path: path.resolve(cwd, file) };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    return { type: 'postgres', url: `postgresql://${m[3]}` };
  }
  throw new ConfigError(`Unsupported backend store scheme '${scheme}': use sqlite or postgresql.`);
}

const HAS_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:/;

/** The absolute local path of a plain path or a `file:` URI; undefined for other schemes. */
function localPathOf(uri: string): string | undefined {
  if (/^file:/i.test(uri)) {
    try {
      return fileURLToPath(uri);
    } catch {
      throw new ConfigError(`Artifact root '${uri}' is not a local file: URI.`);
    }
  }
  return HAS_SCHEME.test(uri) ? undefined : path.resolve(uri);
}

/** A local default artifact root becomes absolute (as MLflow's resolve_uri_if_local); URIs stay. */
function resolveLocalRoot(uri: string, cwd: string): string {
  if (HAS_SCHEME.test(uri)) return uri.replace(/\/+$/, '') || uri;
  return path.resolve(cwd, uri);
}

/** `--artifacts-destination`: a local directory (path or file: URI) or an s3:// URI. */
function resolveDestination(uri: string, cwd: string): string {
  if (/^file:/i.test(uri)) return localPathOf(uri) as string;
  if (HAS_SCHEME.test(uri)) {
    if (!/^s3:\/\/[^/?#]+/i.test(uri))
      throw new ConfigError(`Unsupported artifacts destination '${uri}': use a local directory or s3://bucket/prefix.`);
    return uri.replace(/\/+$/, '');
  }
  return path.resolve(cwd, uri);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Bound to loopback, only loopback names reach the server (a DNS-rebinding page cannot);
 * bound to every interface, any Host (a proxy in front usually checks it).
 */
function defaultAllowedHosts(bindHost: string): string[] {
  return LOOPBACK.has(bindHost) ? ['localhost:*', '127.0.0.1:*', '[::1]:*'] : ['*'];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  // An empty variable means unset (shell scripts often export FOO=).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${issues(parsed.error)}`);
  const e = parsed.data;
  const serveArtifacts = e.MLFLOW_SERVE_ARTIFACTS ?? true;
  const storeUri = e.MLFLOW_BACKEND_STORE_URI ?? e.DATABASE_URL ?? 'sqlite:///tsflow.db';
  const defaultArtifactRoot = resolveLocalRoot(e.MLFLOW_DEFAULT_ARTIFACT_ROOT ?? 'mlflow-artifacts:/', cwd);
  const localDefault = localPathOf(defaultArtifactRoot);
  const extraRoots = (e.TSFLOW_LOCAL_ARTIFACT_ROOTS ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '')
    .map((r) => {
      if (HAS_SCHEME.test(r) && !/^file:/i.test(r))
        throw new ConfigError(`TSFLOW_LOCAL_ARTIFACT_ROOTS: '${r}' is not a local directory.`);
      return /^file:/i.test(r) ? (localPathOf(r) as string) : path.resolve(cwd, r);
    });
  const host = e.MLFLOW_HOST ?? e.HOST ?? '127.0.0.1';
  return checkedConfig({
    host,
    port: e.MLFLOW_PORT ?? e.PORT ?? 5000,
    database: parseBackendStoreUri(storeUri, cwd),
    defaultArtifactRoot,
    artifactsDestination: resolveDestination(e.MLFLOW_ARTIFACTS_DESTINATION ?? 'artifacts', cwd),
    serveArtifacts,
    localArtifactRoots: [...(localDefault ? [localDefault] : []), ...extraRoots],
    s3: {
      endpointUrl: e.MLFLOW_S3_ENDPOINT_URL,
      region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION ?? 'us-east-1',
      accessKeyId: e.AWS_ACCESS_KEY_ID,
      secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
      sessionToken: e.AWS_SESSION_TOKEN,
      forcePathStyle: e.TSFLOW_S3_FORCE_PATH_STYLE ?? e.MLFLOW_S3_ENDPOINT_URL !== undefined,
      multipartPartBytes: (e.TSFLOW_S3_PART_MB ?? 8) * 1024 * 1024,
      requestTimeoutMs: e.TSFLOW_S3_TIMEOUT_MS ?? 30_000,
    },
    maxBodyBytes: Math.round((e.TSFLOW_MAX_BODY_MB ?? 64) * 1024 * 1024),
    redisUrl: e.REDIS_URL,
    redisPrefix: e.TSFLOW_REDIS_PREFIX ?? 'tsflow',
    dataDir: e.TSFLOW_DATA_DIR ? path.resolve(cwd, e.TSFLOW_DATA_DIR) : path.join(packageRoot(), 'data'),
    yahooReplayDir: e.TSFLOW_YAHOO_REPLAY_DIR ? path.resolve(cwd, e.TSFLOW_YAHOO_REPLAY_DIR) : undefined,
    jobs: {
      concurrency: e.TSFLOW_WORKER_CONCURRENCY ?? 1,
      stalledIntervalMs: e.TSFLOW_STALLED_INTERVAL_MS ?? 30_000,
      attempts: e.TSFLOW_JOB_ATTEMPTS ?? 3,
      // The cores left to each of the candidates trained at once.
      trainThreads:
        e.TSFLOW_TRAIN_THREADS ??
        Math.max(1, Math.floor(os.availableParallelism() / (e.TSFLOW_WORKER_CONCURRENCY ?? 1))),
      reconcileIntervalMs: e.TSFLOW_RECONCILE_INTERVAL_MS ?? 5000,
    },
    serving: {
      defaultModel: e.TSFLOW_DEFAULT_MODEL,
      championPollMs: e.TSFLOW_CHAMPION_POLL_MS ?? 10_000,
      maxHorizon: e.TSFLOW_MAX_HORIZON ?? 30,
      onnxMaxBatch: e.TSFLOW_ONNX_MAX_BATCH ?? 64,
    },
    auth: {
      enabled: e.TSFLOW_APP_NAME === 'basic-auth',
      adminUsername: e.TSFLOW_ADMIN_USERNAME ?? 'admin',
      adminPassword: e.TSFLOW_ADMIN_PASSWORD,
      defaultPermission: e.TSFLOW_DEFAULT_PERMISSION ?? 'READ',
      scoringOpen: e.TSFLOW_SCORING_OPEN ?? false,
      scoringToken: e.TSFLOW_SCORING_TOKEN,
      tokenTtlMs: Math.round((e.TSFLOW_TOKEN_TTL_HOURS ?? 24 * 30) * 3_600_000),
    },
    http: {
      allowedHosts: e.MLFLOW_SERVER_ALLOWED_HOSTS ?? defaultAllowedHosts(host),
      corsOrigins: e.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS ?? [],
      requestTimeoutMs: e.TSFLOW_REQUEST_TIMEOUT_MS ?? 3_600_000,
      bodyIdleTimeoutMs: e.TSFLOW_BODY_IDLE_TIMEOUT_MS ?? 30_000,
      largeBodyBytes: Math.round((e.TSFLOW_LARGE_BODY_MB ?? 8) * 1024 * 1024),
      maxConcurrentLargeBodies: e.TSFLOW_MAX_CONCURRENT_LARGE_BODIES ?? 2,
    },
    logLevel: e.LOG_LEVEL ?? 'log',
    mlflowVersion: e.TSFLOW_MLFLOW_VERSION ?? '3.6.0',
    deploymentsTarget: e.MLFLOW_DEPLOYMENTS_TARGET,
  });
}

/** A configuration object (built from the environment, or handed over as JSON) checked against AppConfigSchema. */
export function checkedConfig(value: unknown): AppConfig {
  const parsed = AppConfigSchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${issues(parsed.error)}`);
  return parsed.data;
}

/** Nest logger levels enabled by LOG_LEVEL (that level and the more severe ones). */
export function logLevels(level: AppConfig['logLevel']): AppConfig['logLevel'][] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}
