import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { loadConfig } from './config/app-config';

/** `mlflow server` flags and the environment variables they stand for. */
const SERVER_FLAGS = {
  host: 'MLFLOW_HOST',
  port: 'MLFLOW_PORT',
  'backend-store-uri': 'MLFLOW_BACKEND_STORE_URI',
  'default-artifact-root': 'MLFLOW_DEFAULT_ARTIFACT_ROOT',
  'artifacts-destination': 'MLFLOW_ARTIFACTS_DESTINATION',
  'app-name': 'TSFLOW_APP_NAME',
  'allowed-hosts': 'MLFLOW_SERVER_ALLOWED_HOSTS',
  'cors-allowed-origins': 'MLFLOW_SERVER_CORS_ALLOWED_ORIGINS',
} as const;

const USAGE = `Usage: tsflow server [options]     the HTTP API (tracking, registry, training, serving)
       tsflow worker [options]     a training worker (needs REDIS_URL; same options and variables)
       tsflow train --ticker MSFT  train one model now, in this process (see tsflow train --help)
       tsflow import --from URI    import an MLflow server or database with its history (see tsflow import --help)

Options (each also settable by the environment variable in brackets):
  -h, --host HOST                  address to bind (MLFLOW_HOST, default 127.0.0.1)
  -p, --port PORT                  port to listen on (MLFLOW_PORT, default 5000)
  --backend-store-uri URI          sqlite:///path.db or postgresql://... (MLFLOW_BACKEND_STORE_URI or DATABASE_URL)
  --default-artifact-root URI      artifact root of new experiments (MLFLOW_DEFAULT_ARTIFACT_ROOT, default mlflow-artifacts:/)
  --artifacts-destination DIR      where proxied artifacts are stored (MLFLOW_ARTIFACTS_DESTINATION, default ./artifacts)
  --serve-artifacts / --no-serve-artifacts   enable the mlflow-artifacts proxy (MLFLOW_SERVE_ARTIFACTS, default on)
  --app-name basic-auth            users, permissions and tokens (TSFLOW_APP_NAME); the admin comes from
                                   TSFLOW_ADMIN_USERNAME / TSFLOW_ADMIN_PASSWORD
  --allowed-hosts LIST             Host header values accepted, e.g. 'mlflow.example.com,*.internal:*'
                                   (MLFLOW_SERVER_ALLOWED_HOSTS; default: loopback names when bound to loopback)
  --cors-allowed-origins LIST      browser origins allowed (MLFLOW_SERVER_CORS_ALLOWED_ORIGINS; default none)
`;

/** Turn CLI flags into the same environment variables the config reads. */
export function serverEnv(argv: string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', short: 'h' },
      port: { type: 'string', short: 'p' },
      'backend-store-uri': { type: 'string' },
      'default-artifact-root': { type: 'string' },
      'artifacts-destination': { type: 'string' },
      'app-name': { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'cors-allowed-origins': { type: 'string' },
      'serve-artifacts': { type: 'boolean' },
      'no-serve-artifacts': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  const out = { ...env };
  for (const [flag, name] of Object.entries(SERVER_FLAGS)) {
    const v = values[flag as keyof typeof values];
    if (typeof v === 'string') out[name] = v;
  }
  if (values['serve-artifacts']) out.MLFLOW_SERVE_ARTIFACTS = 'true';
  if (values['no-serve-artifacts']) out.MLFLOW_SERVE_ARTIFACTS = 'false';
  if (values.help) out.TSFLOW_HELP = '1';
  return out;
}

/** `tsflow import ...`: returns the exit code (1 when verification finds differences, 2 on a usage or source error). */
async function importMain(argv: string[]): Promise<number> {
  // The CLI prints its own progress and summary; Nest's boot logs would only get in the way of --json.
  Logger.overrideLogger(['error']);
  const cli = await import('./importer/import.cli');
  const { ImportError } = await import('./importer/import-source');
  try {
    const options = cli.parseImportArgs(argv);
    if (options.help) {
      process.stdout.write(cli.IMPORT_USAGE);
      return 0;
    }
    const config = loadConfig(serverEnv(options.serverArgs, process.env));
    if (options.verify) {
      const report = await cli.runVerify(options, config, process.env);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : cli.formatReport(report));
      return report.differenceCount ? 1 : 0;
    }
    const summary = await cli.runImport(options, config, process.env);
    process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : cli.formatSummary(summary));
    return 0;
  } catch (err) {
    if (err instanceof ImportError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`tsflow import: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

export async function main(argv: string[]): Promise<void> {
  const [command = 'server', ...rest] = argv;
  if (command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command === 'train') {
    const { train } = await import('./train.cli');
    await train(rest);
    return;
  }
  if (command === 'import') {
    const exitCode = await importMain(rest);
    if (exitCode) process.exitCode = exitCode;
    return;
  }
  if (command === 'worker') {
    const { startWorker } = await import('./worker/worker.main');
    const stop = await startWorker(loadConfig(serverEnv(rest, process.env)));
    const shutdown = () =>
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
    return;
  }
  if (command !== 'server') throw new Error(`Unknown command '${command}'.\n\n${USAGE}`);
  const env = serverEnv(rest, process.env);
  if (env.TSFLOW_HELP) {
    process.stdout.write(USAGE);
    return;
  }
  const { bootstrap } = await import('./main');
  await bootstrap(loadConfig(env));
}
