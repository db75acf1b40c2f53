import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImportArgs, runImport } from '../src/importer/import.cli';
import { MlflowRestSource } from '../src/importer/sources/mlflow-rest.source';
import { ImportVerifier } from '../src/importer/verify';
import { Mlflow3Api } from './support/mlflow3';
import { addTrace, postOtlp, traceInfo } from './support/otlp';
import { startServer, TestServer } from './support/server';

const T3 = '/api/3.0/mlflow/traces';

/** A traced function as the 3.6 client logs it: OTLP spans (root + child, or a failed root), then X1. */
async function tracedFunction(api: Mlflow3Api, exp: string, error = false): Promise<string> {
  const { traceId, body } = addTrace({ error });
  const res = await postOtlp(api.base, exp, body);
  expect(res.status, await res.clone().text()).toBe(200);
  await api.ok('POST', T3, { trace: { trace_info: traceInfo(traceId, exp, { state: error ? 'ERROR' : 'OK' }) } });
  return traceId;
}

const assessment = (traceId: string, name: string, fields: Record<string, unknown>) => ({
  assessment: {
    assessment_name: name,
    trace_id: traceId,
    source: { source_type: 'HUMAN', source_id: 'ana@example.com' },
    create_time: '2026-12-07T13:01:02.345Z',
    last_update_time: '2026-12-07T13:01:02.345Z',
    ...fields,
  },
});

describe('tsflow import of MLflow 3 traces over REST (a tsflow server as the source: v3 search, batchGet)', () => {
  let source: TestServer;
  let target: TestServer;
  let api: Mlflow3Api;
  const ids: string[] = [];

  beforeAll(async () => {
    source = await startServer();
    target = await startServer();
    api = new Mlflow3Api(source.url);
    const exp = await api.createExperiment('agents');
    const ok = await tracedFunction(api, exp);
    ids.push(ok, await tracedFunction(api, exp, true));
    const first = (
      await api.ok('POST', `${T3}/${ok}/assessments`, assessment(ok, 'correct', { feedback: { value: true } }))
    ).assessment;
    await api.ok(
      'POST',
      `${T3}/${ok}/assessments`,
      assessment(ok, 'correct', {
        feedback: { value: false },
        rationale: 'Off by one.',
        overrides: first.assessment_id,
        create_time: '2026-12-07T13:05:00.000Z',
        last_update_time: '2026-12-07T13:05:00.000Z',
      }),
    );
    await api.ok(
      'POST',
      `${T3}/${ok}/assessments`,
      assessment(ok, 'expected', {
        expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '{"sum": 5}' } },
        metadata: { set: 'golden' },
        create_time: '2026-12-07T13:06:00.000Z',
        last_update_time: '2026-12-07T13:06:00.000Z',
      }),
    );
    await api.ok('PATCH', `/api/2.0/mlflow/traces/${ok}/tags`, { key: 'env', value: 'prod' });
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  const importOnce = () => runImport(parseImportArgs(['--from', source.url]), target.config, {});
  const verify = () => new ImportVerifier(new MlflowRestSource(source.url), new MlflowRestSource(target.url)).run();

  it('imports trace infos, spans and assessments; the verifier compares them and finds no difference', async () => {
    const s = await importOnce();
    expect(s.traces).toEqual({ seen: 2, imported: 2, unchanged: 0 });
    expect(s).toMatchObject({ traceSpans: 3, assessments: 3, warnings: [] });
    const report = await verify();
    expect(report.differences).toEqual([]);
    expect(report).toMatchObject({ traces: 2, traceSpans: 3, assessments: 3 });
    expect((await importOnce()).traces).toEqual({ seen: 2, imported: 0, unchanged: 2 });
  });

  it('a client gets the same trace from tsflow as from the source: info, assessments and spans', async () => {
    const read = async (server: TestServer, p: string) => new Mlflow3Api(server.url).ok('GET', p);
    for (const id of ids) {
      const [a, b] = await Promise.all([read(source, `${T3}/${id}`), read(target, `${T3}/${id}`)]);
      expect(b).toEqual(a);
    }
    const q = `${T3}/batchGet?trace_ids=${ids[0]}&trace_ids=${ids[1]}`;
    const [a, b] = await Promise.all([read(source, q), read(target, q)]);
    expect(b.traces.map((t: any) => t.spans)).toEqual(a.traces.map((t: any) => t.spans));
    expect(b.traces[0].trace_info.assessments.map((x: any) => [x.assessment_name, x.valid])).toEqual([
      ['correct', false],
      ['correct', true],
      ['expected', true],
    ]);
  });

  it('the verifier reports a missing span and a changed assessment', async () => {
    const targetApi = new Mlflow3Api(target.url);
    const [a] = (await targetApi.ok('GET', `${T3}/${ids[0]}`)).trace.trace_info.assessments;
    await targetApi.ok('PATCH', `${T3}/${ids[0]}/assessments/${a.assessment_id}`, {
      assessment: { rationale: 'edited in tsflow' },
      update_mask: 'rationale',
    });
    await target.app
      .get(await import('../src/database/db').then((m) => m.Db))
      .query('DELETE FROM trace_spans WHERE trace_id = ? AND is_root = 0', [ids[0]]);
    const report = await verify();
    expect(report.differences).toEqual(
      expect.arrayContaining([
        `trace ${ids[0]}: 1 spans in tsflow, 2 in the source`,
        `trace ${ids[0]}: assessment ${a.assessment_id} differs`,
      ]),
    );
  });
});
