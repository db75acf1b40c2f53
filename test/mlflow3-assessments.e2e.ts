import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mlflow3Api, mlflow3Server } from './support/mlflow3';
import { adminAuth, basicAuth, startNoGrantServer } from './support/basic-auth';
import { http, startServer, TestServer } from './support/server';
import { BACKENDS, expectError, unique } from './support/tracking';

const T3 = '/api/3.0/mlflow/traces';

/** X1 as the 3.6 client sends it when a traced function returns (trace info only; spans live elsewhere). */
async function startTrace(api: Mlflow3Api, exp: string, headers: Record<string, string> = {}): Promise<string> {
  const traceId = `tr-${randomBytes(16).toString('hex')}`;
  const res = await http(
    api.base,
    'POST',
    T3,
    {
      trace: {
        trace_info: {
          trace_id: traceId,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
          request_time: '2026-12-07T13:00:00.000Z',
          execution_duration: '0.010s',
          state: 'OK',
          trace_metadata: { 'mlflow.trace_schema.version': '3' },
          tags: { 'mlflow.traceName': 'answer' },
        },
      },
    },
    headers,
  );
  expect(res.status, res.text).toBe(200);
  return traceId;
}

/** The bodies a 3.6 client sends (message_to_json of CreateAssessment): one value message, source, times. */
const assessmentBody = (traceId: string, name: string, at: string, fields: Record<string, unknown>) => ({
  assessment: {
    assessment_name: name,
    trace_id: traceId,
    source: { source_type: 'HUMAN', source_id: 'alice@example.com' },
    create_time: at,
    last_update_time: at,
    ...fields,
  },
});

const feedbackBody = (traceId: string, extra: Record<string, unknown> = {}) =>
  assessmentBody(traceId, 'correctness', '2026-12-07T13:01:02.345Z', {
    feedback: { value: true },
    rationale: 'The answer names Paris.',
    metadata: { reviewer_team: 'qa' },
    ...extra,
  });

const expectationBody = (traceId: string) =>
  assessmentBody(traceId, 'expected_facts', '2026-12-07T13:02:00.000Z', {
    expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '{"capital": "Paris"}' } },
    span_id: 'a1b2c3d4e5f60718',
  });

describe.each(BACKENDS)('MLflow 3 assessments ($db)', ({ db, skip }) => {
  const ctx = mlflow3Server(db, skip, 'assess');

  it.skipIf(skip)('log_feedback, log_expectation, get_assessment: stored and returned as the proto JSON', async () => {
    const traceId = await startTrace(ctx.api, ctx.exp);
    const created = (await ctx.api.ok('POST', `${T3}/${traceId}/assessments`, feedbackBody('tr-ignored'))).assessment;
    expect(created.assessment_id).toMatch(/^a-[0-9a-f]{32}$/);
    expect(created).toEqual({
      assessment_id: created.assessment_id,
      assessment_name: 'correctness',
      trace_id: traceId,
      source: { source_type: 'HUMAN', source_id: 'alice@example.com' },
      create_time: '2026-12-07T13:01:02.345Z',
      last_update_time: '2026-12-07T13:01:02.345Z',
      feedback: { value: true },
      rationale: 'The answer names Paris.',
      metadata: { reviewer_team: 'qa' },
      valid: true,
    });
    const expectation = (await ctx.api.ok('POST', `${T3}/${traceId}/assessments`, expectationBody(traceId))).assessment;
    expect(expectation).toMatchObject({
      expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '{"capital": "Paris"}' } },
      span_id: 'a1b2c3d4e5f60718',
      valid: true,
    });
    // get_assessment sends its ids as query parameters too.
    const got = await ctx.api.ok(
      'GET',
      `${T3}/${traceId}/assessments/${created.assessment_id}?trace_id=${traceId}&assessment_id=${created.assessment_id}`,
    );
    expect(got.assessment).toEqual(created);
    // The UI's ajax prefix serves the same routes.
    expect(
      (await ctx.api.req('GET', `/ajax-api/3.0/mlflow/traces/${traceId}/assessments/${created.assessment_id}`)).status,
    ).toBe(200);
    // get_trace / search_traces carry them in trace_info.assessments, oldest first.
    const info = (await ctx.api.ok('GET', `${T3}/${traceId}`)).trace.trace_info;
    expect(info.assessments.map((a: any) => a.assessment_id)).toEqual([
      created.assessment_id,
      expectation.assessment_id,
    ]);
    const search = await ctx.api.ok('POST', `${T3}/search`, {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: ctx.exp } }],
      max_results: 10,
    });
    const found = search.traces.find((t: any) => t.trace_id === traceId);
    expect(found.assessments).toHaveLength(2);
    expect(found.assessments[0]).toEqual(created);
  });

  it.skipIf(skip)(
    'update_assessment: update_mask (FieldMask JSON, camelCase) picks the fields; metadata merges',
    async () => {
      const traceId = await startTrace(ctx.api, ctx.exp);
      const a = (await ctx.api.ok('POST', `${T3}/${traceId}/assessments`, feedbackBody(traceId))).assessment;
      const res = await ctx.api.ok('PATCH', `${T3}/${traceId}/assessments/${a.assessment_id}`, {
        assessment: {
          assessment_id: a.assessment_id,
          trace_id: traceId,
          assessment_name: 'factuality',
          feedback: { value: 0.5 },
          rationale: 'Partly right.',
          metadata: { round: '2' },
        },
        update_mask: 'assessmentName,feedback,rationale,metadata',
      });
      expect(res.assessment).toMatchObject({
        assessment_id: a.assessment_id,
        assessment_name: 'factuality',
        feedback: { value: 0.5 },
        rationale: 'Partly right.',
        metadata: { reviewer_team: 'qa', round: '2' },
        create_time: a.create_time,
        valid: true,
      });
      expect(Date.parse(res.assessment.last_update_time)).toBeGreaterThan(Date.parse(a.last_update_time));
      // Only the masked fields change; {"paths": [...]} is accepted as well.
      const second = await ctx.api.ok('PATCH', `${T3}/${traceId}/assessments/${a.assessment_id}`, {
        assessment: { rationale: 'Right after all.', assessment_name: 'ignored' },
        update_mask: { paths: ['rationale'] },
      });
      expect(second.assessment).toMatchObject({ assessment_name: 'factuality', rationale: 'Right after all.' });
      // A feedback cannot become an expectation; a mask is required.
      const wrongKind = await ctx.api.req('PATCH', `${T3}/${traceId}/assessments/${a.assessment_id}`, {
        assessment: { expectation: { value: 'x' } },
        update_mask: 'expectation',
      });
      expectError(wrongKind, 400, 'INVALID_PARAMETER_VALUE', /Cannot update expectation value on a Feedback/);
      const noMask = await ctx.api.req('PATCH', `${T3}/${traceId}/assessments/${a.assessment_id}`, {
        assessment: { rationale: 'x' },
      });
      expectError(noMask, 400, 'INVALID_PARAMETER_VALUE', /update_mask/);
    },
  );

  it.skipIf(skip)(
    'override_feedback marks the old one invalid and links it; deleting the new one restores it',
    async () => {
      const traceId = await startTrace(ctx.api, ctx.exp);
      const old = (await ctx.api.ok('POST', `${T3}/${traceId}/assessments`, feedbackBody(traceId))).assessment;
      // override_feedback: get_assessment, then a new feedback of the same name with `overrides`.
      const body = feedbackBody(traceId, {
        feedback: { value: false },
        rationale: 'Wrong city.',
        overrides: old.assessment_id,
        create_time: '2026-12-07T13:05:00.000Z',
        last_update_time: '2026-12-07T13:05:00.000Z',
      });
      const newer = (await ctx.api.ok('POST', `${T3}/${traceId}/assessments`, body)).assessment;
      expect(newer).toMatchObject({ overrides: old.assessment_id, valid: true, feedback: { value: false } });
      const oldNow = (await ctx.api.ok('GET', `${T3}/${traceId}/assessments/${old.assessment_id}`)).assessment;
      expect(oldNow.valid).toBe(false);
      const info = (await ctx.api.ok('GET', `${T3}/${traceId}`)).trace.trace_info;
      expect(info.assessments.map((x: any) => [x.assessment_id, x.valid])).toEqual([
        [old.assessment_id, false],
        [newer.assessment_id, true],
      ]);
      // delete_assessment sends its ids in a JSON body; deleting twice is fine (MLflow is idempotent).
      const ids = { trace_id: traceId, assessment_id: newer.assessment_id };
      expect(await ctx.api.ok('DELETE', `${T3}/${traceId}/assessments/${newer.assessment_id}`, ids)).toEqual({});
      expect(await ctx.api.ok('DELETE', `${T3}/${traceId}/assessments/${newer.assessment_id}`, ids)).toEqual({});
      expect((await ctx.api.ok('GET', `${T3}/${traceId}/assessments/${old.assessment_id}`)).assessment.valid).toBe(
        true,
      );
      const gone = await ctx.api.req('GET', `${T3}/${traceId}/assessments/${newer.assessment_id}`);
      expectError(gone, 404, 'RESOURCE_DOES_NOT_EXIST', /not found/);
      // Overriding an unknown assessment is a 404 and writes nothing.
      const bad = await ctx.api.req(
        'POST',
        `${T3}/${traceId}/assessments`,
        feedbackBody(traceId, { overrides: 'a-00000000000000000000000000000000' }),
      );
      expectError(bad, 404, 'RESOURCE_DOES_NOT_EXIST');
      expect((await ctx.api.ok('GET', `${T3}/${traceId}`)).trace.trace_info.assessments).toHaveLength(1);
    },
  );

  it.skipIf(skip)('bad input is a 400, an unknown trace a 404; deleting a trace removes its assessments', async () => {
    const traceId = await startTrace(ctx.api, ctx.exp);
    const cases: [unknown, RegExp][] = [
      [{}, /assessment/],
      [{ assessment: { feedback: { value: 1 } } }, /assessment_name/],
      [{ assessment: { assessment_name: 'x' } }, /expectation.*feedback/],
      [{ assessment: { assessment_name: 'x', feedback: { value: 1 }, expectation: { value: 1 } } }, /Exactly one/],
      [{ assessment: { assessment_name: 'x', feedback: 3 } }, /feedback/],
      [{ assessment: { assessment_name: 'x', feedback: {}, source: { source_type: 'ROBOT' } } }, /source_type/],
      [{ assessment: { assessment_name: 'x', feedback: {}, metadata: { a: { b: 1 } } } }, /metadata/],
      [{ assessment: { assessment_name: 'x', feedback: {}, create_time: 'yesterday' } }, /create_time/],
    ];
    for (const [body, message] of cases) {
      expectError(
        await ctx.api.req('POST', `${T3}/${traceId}/assessments`, body),
        400,
        'INVALID_PARAMETER_VALUE',
        message,
      );
    }
    const unknown = await ctx.api.req('POST', `${T3}/tr-${'0'.repeat(32)}/assessments`, feedbackBody('x'));
    expectError(unknown, 404, 'RESOURCE_DOES_NOT_EXIST', /Trace with ID/);
    const a = (await ctx.api.ok('POST', `${T3}/${traceId}/assessments`, feedbackBody(traceId))).assessment;
    await ctx.api.ok('POST', `${T3}/delete-traces`, { experiment_id: ctx.exp, request_ids: [traceId] });
    expect((await ctx.api.req('GET', `${T3}/${traceId}/assessments/${a.assessment_id}`)).status).toBe(404);
  });
});

describe('MLflow 3 routes tsflow does not serve answer ENDPOINT_NOT_FOUND (README lists them)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => server?.close());

  it.each([
    ['POST', '/api/2.0/mlflow/webhooks'],
    ['GET', '/api/2.0/mlflow/webhooks'],
    ['POST', '/api/3.0/mlflow/scorers/register'],
    ['GET', '/api/3.0/mlflow/scorers/list?experiment_id=0'],
    ['POST', '/api/3.0/mlflow/datasets/create'],
    ['POST', '/api/3.0/mlflow/datasets/search'],
    ['POST', '/api/3.0/mlflow/prompt-optimization/jobs'],
    ['POST', '/ajax-api/3.0/mlflow/traces/calculate-trace-filter-correlation'],
  ])('%s %s → 404 ENDPOINT_NOT_FOUND', async (method, path) => {
    const res = await http(server.url, method, path, method === 'GET' ? undefined : {});
    expect([res.status, res.body.error_code]).toEqual([404, 'ENDPOINT_NOT_FOUND']);
  });
});

describe('assessments in basic-auth mode: READ on the trace experiment to read, EDIT to write', () => {
  let s: TestServer;
  let api: Mlflow3Api;
  const admin = adminAuth();
  const alice = basicAuth('alice', 'alice-password');

  beforeAll(async () => {
    s = await startNoGrantServer(['alice']);
    api = new Mlflow3Api(s.url);
  }, 120_000);
  afterAll(async () => s?.close());

  it('no grant: 403 and nothing read or written; READ reads; EDIT writes', async () => {
    const created = await http(s.url, 'POST', '/api/2.0/mlflow/experiments/create', { name: unique('secret') }, admin);
    const exp = created.body.experiment_id as string;
    const traceId = await startTrace(api, exp, admin);
    const a = (await http(s.url, 'POST', `${T3}/${traceId}/assessments`, feedbackBody(traceId), admin)).body.assessment;
    const one = `${T3}/${traceId}/assessments/${a.assessment_id}`;
    const calls: [string, string, unknown][] = [
      ['POST', `${T3}/${traceId}/assessments`, feedbackBody(traceId)],
      ['GET', one, undefined],
      ['PATCH', one, { assessment: { rationale: 'mine' }, update_mask: 'rationale' }],
      ['DELETE', one, {}],
      ['POST', `${T3}/${traceId}/assessments`, feedbackBody(traceId, { overrides: a.assessment_id })],
    ];
    for (const [method, path, body] of calls) {
      const res = await http(s.url, method, path, body, alice);
      expect([method, path, res.status, res.body.error_code]).toEqual([method, path, 403, 'PERMISSION_DENIED']);
    }
    const grant = (permission: string, method = 'POST', route = 'create') =>
      http(
        s.url,
        method,
        `/api/2.0/mlflow/experiments/permissions/${route}`,
        { experiment_id: exp, username: 'alice', permission },
        admin,
      );
    expect((await grant('READ')).status).toBe(200);
    expect((await http(s.url, 'GET', one, undefined, alice)).status).toBe(200);
    expect((await http(s.url, 'PATCH', one, calls[2][2], alice)).status).toBe(403);
    expect((await http(s.url, 'POST', `${T3}/${traceId}/assessments`, feedbackBody(traceId), alice)).status).toBe(403);
    expect((await grant('EDIT', 'PATCH', 'update')).status).toBe(200);
    expect((await http(s.url, 'PATCH', one, calls[2][2], alice)).body.assessment.rationale).toBe('mine');
    expect((await http(s.url, 'POST', `${T3}/${traceId}/assessments`, feedbackBody(traceId), alice)).status).toBe(200);
    expect((await http(s.url, 'DELETE', one, {}, alice)).status).toBe(200);
  });
});
