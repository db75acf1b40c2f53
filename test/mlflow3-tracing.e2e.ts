import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mlflow3Api, mlflow3Server } from './support/mlflow3';
import { addTrace, otlpBody, postOtlp, START_NS, traceInfo } from './support/otlp';
import { startServer, TestServer } from './support/server';
import { BACKENDS, expectError, unique } from './support/tracking';

const T3 = '/api/3.0/mlflow/traces';
const T2 = '/api/2.0/mlflow/traces';
describe.each(BACKENDS)('MLflow 3 tracing, OTLP mode ($db)', ({ db, skip }) => {
  const ctx = mlflow3Server(db, skip, 'traces');

  /** Root `add` (2 + 3 = 5) with one child, exported as the 3.6 client does, then X1. */
  async function tracedFunction(extra: Record<string, unknown> = {}) {
    const { traceId, body } = addTrace();
    const res = await postOtlp(ctx.server.url, ctx.exp, body);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: null });
    const started = await ctx.api.ok('POST', T3, { trace: { trace_info: traceInfo(traceId, ctx.exp, extra) } });
    return { traceId, started: started.trace.trace_info };
  }

  it.skipIf(skip)(
    'a traced function: /version >= 3.4, OTLP spans, X1, get_trace (X3 + X4), search (X5 + X4)',
    async () => {
      const version = (await ctx.api.req('GET', '/version')).text;
      expect(version).toMatch(/^3\.\d+\.\d+$/);
      expect(Number(version.split('.')[1])).toBeGreaterThanOrEqual(4);
      const { traceId, started } = await tracedFunction();
      expect(started).toMatchObject({
        trace_id: traceId,
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: ctx.exp } },
        request_time: '2026-11-30T06:56:39.616Z',
        execution_duration: '0.012s',
        state: 'OK',
        request_preview: '{"a": 2, "b": 3}',
        response_preview: '5',
      });
      expect(started.tags).toEqual({
        'mlflow.traceName': 'add',
        'mlflow.artifactLocation': `mlflow-artifacts:/${ctx.exp}/traces/${traceId}/artifacts`,
        'mlflow.trace.spansLocation': 'TRACKING_STORE',
      });
      expect(started.trace_metadata['mlflow.user']).toBe('root');
      // mlflow.get_trace: X3 then X4.
      const info = await ctx.api.ok('GET', `${T3}/${traceId}?trace_id=${traceId}`);
      expect(info.trace.trace_info).toEqual(started);
      const batch = await ctx.api.ok('GET', `${T3}/batchGet?trace_ids=${traceId}`);
      expect(batch.traces).toHaveLength(1);
      const spans = batch.traces[0].spans;
      expect(spans.map((s: any) => s.name)).toEqual(['add', 'child']);
      expect(spans[0]).toMatchObject({
        trace_id: Buffer.from(traceId.slice(3), 'hex').toString('base64'),
        start_time_unix_nano: START_NS.toString(),
        end_time_unix_nano: (START_NS + 12_000_000n).toString(),
        status: { code: 'STATUS_CODE_OK' },
      });
      expect(spans[0].parent_span_id).toBeUndefined();
      expect(spans[1].parent_span_id).toBe(spans[0].span_id);
      expect(spans[0].attributes).toContainEqual({
        key: 'mlflow.spanInputs',
        value: {
          kvlist_value: {
            values: [
              { key: 'a', value: { int_value: '2' } },
              { key: 'b', value: { int_value: '3' } },
            ],
          },
        },
      });
      // search_traces: X5 then X4 for TRACKING_STORE traces.
      const found = await ctx.api.ok('POST', `${T3}/search`, {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: ctx.exp } }],
        max_results: 100,
      });
      expect(found.traces.map((t: any) => t.trace_id)).toContain(traceId);
      // X2 and the UI helper.
      expect((await ctx.api.ok('GET', `${T3}/get?trace_id=${traceId}`)).trace.spans).toHaveLength(2);
      const file = await ctx.api.ok('GET', `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${traceId}`);
      expect(file.spans[0]).toMatchObject({ name: 'add', parent_span_id: null });
      expect(file.spans[0].attributes['mlflow.spanInputs']).toBe('{"a":2,"b":3}');
      expect(file.spans[0].attributes['mlflow.spanType']).toBe('"\\"UNKNOWN\\""');
    },
  );

  it.skipIf(skip)('spans first create the trace (IN_PROGRESS until a root), X1 afterwards merges', async () => {
    const raw = randomBytes(16);
    const traceId = `tr-${raw.toString('hex')}`;
    const root = randomBytes(8);
    await postOtlp(
      ctx.server.url,
      ctx.exp,
      otlpBody([
        {
          traceId: raw,
          spanId: randomBytes(8),
          parent: root,
          name: 'c',
          startNs: START_NS + 5n * 1_000_000n,
          endNs: START_NS + 6n * 1_000_000n,
        },
      ]),
    );
    const partial = (await ctx.api.ok('GET', `${T3}/${traceId}`)).trace.trace_info;
    expect(partial).toMatchObject({ state: 'IN_PROGRESS', execution_duration: '0.001s' });
    expect(partial.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
    await postOtlp(
      ctx.server.url,
      ctx.exp,
      otlpBody([
        {
          traceId: raw,
          spanId: root,
          name: 'root',
          startNs: START_NS,
          endNs: START_NS + 9_000_000n,
          error: true,
          inputs: { x: 1 },
        },
      ]),
    );
    const done = (await ctx.api.ok('GET', `${T3}/${traceId}`)).trace.trace_info;
    expect(done).toMatchObject({ state: 'ERROR', execution_duration: '0.009s', request_preview: '{"x":1}' });
    expect(done.request_time).toBe(new Date(Number(START_NS / 1_000_000n)).toISOString());
    // Partial traces are left out of X4 while fewer spans are stored than the client counted.
    const three = JSON.stringify({ num_spans: 3 });
    await ctx.api.ok('POST', T3, {
      trace: {
        trace_info: traceInfo(traceId, ctx.exp, {
          state: 'ERROR',
          trace_metadata: { 'mlflow.trace.sizeStats': three },
        }),
      },
    });
    expect(await ctx.api.ok('GET', `${T3}/batchGet?trace_ids=${traceId}`)).toEqual({});
    expectError(await ctx.api.req('GET', `${T3}/get?trace_id=${traceId}`), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect((await ctx.api.ok('GET', `${T3}/get?trace_id=${traceId}&allow_partial=true`)).trace.spans).toHaveLength(2);
  });

  it.skipIf(skip)('tags (X7/X8), run links and search filters (X5, X10), delete (X6)', async () => {
    const run = (await ctx.api.createRun(ctx.exp)).info.run_id;
    const a = await tracedFunction({ trace_metadata: { 'mlflow.sourceRun': run } });
    const b = await tracedFunction({
      state: 'ERROR',
      request_time: '2026-11-30T07:00:00.000Z',
      tags: { 'mlflow.traceName': 'mul' },
    });
    await ctx.api.ok('PATCH', `${T2}/${a.traceId}/tags`, { key: 'env', value: 'prod' });
    await ctx.api.ok('PATCH', `${T2}/${b.traceId}/tags`, { key: 'env', value: 'dev' });
    const search = async (filter?: string, orderBy?: string[], extra: Record<string, unknown> = {}) => {
      const res = await ctx.api.ok('POST', `${T3}/search`, {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: ctx.exp } }],
        filter,
        order_by: orderBy,
        ...extra,
      });
      return (res.traces ?? [])
        .map((t: any) => t.trace_id)
        .filter((id: string) => id === a.traceId || id === b.traceId);
    };
    expect(await search("tags.env = 'prod'")).toEqual([a.traceId]);
    expect(await search("status = 'ERROR'")).toEqual([b.traceId]);
    expect(await search("name = 'mul'")).toEqual([b.traceId]);
    expect(await search(`run_id = '${run}'`)).toEqual([a.traceId]);
    expect(await search("metadata.`mlflow.user` = 'root'")).toEqual([b.traceId]);
    expect(await search("tags.`env` LIKE '%' AND timestamp_ms > 0")).toHaveLength(2);
    expect(
      await search(undefined, ['timestamp_ms ASC']).then(
        (ids: string[]) => ids.indexOf(b.traceId) > ids.indexOf(a.traceId),
      ),
    ).toBe(true);
    await ctx.api.ok('POST', `${T2}/link-to-run`, { trace_ids: [b.traceId], run_id: run });
    expect(await search(`run_id = '${run}'`)).toHaveLength(2);
    const paged = await ctx.api.ok('POST', `${T3}/search`, {
      locations: [{ mlflow_experiment: { experiment_id: ctx.exp } }],
      max_results: 1,
    });
    expect(paged.traces).toHaveLength(1);
    expect(paged.next_page_token).toBeTypeOf('string');
    // X8 with a JSON body; missing tag is a 404.
    expect((await ctx.api.req('DELETE', `${T2}/${a.traceId}/tags`, { key: 'env' })).status).toBe(200);
    expectError(
      await ctx.api.req('DELETE', `${T2}/${a.traceId}/tags`, { key: 'env' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      "No trace tag with key 'env'",
    );
    const deleted = await ctx.api.ok('POST', `${T2}/delete-traces`, {
      experiment_id: ctx.exp,
      request_ids: [a.traceId, b.traceId],
    });
    expect(deleted).toEqual({ traces_deleted: 2 });
    expectError(
      await ctx.api.req('GET', `${T3}/${a.traceId}`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `Trace with ID '${a.traceId}' not found.`,
    );
    const c = await tracedFunction();
    expect(
      await ctx.api.ok('POST', `${T2}/delete-traces`, {
        experiment_id: ctx.exp,
        max_timestamp_millis: Date.now(),
        max_traces: 100,
      }),
    ).toMatchObject({ traces_deleted: expect.any(Number) });
    expectError(await ctx.api.req('GET', `${T3}/${c.traceId}`), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it.skipIf(skip)('bad input: 4xx with MLflow error bodies', async () => {
    const unknown = `tr-${'0'.repeat(32)}`;
    expectError(
      await ctx.api.req('GET', `${T3}/${unknown}`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `Trace with ID '${unknown}' not found.`,
    );
    expect(await ctx.api.ok('GET', `${T3}/batchGet?trace_ids=${unknown}`)).toEqual({});
    expectError(
      await ctx.api.req('PATCH', `${T2}/${unknown}/tags`, { key: 'k', value: 'v' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(await ctx.api.req('POST', T3, {}), 400, 'INVALID_PARAMETER_VALUE', "'trace'");
    expectError(
      await ctx.api.req('POST', T3, { trace: { trace_info: traceInfo('tr-1', '99999') } }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(
      await ctx.api.req('POST', T3, { trace: { trace_info: traceInfo('tr-1', ctx.exp, { state: 'DONE' }) } }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'state'",
    );
    expectError(
      await ctx.api.req('POST', T3, {
        trace: { trace_info: traceInfo('tr-1', ctx.exp, { request_time: 'yesterday' }) },
      }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expectError(
      await ctx.api.req('POST', `${T3}/search`, { locations: [] }),
      400,
      'INVALID_PARAMETER_VALUE',
      'locations',
    );
    const loc = { locations: [{ mlflow_experiment: { experiment_id: ctx.exp } }] };
    expectError(
      await ctx.api.req('POST', `${T3}/search`, { ...loc, max_results: 501 }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expectError(
      await ctx.api.req('POST', `${T3}/search`, { ...loc, filter: "span.name = 'x'" }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expectError(
      await ctx.api.req('POST', `${T2}/delete-traces`, { experiment_id: ctx.exp }),
      400,
      'INVALID_PARAMETER_VALUE',
      'max_timestamp_millis',
    );
    expectError(
      await ctx.api.req('POST', `${T2}/delete-traces`, { experiment_id: ctx.exp, request_ids: ['x'], max_traces: 2 }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    // gzip-compressed exports (OTEL_EXPORTER_OTLP_COMPRESSION=gzip) are inflated first.
    const raw = randomBytes(16);
    const zipped = await fetch(`${ctx.server.url}/v1/traces`, {
      method: 'POST',
      body: gzipSync(
        otlpBody([{ traceId: raw, spanId: randomBytes(8), name: 'z', startNs: START_NS, endNs: START_NS + 1n }]),
      ),
      headers: {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'gzip',
        'x-mlflow-experiment-id': ctx.exp,
      },
    });
    expect(zipped.status, await zipped.clone().text()).toBe(200);
    expect((await ctx.api.ok('GET', `${T3}/tr-${raw.toString('hex')}`)).trace.trace_info.state).toBe('OK');
    const garbage = await postOtlp(ctx.server.url, ctx.exp, Buffer.from('not protobuf at all'));
    expect(garbage.status).toBe(400);
    expect((await postOtlp(ctx.server.url, ctx.exp, Buffer.alloc(0))).status).toBe(400);
    expect((await postOtlp(ctx.server.url, ctx.exp, Buffer.alloc(0), 'application/json')).status).toBe(400);
    const noHeader = await fetch(`${ctx.server.url}/v1/traces`, {
      method: 'POST',
      body: otlpBody([{ traceId: randomBytes(16), spanId: randomBytes(8), name: 'x', startNs: START_NS }]),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(noHeader.status).toBe(400);
  });
});

describe('MLflow 3 tracing with /version < 3.4 (spans as a traces.json artifact)', () => {
  let server: TestServer;
  let api: Mlflow3Api;

  beforeAll(async () => {
    server = await startServer({ env: { TSFLOW_MLFLOW_VERSION: '2.22.0' } });
    api = new Mlflow3Api(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('X1 claims no spansLocation; the client uploads traces.json; reads go through the artifact', async () => {
    expect((await api.req('GET', '/version')).text).toBe('2.22.0');
    const exp = await api.createExperiment(unique('traces-a'));
    const traceId = `tr-${randomBytes(16).toString('hex')}`;
    const started = (await api.ok('POST', T3, { trace: { trace_info: traceInfo(traceId, exp) } })).trace.trace_info;
    expect(started.tags['mlflow.trace.spansLocation']).toBeUndefined();
    const location: string = started.tags['mlflow.artifactLocation'];
    const spans = { spans: [{ name: 'add', attributes: { 'mlflow.spanInputs': '{"a": 2}' } }] };
    await api.upload(
      `${location.replace('mlflow-artifacts:/', '')}/traces.json`,
      JSON.stringify(spans),
      'application/json',
    );
    expect(await api.ok('GET', `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${traceId}`)).toEqual(spans);
    expect(await api.ok('GET', `${T3}/batchGet?trace_ids=${traceId}`)).toEqual({});
  });
});
