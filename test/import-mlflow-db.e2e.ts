import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config';
import { openSource, parseImportArgs, runImport } from '../src/importer/import.cli';
import { ImportError } from '../src/importer/import-source';
import { MlflowRestSource } from '../src/importer/sources/mlflow-rest.source';
import { ImportVerifier } from '../src/importer/verify';
import { copyFixture, growStore, MlflowStoreCopy } from '../bench/lib/mlflow-store';
import { Mlflow3Api } from './support/mlflow3';
import { startServer, TestServer } from './support/server';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'tsflow.js');

async function importInto(server: TestServer, store: MlflowStoreCopy, extra: string[] = []) {
  const options = parseImportArgs(['--from', store.uri, '--artifacts-root', store.artifacts, ...extra]);
  return runImport(options, server.config, {});
}

async function verify(server: TestServer, store: MlflowStoreCopy) {
  const source = await openSource(store.uri, store.artifacts, server.config, {});
  try {
    return await new ImportVerifier(source, new MlflowRestSource(server.url)).run();
  } finally {
    await source.close();
  }
}

describe('tsflow import from an MLflow 2.12 database and artifact store (made by a real MLflow server)', () => {
  let server: TestServer;
  let store: MlflowStoreCopy;

  beforeAll(async () => {
    store = copyFixture();
    server = await startServer();
    // Experiment id 1 is taken here by another experiment: the import maps MLflow's 1 to a new id.
    await new Mlflow3Api(server.url).createExperiment('already here');
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(store.dir, { recursive: true, force: true });
  });

  it('imports every entity with its identity, and the verifier finds no difference', async () => {
    const summary = await importInto(server, store);
    expect(summary.sourceVersion).toBe('mlflow-sqlite acf3f17fdcc7');
    expect(summary.experiments).toEqual({ seen: 3, imported: 3, unchanged: 0 });
    expect(summary.runs).toEqual({ seen: 6, imported: 6, unchanged: 0 });
    expect(summary.metricPoints).toBe(507);
    expect(summary.registeredModels.imported).toBe(1);
    expect(summary.modelVersions).toBe(3);
    expect(summary.artifactFiles).toBe(3);
    // MLflow's 1 lands on 2, so its 2 ('retired') moves on to 3.
    expect(summary.experimentIdMap).toEqual({ '1': '2', '2': '3' });
    expect(summary.warnings).toEqual([]);
    const report = await verify(server, store);
    expect(report.differences).toEqual([]);
    expect(report).toMatchObject({ experiments: 3, runs: 6, metricPoints: 507, registeredModels: 1, artifactFiles: 3 });
  });

  it('MLflow clients read the same data from tsflow: NaN/inf, unicode, deleted objects, stages, aliases, rewritten sources', async () => {
    const api = new Mlflow3Api(server.url);
    const exps = (await api.okPost('experiments/search', { max_results: 100, view_type: 'ALL' })).experiments;
    const byName = Object.fromEntries(exps.map((e: any) => [e.name, e]));
    expect(byName['forecasting ☃']).toMatchObject({
      experiment_id: '2',
      lifecycle_stage: 'active',
      artifact_location: 'mlflow-artifacts:/2',
    });
    expect(byName['forecasting ☃'].tags).toEqual(expect.arrayContaining([{ key: 'ünï', value: 'cødé' }]));
    expect(byName.retired.lifecycle_stage).toBe('deleted');
    const runs = (await api.searchRuns({ experiment_ids: ['2'], run_view_type: 'ALL' })).runs!;
    const parent = runs.find((r) => r.info.run_name === 'parent');
    expect(parent.info).toMatchObject({
      status: 'FINISHED',
      start_time: 1_700_000_000_000,
      end_time: 1_700_000_100_000,
      user_id: expect.any(String),
    });
    expect(parent.info.artifact_uri).toBe(`mlflow-artifacts:/2/${parent.info.run_id}/artifacts`);
    expect(runs.find((r) => r.info.run_name === 'gone').info.lifecycle_stage).toBe('deleted');
    expect(runs.filter((r) => r.data.tags?.some((t: any) => t.key === 'mlflow.parentRunId'))).toHaveLength(3);
    const odd = await api.history(parent.info.run_id, 'odd');
    // As MLflow's SQL store answers: NaN, and ±inf as ±max double.
    expect(odd.metrics.map((m: any) => m.value)).toEqual(['NaN', 1.7976931348623157e308, -1.7976931348623157e308]);
    expect((await api.history(parent.info.run_id, 'loss')).metrics).toHaveLength(500);
    expect(parent.inputs.dataset_inputs[0]).toMatchObject({
      dataset: { name: 'sales', digest: 'd41d8cd9' },
      tags: [{ key: 'mlflow.data.context', value: 'training' }],
    });
    const notes = await fetch(
      `${server.url}/get-artifact?run_id=${parent.info.run_id}&path=${encodeURIComponent('notes ü.txt')}`,
    );
    expect(await notes.text()).toBe('imported from MLflow 2.12\n');
    const model = (await api.okGet('registered-models/get', { name: 'demand' })).registered_model;
    expect(model.description).toBe('# Demand\n\nweekly');
    expect(model.aliases).toEqual(
      expect.arrayContaining([
        { alias: 'champion', version: '3' },
        { alias: 'previous', version: '2' },
      ]),
    );
    const v2 = (await api.okGet('model-versions/get', { name: 'demand', version: '2' })).model_version;
    expect(v2).toMatchObject({
      current_stage: 'Production',
      source: `mlflow-artifacts:/2/${parent.info.run_id}/artifacts/model`,
      run_id: parent.info.run_id,
    });
    const mlmodel = await fetch(`${server.url}/model-versions/get-artifact?name=demand&version=3&path=MLmodel`);
    expect(await mlmodel.text()).toContain('python_function');
  });

  it('a second import writes nothing; a change at the source is all the next one writes', async () => {
    const again = await importInto(server, store);
    expect(again.runs).toEqual({ seen: 6, imported: 0, unchanged: 6 });
    expect(
      again.experiments.imported + again.registeredModels.imported + again.artifactFiles + again.metricPoints,
    ).toBe(0);
    const db = new Database(store.db);
    db.prepare("UPDATE tags SET value = 'changed' WHERE key = 'note'").run();
    db.close();
    const dry = await importInto(server, store, ['--dry-run']);
    expect(dry.runs.imported).toBe(1);
    const changed = await importInto(server, store);
    expect(changed.runs).toEqual({ seen: 6, imported: 1, unchanged: 5 });
    expect((await verify(server, store)).differences).toEqual([]);
  });

  it('clear errors: an unreachable server, a database that is not MLflow, an unknown schema revision', async () => {
    const config = server.config;
    await expect(openSource('http://127.0.0.1:1', undefined, config, {}).then((s) => s.describe())).rejects.toThrow(
      /MLflow server http:\/\/127\.0\.0\.1:1 is unreachable/,
    );
    const notMlflow = `sqlite:///${path.join(server.dir, 'tsflow.db')}`;
    await expect(openSource(notMlflow, undefined, config, {}).then((s) => s.describe())).rejects.toThrow(
      /not an MLflow database/,
    );
    const broken = copyFixture();
    const db = new Database(broken.db);
    db.exec('ALTER TABLE params RENAME TO params_old');
    db.exec("UPDATE alembic_version SET version_num = 'ffffffffffff'");
    db.close();
    const err = await openSource(broken.uri, undefined, config, {})
      .then((s) => s.describe())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as Error).message).toMatch(
      /Unknown MLflow schema revision ffffffffffff: table params lacks run_uuid, key, value/,
    );
    expect(() => parseImportArgs(['--verify', '--from', broken.uri])).toThrow(/--verify needs --to/);
    fs.rmSync(broken.dir, { recursive: true, force: true });
  });
});

describe.skipIf(!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli.js')))(
  'tsflow import killed with SIGKILL resumes',
  () => {
    let store: MlflowStoreCopy;
    let server: TestServer | undefined;
    let targetDir: string;

    beforeAll(() => {
      store = copyFixture();
      growStore(store.db, 1, 100, 500);
      targetDir = fs.mkdtempSync(path.join(store.dir, 'target-'));
    });
    afterAll(async () => {
      await server?.close();
      fs.rmSync(store.dir, { recursive: true, force: true });
    });

    function cli(args: string[]) {
      const env = {
        ...process.env,
        MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(targetDir, 'tsflow.db')}`,
        MLFLOW_ARTIFACTS_DESTINATION: path.join(targetDir, 'artifacts'),
      };
      return spawn(
        process.execPath,
        [CLI, 'import', '--from', store.uri, '--artifacts-root', store.artifacts, ...args],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    }

    function imported(): number {
      const file = path.join(targetDir, 'tsflow.db');
      if (!fs.existsSync(file)) return 0;
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare("SELECT count(*) AS n FROM import_state WHERE kind = 'run'").get() as { n: number }).n;
      } catch {
        return 0;
      } finally {
        db.close();
      }
    }

    it('stops mid-import with kill -9, resumes to the same result with nothing duplicated or lost', async () => {
      const child = cli([]);
      const deadline = Date.now() + 60_000;
      while (imported() < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const before = imported();
      expect(before).toBeGreaterThanOrEqual(20);
      expect(before).toBeLessThan(106);

      const resumed = cli(['--json']);
      let out = '';
      resumed.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise((r) => resumed.once('exit', r));
      expect(code).toBe(0);
      const summary = JSON.parse(out);
      expect(summary.runs.seen).toBe(106);
      expect(summary.runs.unchanged).toBeGreaterThanOrEqual(before);
      expect(summary.runs.imported).toBe(106 - summary.runs.unchanged);

      const config = loadConfig({
        MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(targetDir, 'tsflow.db')}`,
        MLFLOW_ARTIFACTS_DESTINATION: path.join(targetDir, 'artifacts'),
      });
      server = await startServer({
        env: {
          MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(targetDir, 'tsflow.db')}`,
          MLFLOW_ARTIFACTS_DESTINATION: path.join(targetDir, 'artifacts'),
        },
      });
      const source = await openSource(store.uri, store.artifacts, config, {});
      const report = await new ImportVerifier(source, new MlflowRestSource(server.url), { checksums: false }).run();
      await source.close();
      expect(report.differences).toEqual([]);
      expect(report.runs).toBe(106);
      expect(report.metricPoints).toBe(507 + 100 * 500);
    }, 240_000);
  },
);
