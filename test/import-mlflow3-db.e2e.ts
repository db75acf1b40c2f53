import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSource, parseImportArgs, runImport } from '../src/importer/import.cli';
import { MlflowRestSource } from '../src/importer/sources/mlflow-rest.source';
import { ImportVerifier } from '../src/importer/verify';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from './support/postgres';
import { startServer, TestServer } from './support/server';

/** The MLflow 3.x store written by scripts/make-mlflow3-import-fixture.py (schema at alembic head bf29a5ff90ea). */
const FIXTURE = path.join(__dirname, 'fixtures', 'mlflow-import');
const T1 = 'tr-de9951df7861dd31cd0be00e5902989c';
const T2 = 'tr-0c9a7e5b3d1f2e4a6b8c0d2e4f6a8b0c';
const T3 = 'tr-7f6e5d4c3b2a19080706050403020100';
const V3 = '/api/3.0/mlflow/traces';

interface Store {
  uri: string;
  artifacts: string;
  /** Runs SQL on the source database (to change it between imports). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

function sqliteStore(): Store {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow3-src-'));
  const db = path.join(dir, 'mlflow.db');
  fs.copyFileSync(path.join(FIXTURE, 'mlflow-3.db'), db);
  fs.cpSync(path.join(FIXTURE, 'mlartifacts-3'), path.join(dir, 'mlartifacts'), { recursive: true });
  return {
    uri: `sqlite:///${db}`,
    artifacts: path.join(dir, 'mlartifacts'),
    exec: (sql) => {
      const d = new Database(db);
      d.exec(sql);
      d.close();
      return Promise.resolve();
    },
    close: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
  };
}

/** The same store in Postgres: every table with MLflow's column types (booleans as boolean), rows copied. */
async function postgresStore(): Promise<Store> {
  const files = sqliteStore();
  const pg: TestDatabase = await createTestDatabase('mlflow3_src');
  const src = new Database(files.uri.slice('sqlite:///'.length), { readonly: true });
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  const pgType = (t: string) =>
    t === 'FLOAT' ? 'double precision' : t === 'BOOLEAN' ? 'boolean' : t === 'INTEGER' ? 'integer' : t || 'text';
  const tables = src.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  for (const { name } of tables) {
    const cols = (src.prepare(`SELECT name, type, pk FROM pragma_table_xinfo(?)`).all(name) as any[]).filter(
      (c) => c.name !== 'duration_ns',
    );
    const pk = cols.filter((c) => c.pk > 0).map((c) => c.name);
    await client.query(
      `CREATE TABLE ${name} (${cols.map((c) => `"${c.name}" ${pgType(c.type)}`).join(', ')}${pk.length ? `, PRIMARY KEY (${pk.join(', ')})` : ''})`,
    );
    for (const row of src.prepare(`SELECT ${cols.map((c) => `"${c.name}"`).join(', ')} FROM ${name}`).all() as any[]) {
      const values = cols.map((c) => (c.type === 'BOOLEAN' && row[c.name] !== null ? !!row[c.name] : row[c.name]));
      await client.query(
        `INSERT INTO ${name} VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
        values as unknown[],
      );
    }
  }
  src.close();
  await client.end();
  return {
    uri: pg.url,
    artifacts: files.artifacts,
    exec: async (sql) => {
      const c = new Client({ connectionString: pg.url });
      await c.connect();
      await c.query(sql);
      await c.end();
    },
    close: async () => {
      await pg.drop();
      await files.close();
    },
  };
}

async function get(server: TestServer, p: string): Promise<any> {
  const res = await fetch(`${server.url}${p}`);
  expect(res.status, `${p}: ${await res.clone().text()}`).toBe(200);
  return res.json();
}

const attr = (span: any, key: string) => span.attributes.find((a: any) => a.key === key)?.value;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !TEST_POSTGRES_URL)(`tsflow import of an MLflow 3.x store (${kind})`, () => {
    let server: TestServer;
    let store: Store;
    const importOnce = async (extra: string[] = []) =>
      runImport(
        parseImportArgs(['--from', store.uri, '--artifacts-root', store.artifacts, ...extra]),
        server.config,
        {},
      );
    const verify = async () => {
      const source = await openSource(store.uri, store.artifacts, server.config, {});
      try {
        return await new ImportVerifier(source, new MlflowRestSource(server.url)).run();
      } finally {
        await source.close();
      }
    };

    beforeAll(async () => {
      store = kind === 'sqlite' ? sqliteStore() : await postgresStore();
      server = await startServer({ database: kind });
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('imports spans, assessments, logged models, inputs/outputs and the registry; the verifier finds no difference', async () => {
      const s = await importOnce();
      expect(s.sourceVersion).toBe(`mlflow-${kind} bf29a5ff90ea`);
      expect(s.traces).toEqual({ seen: 3, imported: 3, unchanged: 0 });
      expect(s).toMatchObject({ traceSpans: 4, assessments: 4, metricPoints: 7, warnings: [] });
      expect(s.loggedModels.imported).toBe(2);
      expect(s.runs.imported).toBe(2);
      // The run's file, the logged model's MLmodel and the traces.json of the trace without stored spans.
      expect(s.artifactFiles).toBe(3);
      const report = await verify();
      expect(report.differences).toEqual([]);
      expect(report).toMatchObject({ traces: 3, traceSpans: 4, assessments: 4, loggedModels: 2, runs: 2 });
    });

    it("a client reads the same traces through tsflow's v3 endpoints: spans, assessments, search, span data", async () => {
      const info = (await get(server, `${V3}/${T1}`)).trace.trace_info;
      expect(info).toMatchObject({
        trace_id: T1,
        client_request_id: 'req-42',
        state: 'OK',
        request_time: new Date(1_796_021_791_000).toISOString(),
        execution_duration: '0.900s',
        response_preview: '"An open source platform for the ML lifecycle."',
        tags: { 'mlflow.traceName': 'answer', 'mlflow.trace.spansLocation': 'TRACKING_STORE', team: 'genai' },
      });
      expect(info.trace_metadata['mlflow.sourceRun']).toBe('a4ced19b5e2f4c0f9d1e6b7a8c9d0e1f');
      const run = (await get(server, '/api/2.0/mlflow/runs/get?run_id=a4ced19b5e2f4c0f9d1e6b7a8c9d0e1f')).run;
      expect(run.outputs.model_outputs).toEqual([{ model_id: 'm-d3e268478fcb440592caf8d5d9d1c5a2', step: 3 }]);
      expect(run.inputs.model_inputs).toEqual([{ model_id: 'm-0a1b2c3d4e5f60718293a4b5c6d7e8f9' }]);
      const byName = (n: string) => info.assessments.filter((a: any) => a.assessment_name === n);
      expect(info.assessments).toHaveLength(4);
      const [judged, human] = byName('relevance');
      expect(judged).toMatchObject({ valid: false, feedback: { value: 0.4 }, source: { source_type: 'LLM_JUDGE' } });
      expect(judged.metadata).toEqual({ judge_version: '1' });
      expect(human).toMatchObject({ valid: true, overrides: judged.assessment_id, rationale: 'Correct and concise.' });
      expect(byName('expected_answer')[0].expectation.value).toBe('An open source platform for the ML lifecycle.');
      expect(byName('groundedness')[0]).toMatchObject({
        span_id: '2b3c4d5e6f708192',
        feedback: { error: { error_code: 'RATE_LIMIT_EXCEEDED' } },
      });

      const [trace] = (await get(server, `${V3}/batchGet?trace_ids=${T1}&trace_ids=${T3}`)).traces;
      expect(trace.spans.map((s: any) => s.name)).toEqual(['answer', 'retrieve', 'chat']);
      const [root, , chat] = trace.spans;
      expect(root.parent_span_id).toBeUndefined();
      expect(Buffer.from(root.trace_id, 'base64').toString('hex')).toBe(T1.slice(3));
      expect(attr(root, 'mlflow.spanInputs')).toEqual({
        kvlist_value: { values: [{ key: 'question', value: { string_value: 'What is MLflow? ☃' } }] },
      });
      expect(attr(chat, 'mlflow.spanType')).toEqual({ string_value: 'CHAT_MODEL' });
      expect(chat.end_time_unix_nano).toBe(String(1_796_021_790_000n * 1_000_000n + 880_000_000n));
      const failed = (await get(server, `${V3}/get?trace_id=${T2}`)).trace;
      expect(failed.trace_info.state).toBe('ERROR');
      expect(failed.spans[0].status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'ValueError: empty question' });
      expect(failed.spans[0].events[0]).toMatchObject({ name: 'exception' });

      const experimentId = info.trace_location.mlflow_experiment.experiment_id;
      const search = async (filter?: string): Promise<string[]> => {
        const res = await fetch(`${server.url}${V3}/search`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
            filter,
          }),
        });
        return ((await res.json()) as any).traces.map((t: any) => t.trace_id);
      };
      expect((await search()).sort()).toEqual([T1, T2, T3].sort());
      expect(await search("attributes.status = 'ERROR'")).toEqual([T2]);

      // Span data as traces.json: rendered from the stored spans, or the artifact an older client uploaded.
      const rendered = await get(server, `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${T1}`);
      expect(JSON.parse(rendered.spans[0].attributes['mlflow.spanInputs'])).toEqual({ question: 'What is MLflow? ☃' });
      const uploaded = await get(server, `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${T3}`);
      expect(uploaded.spans[0].attributes['mlflow.spanOutputs']).toBe('5');
    });

    it('a second import writes nothing; an assessment added or deleted at the source re-imports those traces only', async () => {
      const again = await importOnce();
      expect(again.traces).toEqual({ seen: 3, imported: 0, unchanged: 3 });
      await store.exec(
        `INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp,
           last_updated_timestamp, source_type, valid) VALUES ('a-9', '${T2}', 'user_rating', 'feedback', 'false',
           1796021799000, 1796021799000, 'HUMAN', TRUE);
         DELETE FROM assessments WHERE assessment_id = 'a-2f3e4d5c6b7a89908796a5b4c3d2e1f2'`,
      );
      const changed = await importOnce();
      expect(changed.traces).toEqual({ seen: 3, imported: 2, unchanged: 1 });
      expect(changed.assessments).toBe(1 + 3);
      const report = await verify();
      expect(report.differences).toEqual([]);
      expect(report.assessments).toBe(4);
      const info = (await get(server, `${V3}/${T1}`)).trace.trace_info;
      expect(info.assessments.map((a: any) => a.assessment_name)).not.toContain('expected_answer');
    });

    it('a span whose content is not JSON stops the import with a clear error', async () => {
      await store.exec("UPDATE spans SET content = '{not json' WHERE span_id = '4d5e6f708192a3b4'");
      await expect(importOnce()).rejects.toThrow(
        /span 4d5e6f708192a3b4 of trace tr-0c9a7e5b3d1f2e4a6b8c0d2e4f6a8b0c is not MLflow span JSON/,
      );
    });
  });
}
