import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TestServer } from './support/server';
import { BACKENDS, PREFIXES, qs, raw, Res, TrackingApi } from './support/tracking';
import {
  BAD_FILTERS,
  BAD_KEYS,
  BAD_TOKENS,
  Ctx,
  Endpoint,
  ENDPOINTS,
  UNKNOWN_EXP,
  UNKNOWN_RUN,
} from './support/tracking-endpoints';

interface Case {
  label: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  status?: number;
  code?: string;
  message?: string;
}

const JSON_CT = { 'content-type': 'application/json' };
const MISSING = (f: string) => `Missing value for required parameter '${f}'`;

function without(args: Record<string, unknown>, ...fields: string[]): Record<string, unknown> {
  const out = { ...args };
  for (const f of fields) delete out[f];
  return out;
}

/** A request carrying `args` the way the endpoint reads them; GET args go in a JSON body unless `query`. */
function request(
  prefix: string,
  ep: Endpoint,
  label: string,
  args: Record<string, unknown>,
  expect: Partial<Case> = {},
  query = false,
): Case {
  const path = `${prefix}/${ep.path}`;
  if (ep.method === 'GET' && query) return { label, method: 'GET', path: `${path}${qs(args as never)}`, ...expect };
  return { label, method: ep.method, path, body: JSON.stringify(args), headers: JSON_CT, ...expect };
}

function bodyCases(prefix: string, ep: Endpoint): Case[] {
  const path = `${prefix}/${ep.path}`;
  const cases: Case[] = [
    { label: 'malformed JSON', method: ep.method, path, body: '{"a": ', headers: JSON_CT, status: 400 },
  ];
  for (const body of ['[]', '[{"run_id": "x"}]', '42', '"just a string"', 'true']) {
    cases.push({ label: `non-object body ${body}`, method: ep.method, path, body, headers: JSON_CT, status: 400 });
  }
  return cases;
}

function fieldCases(prefix: string, ep: Endpoint, c: Ctx): Case[] {
  const valid = ep.valid(c);
  const cases: Case[] = [];
  const bad = (label: string, field: string, values: unknown[]) => {
    for (const v of values)
      cases.push(
        request(
          prefix,
          ep,
          `${label} ${field}=${JSON.stringify(v)}`,
          { ...valid, [field]: v },
          { status: 400, code: 'INVALID_PARAMETER_VALUE' },
        ),
      );
  };
  for (const f of ep.required ?? []) {
    const gone = f === 'run_id' ? ['run_id', 'run_uuid'] : [f];
    cases.push(
      request(
        prefix,
        ep,
        `missing ${f}`,
        without(valid, ...gone),
        { status: 400, code: 'INVALID_PARAMETER_VALUE', message: MISSING(f) },
        true,
      ),
    );
    cases.push(
      request(
        prefix,
        ep,
        `empty ${f}`,
        { ...valid, [f]: ep.repeated?.includes(f) ? [] : '' },
        { status: 400, message: MISSING(f) },
      ),
    );
  }
  for (const f of ep.strings ?? []) bad('string', f, [31, 1.5, true, {}, ['a'], 'a\u0000b']);
  for (const f of ep.numericStrings ?? []) bad('experiment id', f, [true, {}, ['1']]);
  for (const f of ep.int64 ?? []) bad('int64', f, ['abc', 1.5, true, {}, [1], '9223372036854775808', 1e300]);
  for (const f of ep.doubles ?? []) bad('double', f, [true, 'abc', {}, [1], '1.5.5']);
  for (const f of ep.enums ?? []) bad('enum', f, ['BOGUS', 99, 0, true, {}]);
  for (const f of ep.repeated ?? []) bad('repeated', f, ['foo', 5, {}, [true], [{}, null]]);
  // 20k-deep nesting: must not overflow the stack while building the error message.
  const field = Object.keys(valid)[0];
  const deep = JSON.stringify({ ...valid, [field]: '@DEEP@' }).replace(
    '"@DEEP@"',
    `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  );
  cases.push({
    label: `deeply nested ${field}`,
    method: ep.method,
    path: `${prefix}/${ep.path}`,
    body: deep,
    headers: JSON_CT,
    status: 400,
  });
  return cases;
}

function idCases(prefix: string, ep: Endpoint, c: Ctx): Case[] {
  const valid = ep.valid(c);
  const cases: Case[] = [];
  if (ep.unknownRun) {
    cases.push(
      request(
        prefix,
        ep,
        'unknown run',
        { ...valid, run_id: UNKNOWN_RUN },
        { status: 404, code: 'RESOURCE_DOES_NOT_EXIST' },
      ),
    );
    for (const id of ['../../etc/passwd', 'a b', 'x'.repeat(300), '%2e%2e'])
      cases.push(request(prefix, ep, `bad run id ${id.slice(0, 20)}`, { ...valid, run_id: id }));
  }
  if (ep.unknownExp) {
    cases.push(
      request(
        prefix,
        ep,
        'unknown experiment',
        { ...valid, experiment_id: UNKNOWN_EXP },
        { status: 404, code: 'RESOURCE_DOES_NOT_EXIST' },
      ),
    );
    for (const id of ['abc', '-1', '1.5', '99999999999999999999', '../0'])
      cases.push(request(prefix, ep, `bad experiment id ${id}`, { ...valid, experiment_id: id }));
  }
  for (const make of ep.keys ?? []) {
    for (const key of BAD_KEYS)
      cases.push(request(prefix, ep, `bad key ${JSON.stringify(key.slice(0, 20))}`, make(c, key)));
  }
  return cases;
}

function searchCases(prefix: string, ep: Endpoint, c: Ctx): Case[] {
  const valid = ep.valid(c);
  const cases: Case[] = [];
  if (!ep.search) return cases;
  if (ep.search.filter)
    for (const filter of BAD_FILTERS)
      cases.push(request(prefix, ep, `bad filter ${filter.slice(0, 25)}`, { ...valid, filter }, { status: 400 }));
  if (ep.search.filter) {
    cases.push(
      request(prefix, ep, 'duplicate order_by', { ...valid, order_by: ['name', 'name DESC'] }, { status: 400 }),
    );
    cases.push(
      request(
        prefix,
        ep,
        'too many order_by',
        { ...valid, order_by: Array.from({ length: 2000 }, (_, i) => `metrics.m${i}`) },
        { status: 400 },
      ),
    );
  }
  if (ep.search.token)
    for (const token of BAD_TOKENS)
      cases.push(
        request(prefix, ep, `bad token ${token.slice(0, 20)}`, { ...valid, page_token: token }, { status: 400 }, true),
      );
  for (const max of ep.search.badMax)
    cases.push(
      request(
        prefix,
        ep,
        `max_results ${max}`,
        { ...valid, max_results: max },
        { status: 400 },
        typeof max === 'number',
      ),
    );
  return cases;
}

function transportCases(prefix: string, ep: Endpoint): Case[] {
  const path = `${prefix}/${ep.path}`;
  const cases: Case[] = [];
  if (ep.method === 'POST') {
    cases.push({
      label: 'no Content-Type',
      method: 'POST',
      path,
      body: '{}',
      status: 400,
      message: 'Bad Request. Content-Type header is missing.',
    });
    for (const ct of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '<script>alert(1)</script>',
      'application/jsonx',
    ]) {
      cases.push({
        label: `Content-Type ${ct}`,
        method: 'POST',
        path,
        body: '{}',
        headers: { 'content-type': ct },
        status: 400,
        message: "Bad Request. Content-Type must be one of ['application/json'].",
      });
    }
  }
  const allowed = new Set([ep.method, ...(ep.alsoGet ? ['GET'] : [])]);
  for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => !allowed.has(m))) {
    cases.push({
      label: `method ${method}`,
      method,
      path,
      body: method === 'GET' ? undefined : '{}',
      headers: JSON_CT,
      status: 405,
    });
  }
  return cases;
}

/** Every response: 4xx, JSON, exactly string `error_code` and `message`, nothing echoed. */
function problems(c: Case, res: Res): string[] {
  const out: string[] = [];
  const body = res.body as Record<string, unknown> | undefined;
  if (res.status < 400 || res.status > 499) out.push(`status ${res.status}`);
  if (c.status && res.status !== c.status) out.push(`status ${res.status} != ${c.status}`);
  if (!String((res.headers as Record<string, string>)['content-type']).startsWith('application/json'))
    out.push('not JSON');
  if (!body || JSON.stringify(Object.keys(body).sort()) !== '["error_code","message"]') out.push('body keys');
  else if (typeof body.error_code !== 'string' || typeof body.message !== 'string') out.push('body types');
  if (c.code && body?.error_code !== c.code) out.push(`code ${body?.error_code} != ${c.code}`);
  if (c.message && !String(body?.message).includes(c.message)) out.push(`message lacks ${c.message}`);
  if (res.text.includes('<script>')) out.push('echoes markup');
  return out.length
    ? [`${c.label} [${c.method} ${c.path.slice(0, 80)}]: ${out.join(', ')} :: ${res.text.slice(0, 160)}`]
    : [];
}

async function runCases(base: string, cases: Case[], parallel = 16): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < cases.length; i += parallel) {
    const chunk = cases.slice(i, i + parallel);
    const results = await Promise.all(chunk.map((c) => raw(base, c.method, c.path, c.body, c.headers)));
    chunk.forEach((c, j) => failures.push(...problems(c, results[j])));
  }
  return failures;
}

describe.each(BACKENDS)(
  'tracking API rejects bad input with 4xx MLflow errors and writes nothing ($db)',
  ({ db, skip }) => {
    describe.skipIf(skip)('', () => {
      let server: TestServer;
      let api: TrackingApi;
      const ctx: Ctx = { exp: '', run: '' };
      let before: unknown;

      /** Everything a rejected request could have changed. */
      async function snapshot() {
        const exps = await api.okPost('experiments/search', { view_type: 'ALL', max_results: 1000 });
        const ids = exps.experiments.map((e: any) => e.experiment_id);
        const runs = await api.okPost('runs/search', { experiment_ids: ids, run_view_type: 'ALL', max_results: 1000 });
        const history = await api.history(ctx.run, 'm');
        return { exps, runs, history };
      }

      beforeAll(async () => {
        server = await startServer({ database: db, env: { TSFLOW_MAX_BODY_MB: '2' } });
        api = new TrackingApi(server.url);
        ctx.exp = await api.createExperiment('victim', { tags: [{ key: 'k', value: 'v' }] });
        ctx.run = (
          await api.createRun(ctx.exp, { run_name: 'victim-run', tags: [{ key: 'victim-tag', value: 'v' }] })
        ).info.run_id;
        await api.logBatch(ctx.run, {
          metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
          params: [{ key: 'p', value: 'v' }],
        });
        before = await snapshot();
      });
      afterAll(async () => {
        await server?.close();
      });

      // Routing is backend-independent: Postgres only needs one prefix.
      describe.each(db === 'sqlite' ? [...PREFIXES] : [PREFIXES[0]])('under %s', (prefix) => {
        it.each(ENDPOINTS.map((ep) => [`${ep.method} ${ep.path}`, ep] as const))('%s', async (_name, ep) => {
          const cases = [
            ...bodyCases(prefix, ep),
            ...fieldCases(prefix, ep, ctx),
            ...idCases(prefix, ep, ctx),
            ...searchCases(prefix, ep, ctx),
            ...transportCases(prefix, ep),
          ];
          expect(cases.length).toBeGreaterThan(10);
          expect(await runCases(server.url, cases)).toEqual([]);
        });

        it('rejects oversize and conflicting batches', async () => {
          const n = (count: number, make: (i: number) => unknown) => Array.from({ length: count }, (_, i) => make(i));
          const m = (i: number) => ({ key: `k${i}`, value: i, timestamp: 1 });
          const kv = (i: number) => ({ key: `k${i}`, value: 'v' });
          const batches = [
            { metrics: n(1001, m) },
            { params: n(101, kv) },
            { tags: n(101, kv) },
            { metrics: n(900, m), params: n(100, kv), tags: n(1, kv) },
            { params: [{ key: 'p', value: 'changed' }], metrics: [m(1)], tags: [kv(1)] },
            { params: [kv(1), kv(1)] },
            { metrics: [m(1), { key: 'x', value: 1 }] },
            { tags: n(100, (i) => ({ key: `t${i}`, value: 'x'.repeat(30_000) })) }, // 3 MB: over the 2 MB body limit
          ];
          const cases: Case[] = batches.map((b, i) => ({
            label: `batch ${i}`,
            method: 'POST',
            path: `${prefix}/runs/log-batch`,
            body: JSON.stringify({ run_id: ctx.run, ...b }),
            headers: JSON_CT,
          }));
          cases[cases.length - 1].status = 413;
          expect(await runCases(server.url, cases, 1)).toEqual([]);
        });

        it('answers unknown paths with 404 ENDPOINT_NOT_FOUND', async () => {
          const paths = [
            'runs/nope',
            'experiments/list',
            'runs/get/extra',
            'RUNS/GET',
            'metrics/get-history/',
            '../../etc/passwd',
            '%2e%2e/%2e%2e/etc/passwd',
          ];
          const cases: Case[] = paths.flatMap((p) => [
            { label: `GET ${p}`, method: 'GET', path: `${prefix}/${p}`, status: 404, code: 'ENDPOINT_NOT_FOUND' },
            {
              label: `POST ${p}`,
              method: 'POST',
              path: `${prefix}/${p}`,
              body: '{}',
              headers: JSON_CT,
              status: 404,
              code: 'ENDPOINT_NOT_FOUND',
            },
          ]);
          // `../..` may be normalised away by the URL parser; any 4xx JSON error is fine there.
          for (const c of cases) {
            if (!c.path.includes('etc/passwd')) continue;
            delete c.status;
            delete c.code;
          }
          expect(await runCases(server.url, cases)).toEqual([]);
        });
      });

      it('rejects bad /api/v1/runs/compare requests', async () => {
        const path = '/api/v1/runs/compare';
        const cases: Case[] = [
          { label: 'no run_ids', method: 'GET', path, status: 400, code: 'INVALID_PARAMETER_VALUE' },
          { label: 'empty run_ids', method: 'GET', path: `${path}?run_ids=,,,`, status: 400 },
          {
            label: '101 run_ids',
            method: 'GET',
            path: `${path}?run_ids=${Array.from({ length: 101 }, (_, i) => i).join(',')}`,
            status: 400,
          },
          {
            label: 'unknown run',
            method: 'GET',
            path: `${path}?run_ids=${ctx.run},${UNKNOWN_RUN}`,
            status: 404,
            code: 'RESOURCE_DOES_NOT_EXIST',
          },
          { label: 'traversal id', method: 'GET', path: `${path}?run_ids=..%2F..%2Fetc%2Fpasswd` },
          { label: 'NUL id', method: 'GET', path: `${path}?run_ids=a%00b` },
          { label: 'POST', method: 'POST', path, body: '{}', headers: JSON_CT, status: 405 },
        ];
        expect(await runCases(server.url, cases)).toEqual([]);
      });

      it('answers long but valid filters without a 5xx', async () => {
        const filters = [
          `tags.t = '${'a'.repeat(10_000)}'`,
          `${"tags.t != 'a' AND ".repeat(49)}tags.t != 'b'`,
          `run_id IN (${Array.from({ length: 2000 }, (_, i) => `'${i}'`).join(',')})`,
        ];
        for (const filter of [...filters, 'start_time > 1.5', 'attributes.end_time < 1e30', 'created >= -1e300']) {
          const res = await api.post('runs/search', { experiment_ids: [ctx.exp], filter });
          expect(res.status, `${filter}: ${res.text.slice(0, 200)}`).toBe(200);
        }
        for (const filter of ['creation_time > 1.5', 'last_update_time < 1e30', `name = '${'a'.repeat(10_000)}'`]) {
          const res = await api.post('experiments/search', { filter });
          expect(res.status, `${filter}: ${res.text.slice(0, 200)}`).toBe(200);
        }
        const long = await api.post('runs/search', {
          experiment_ids: [ctx.exp],
          filter: `${"tags.t != 'a' AND ".repeat(50)}tags.t != 'b'`,
        });
        expect(long.status, long.text).toBe(400);
        expect(long.body.message).toContain('at most 50 comparisons');
      });

      it('leaves stored data unchanged after all rejected requests', async () => {
        expect(await snapshot()).toEqual(before);
      });
    });
  },
);
