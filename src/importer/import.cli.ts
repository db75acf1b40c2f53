import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { AppConfig } from '../config/app-config';
import { openDatabase } from '../database/open-database';
import { ArtifactRepositoryResolver } from '../storage/artifact-repository.resolver';
import { proxiedRepository } from '../storage/storage.module';
import { ImportError, ImportSource } from './import-source';
import { ImportTarget } from './import-target';
import { Importer } from './importer';
import type { ImportSummary } from './import.types';
import { Progress } from './progress';
import { MlflowDbSource } from './sources/mlflow-db.source';
import { MlflowRestSource, RestCredentials } from './sources/mlflow-rest.source';
import { SqlReader } from './sources/sql-reader';
import { ImportVerifier, VerifyReport } from './verify';

export const IMPORT_USAGE = `Usage: tsflow import --from SOURCE [options]
       tsflow import --verify --from SOURCE --to URL [options]

Copies an MLflow store into tsflow (the store named by --backend-store-uri / --artifacts-destination
or their environment variables, as for tsflow server) with its history: experiments, runs with full
metric histories, params, tags, datasets, logged models, traces, the registry and the artifacts.
A second import copies only what is new or changed; an interrupted one resumes where it stopped.

SOURCE is a running MLflow server (http://host:5000; credentials from MLFLOW_TRACKING_USERNAME /
MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN, or user:password@ in the URL) or an MLflow
database (sqlite:///mlflow.db, postgresql://...) read without a running MLflow.

Options:
  --artifacts-root DIR|URI   the MLflow server's artifact store (its --artifacts-destination, e.g.
                             ./mlartifacts, or the mlruns directory of file: locations); needed with
                             a database source to copy artifacts
  --dry-run                  report what would be imported; write nothing
  --no-artifacts             import metadata only
  --verify                   compare SOURCE with the tsflow server at --to through the MLflow REST API
                             (counts, every run's data and metric history, registry, artifact listings
                             and checksums) and print the differences; exit code 1 if any
  --to URL                   the tsflow server to verify against (user:password@ for basic auth)
  --no-checksums             with --verify: compare artifact listings and sizes only
  --json                     print the summary as JSON
  (and tsflow server's --backend-store-uri, --artifacts-destination, --default-artifact-root)
`;

export interface ImportCliOptions {
  from: string;
  to?: string;
  artifactsRoot?: string;
  dryRun: boolean;
  artifacts: boolean;
  verify: boolean;
  checksums: boolean;
  json: boolean;
  help: boolean;
  /** Flags meant for the server config (--backend-store-uri ...), passed on. */
  serverArgs: string[];
}

export function parseImportArgs(argv: string[]): ImportCliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      'artifacts-root': { type: 'string' },
      'dry-run': { type: 'boolean' },
      'no-artifacts': { type: 'boolean' },
      verify: { type: 'boolean' },
      'no-checksums': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
      'backend-store-uri': { type: 'string' },
      'artifacts-destination': { type: 'string' },
      'default-artifact-root': { type: 'string' },
    },
    strict: true,
  });
  const serverArgs: string[] = [];
  for (const flag of ['backend-store-uri', 'artifacts-destination', 'default-artifact-root'] as const) {
    if (values[flag] !== undefined) serverArgs.push(`--${flag}`, values[flag]);
  }
  const options: ImportCliOptions = {
    from: values.from ?? '',
    to: values.to,
    artifactsRoot: values['artifacts-root'],
    dryRun: !!values['dry-run'],
    artifacts: !values['no-artifacts'],
    verify: !!values.verify,
    checksums: !values['no-checksums'],
    json: !!values.json,
    help: !!values.help,
    serverArgs,
  };
  if (!options.help && !options.from)
    throw new ImportError('--from is required (an MLflow server URL or database URI)');
  if (options.verify && !options.to) throw new ImportError('--verify needs --to <tsflow server URL>');
  return options;
}

/** The MLflow client's credential variables (the CLI passes its environment in). */
export function restCredentials(env: NodeJS.ProcessEnv): RestCredentials {
  return {
    username: env.MLFLOW_TRACKING_USERNAME,
    password: env.MLFLOW_TRACKING_PASSWORD,
    token: env.MLFLOW_TRACKING_TOKEN,
  };
}

/** The source store for a URI: a server over REST, or a database with its artifact store. */
export async function openSource(
  uri: string,
  artifactsRoot: string | undefined,
  config: AppConfig,
  credentials: RestCredentials,
): Promise<ImportSource> {
  if (/^https?:\/\//i.test(uri)) return new MlflowRestSource(uri, credentials);
  const reader = SqlReader.open(uri);
  let resolver: ArtifactRepositoryResolver | null = null;
  if (artifactsRoot) {
    const local = !/^s3:\/\//i.test(artifactsRoot);
    const root = local ? path.resolve(artifactsRoot.replace(/^file:\/\//, '')) : artifactsRoot;
    if (local && !fs.existsSync(root)) throw new ImportError(`--artifacts-root ${root} does not exist`);
    const proxied = await proxiedRepository({ artifactsDestination: root, s3: config.s3, serveArtifacts: false });
    resolver = new ArtifactRepositoryResolver(proxied, { localArtifactRoots: local ? [root] : [], s3: config.s3 });
  }
  return new MlflowDbSource(uri, reader, resolver);
}

export async function runImport(
  options: ImportCliOptions,
  config: AppConfig,
  env: NodeJS.ProcessEnv,
): Promise<ImportSummary> {
  const source = await openSource(options.from, options.artifactsRoot, config, restCredentials(env));
  const db = await openDatabase(config.database);
  try {
    const destProxied = await proxiedRepository(config);
    const resolver = new ArtifactRepositoryResolver(destProxied, config);
    const importer = new Importer(source, new ImportTarget(db), resolver, config.defaultArtifactRoot);
    return await importer.run({
      dryRun: options.dryRun,
      artifacts: options.artifacts,
      progress: new Progress(!!process.stderr.isTTY),
    });
  } finally {
    await source.close();
    await db.close();
  }
}

export async function runVerify(
  options: ImportCliOptions,
  config: AppConfig,
  env: NodeJS.ProcessEnv,
): Promise<VerifyReport> {
  const source = await openSource(options.from, options.artifactsRoot, config, restCredentials(env));
  const target = new MlflowRestSource(options.to as string);
  try {
    return await new ImportVerifier(source, target, { checksums: options.checksums }).run();
  } finally {
    await source.close();
  }
}

export function formatSummary(s: ImportSummary): string {
  const c = (x: { seen: number; imported: number; unchanged: number }) =>
    `${x.seen} seen, ${x.imported} ${s.dryRun ? 'to import' : 'imported'}, ${x.unchanged} unchanged`;
  const lines = [
    `${s.dryRun ? 'Dry run: nothing written. ' : ''}Import from ${s.source} (${s.sourceVersion}) in ${s.seconds.toFixed(1)} s`,
    `  experiments        ${c(s.experiments)}`,
    `  runs               ${c(s.runs)}  (${(s.runs.imported / Math.max(s.seconds, 0.001)).toFixed(1)} runs/s)`,
    `  metric points      ${s.metricPoints.toLocaleString('en')}  (${Math.round(s.metricPoints / Math.max(s.seconds, 0.001)).toLocaleString('en')}/s)`,
    `  logged models      ${c(s.loggedModels)}`,
    `  traces             ${c(s.traces)}  (${s.traceSpans} spans, ${s.assessments} assessments)`,
    `  registered models  ${c(s.registeredModels)}  (${s.modelVersions} versions)`,
    `  artifacts          ${s.artifactFiles} files, ${(s.artifactBytes / 1e6).toFixed(1)} MB copied`,
  ];
  for (const [from, to] of Object.entries(s.experimentIdMap)) lines.push(`  experiment id ${from} → ${to} (id taken)`);
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

export function formatReport(r: VerifyReport): string {
  const head =
    `Verified ${r.experiments} experiments, ${r.runs} runs, ${r.metricPoints.toLocaleString('en')} metric points, ` +
    `${r.loggedModels} logged models, ${r.traces} traces (${r.traceSpans} spans, ${r.assessments} assessments), ${r.registeredModels} registered models, ${r.artifactFiles} artifact files: `;
  if (r.differenceCount === 0) return `${head}no differences.\n`;
  const more =
    r.differenceCount > r.differences.length ? [`  ... and ${r.differenceCount - r.differences.length} more`] : [];
  return `${head}${r.differenceCount} difference(s)\n${[...r.differences.map((d) => `  ${d}`), ...more].join('\n')}\n`;
}
