/**
 * Import benchmark (`npm run bench:import`): how fast `tsflow import` carries an MLflow store
 * into a fresh tsflow store, and whether the source or tsflow bounds it.
 *
 *   npm run bench:import -- [--runs 10000] [--points 1000] [--source db|rest|both]
 *
 * - db: the MLflow 2.12.2 fixture database (made by a real MLflow server) grown with `runs` runs
 *   of `points` metric points each, rows shaped as MLflow's SQL store writes them; imported with
 *   `tsflow import --from sqlite:///...`.
 * - rest: a tsflow server as the source (it answers the MLflow REST API as MLflow does), filled
 *   through that API (runs/create, runs/log-batch of 1,000 metrics), imported over REST.
 * Reports runs/s and metric points/s, the importer's and the source server's CPU seconds, the
 * importer's peak RSS, and the load average.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { api } from './lib/api';
import { copyFixture, growStore } from './lib/mlflow-store';
import { table } from './lib/report';
import { processCpuMs, processPeakRssMb, repoRoot, startServerProcess } from './lib/server-process';

interface Result {
  source: string;
  runs: number;
  points: number;
  seconds: number;
  runsPerSec: number;
  pointsPerSec: number;
  importerCpuSec: number;
  importerPeakRssMb: number;
  sourceCpuSec?: number;
  loadavg: number[];
}

interface CliResult {
  summary: any;
  seconds: number;
  cpuSec: number;
  peakRssMb: number;
}

async function importCli(args: string[], dir: string): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(repoRoot(), 'bin', 'tsflow.js'), 'import', '--json', ...args], {
    env: {
      ...process.env,
      MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(dir, 'tsflow.db')}`,
      MLFLOW_ARTIFACTS_DESTINATION: path.join(dir, 'artifacts'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let cpu = 0;
  let rss = 0;
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setInterval(() => {
    cpu = processCpuMs(child.pid!) ?? cpu;
    rss = processPeakRssMb(child.pid!) ?? rss;
  }, 200);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearInterval(timer);
  if (code !== 0) throw new Error(`tsflow import exited ${code}`);
  return { summary: JSON.parse(out), seconds: (Date.now() - started) / 1000, cpuSec: cpu / 1000, peakRssMb: rss };
}

async function benchDb(runs: number, points: number): Promise<Result> {
  const store = copyFixture();
  const t0 = Date.now();
  growStore(store.db, 1, runs, points);
  process.stderr.write(
    `db source: ${runs} runs x ${points} points generated in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-bench-'));
  try {
    const r = await importCli(['--from', store.uri, '--artifacts-root', store.artifacts], dir);
    return result('mlflow-db (sqlite)', r);
  } finally {
    fs.rmSync(store.dir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchRest(runs: number, points: number): Promise<Result> {
  const srcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-bench-src-'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-bench-'));
  const server = await startServerProcess({
    args: [
      'server',
      '--backend-store-uri',
      `sqlite:///${path.join(srcDir, 'src.db')}`,
      '--artifacts-destination',
      path.join(srcDir, 'artifacts'),
    ],
  });
  try {
    const t0 = Date.now();
    const exp = (await api(server.url, 'experiments/create', { name: 'bench' })).experiment_id;
    let next = 0;
    const worker = async () => {
      while (next < runs) {
        const i = next++;
        const run = (await api(server.url, 'runs/create', { experiment_id: exp, start_time: 1_700_000_000_000 + i }))
          .run.info.run_id;
        await api(server.url, 'runs/log-parameter', { run_id: run, key: 'i', value: String(i) });
        for (let done = 0; done < points; done += 1000) {
          const metrics = [];
          for (let j = done; j < Math.min(points, done + 1000); j++) {
            metrics.push({
              key: `m${j % 10}`,
              value: Math.sin(i + j),
              timestamp: 1_700_000_000_000 + j,
              step: Math.floor(j / 10),
            });
          }
          await api(server.url, 'runs/log-batch', { run_id: run, metrics });
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    process.stderr.write(
      `rest source: ${runs} runs x ${points} points logged in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    const cpu0 = server.cpuMs() ?? 0;
    const r = await importCli(['--from', server.url], dir);
    return { ...result('mlflow-rest (a tsflow server)', r), sourceCpuSec: ((server.cpuMs() ?? 0) - cpu0) / 1000 };
  } finally {
    await server.stop();
    fs.rmSync(srcDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function result(source: string, r: CliResult): Result {
  return {
    source,
    runs: r.summary.runs.imported,
    points: r.summary.metricPoints,
    seconds: r.seconds,
    runsPerSec: r.summary.runs.imported / r.seconds,
    pointsPerSec: r.summary.metricPoints / r.seconds,
    importerCpuSec: r.cpuSec,
    importerPeakRssMb: r.peakRssMb,
    loadavg: os.loadavg(),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10000' },
      points: { type: 'string', default: '1000' },
      source: { type: 'string', default: 'both' },
    },
  });
  const runs = Number(values.runs);
  const points = Number(values.points);
  const results: Result[] = [];
  if (values.source !== 'rest') results.push(await benchDb(runs, points));
  if (values.source !== 'db') results.push(await benchRest(runs, points));
  console.log(JSON.stringify({ bench: 'import', runs, points, results }));
  console.log(
    table(
      [
        'source',
        'runs',
        'metric points',
        'seconds',
        'runs/s',
        'points/s',
        'importer CPU s',
        'importer peak RSS MiB',
        'source CPU s',
        'load avg',
      ],
      results.map((r) => [
        r.source,
        r.runs,
        r.points,
        r.seconds.toFixed(1),
        r.runsPerSec.toFixed(0),
        Math.round(r.pointsPerSec),
        r.importerCpuSec.toFixed(1),
        r.importerPeakRssMb.toFixed(0),
        r.sourceCpuSec?.toFixed(1),
        r.loadavg.map((x) => x.toFixed(1)).join(' '),
      ]),
    ),
  );
}

void main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
