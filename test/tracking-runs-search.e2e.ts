import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TestServer } from './support/server';
import { BACKENDS, expectError, TrackingApi, unique } from './support/tracking';

type Fixture = Record<'r1' | 'r2' | 'r3' | 'r4' | 'r5' | 'r6' | 'r7', string>;

/** search-runs (T14, mlflow-api.md §8.1, §8.5) on a fixed set of runs covering every filter kind. */
describe.each(BACKENDS)('tracking search-runs ($db)', ({ db, skip }) => {
  describe.skipIf(skip)('', () => {
    let server: TestServer;
    let api: TrackingApi;
    let exp: string;
    let exp2: string;
    const r = {} as Fixture;

    async function run(
      experimentId: string,
      name: string,
      start: number,
      user: string,
      batch: Parameters<TrackingApi['logBatch']>[1],
      extra: { status?: string; end?: number } = {},
    ) {
      const id = (await api.createRun(experimentId, { run_name: name, start_time: start, user_id: user })).info
        .run_id as string;
      await api.logBatch(id, batch);
      if (extra.status) await api.okPost('runs/update', { run_id: id, status: extra.status, end_time: extra.end });
      return id;
    }
    const m = (key: string, value: number | string) => ({ key, value, timestamp: 1, step: 0 });
    const kv = (key: string, value: string) => ({ key, value });
    const dataset = (name: string, digest: string, context: string) => ({
      tags: [kv('mlflow.data.context', context)],
      dataset: { name, digest, source_type: 'local', source: '{}' },
    });

    beforeAll(async () => {
      server = await startServer({ database: db });
      api = new TrackingApi(server.url);
      exp = await api.createExperiment(unique('search'));
      exp2 = await api.createExperiment(unique('search2'));
      r.r1 = await run(
        exp,
        'alpha-one',
        1000,
        'alice',
        {
          metrics: [m('m', 1), m('acc', 0.5)],
          params: [kv('p', 'Abc'), kv('model', 'lr')],
          tags: [kv('t', 'x'), kv('my-tag', 'hy'), kv('my tag', 'sp')],
        },
        { status: 'FINISHED', end: 2000 },
      );
      r.r2 = await run(exp, 'Alpha-two', 2000, 'bob', {
        metrics: [m('m', 3)],
        params: [kv('p', 'abc'), kv('model', 'rf')],
        tags: [kv('t', 'y')],
      });
      r.r3 = await run(
        exp,
        'beta',
        3000,
        'alice',
        { metrics: [m('m', 'NaN')], params: [kv('p', 'ab')], tags: [kv('t', 'Y')] },
        { status: 'FAILED', end: 3500 },
      );
      r.r4 = await run(exp, 'gamma', 4000, 'carol', { params: [kv('model', 'lr'), kv('q', 'a*b?[c]%_x')] });
      r.r5 = await run(
        exp,
        'delta',
        2000,
        'bob',
        { metrics: [m('m', -1)], params: [kv('p', 'a_c')] },
        { status: 'KILLED' },
      );
      r.r6 = await run(exp, 'deleted-run', 5000, 'dave', { metrics: [m('m', 0)] });
      r.r7 = await run(exp2, 'other-exp', 1500, 'erin', { metrics: [m('m', 2)] });
      await api.okPost('runs/log-inputs', { run_id: r.r1, datasets: [dataset('iris', 'd1', 'training')] });
      await api.okPost('runs/log-inputs', { run_id: r.r2, datasets: [dataset('wine', 'd2', 'eval')] });
      await api.okPost('runs/delete', { run_id: r.r6 });
    });
    afterAll(async () => {
      await server?.close();
    });

    /** Names (r1..r7) of the runs a search returns, in order. */
    async function names(filter?: string, orderBy?: string[], extra: Record<string, unknown> = {}): Promise<string[]> {
      const ids = await api.searchIds([exp], filter, orderBy, extra);
      const byId = new Map(Object.entries(r).map(([k, v]) => [v, k]));
      return ids.map((id) => byId.get(id) ?? id);
    }
    // r2 and r5 share start_time 2000; the run_id ASC tie-breaker decides their order.
    const tie = () => (r.r2 < r.r5 ? ['r2', 'r5'] : ['r5', 'r2']);

    describe('filters', () => {
      it('defaults to start_time DESC then run_id ASC, active runs only', async () => {
        expect(await names()).toEqual(['r4', 'r3', ...tie(), 'r1']);
      });

      it.each([
        ['metrics.m > 0', ['r2', 'r1']],
        ['metric.m = 3', ['r2']],
        ['metrics.m != 1', ['r2', 'r5']], // NaN and missing never match
        ['metrics.m <= 1', ['r5', 'r1']],
        ['metrics.m >= -1 and metrics.acc < 1', ['r1']],
        ['metrics.m < 1e9', ['r2', 'r5', 'r1']],
        ['metrics.nope > 0', []],
        ['metrics.m = 0', []], // NaN is stored as 0 but never matches (deviation)
      ])('metrics: %s', async (filter, expected) => {
        expect((await names(filter)).sort()).toEqual([...expected].sort());
      });

      it.each([
        ["params.p = 'abc'", ['r2']],
        ["params.p LIKE 'Ab%'", ['r1']],
        ["params.p ILIKE 'ab%'", ['r1', 'r2', 'r3']],
        ["params.p LIKE 'a_c'", ['r2', 'r5']],
        ["params.p LIKE '%c'", ['r1', 'r2', 'r5']],
        ["param.p != 'abc'", ['r1', 'r3', 'r5']],
        ["parameter.model = 'lr'", ['r1', 'r4']],
        ["parameters.model = 'lr' AND params.p = 'Abc'", ['r1']],
        ['params.p = "ab"', ['r3']],
        // GLOB/LIKE metacharacters in values are literals; only % and _ are wildcards.
        ["params.q = 'a*b?[c]%_x'", ['r4']],
        ["params.q LIKE 'a*b?[c]%'", ['r4']],
        ["params.q LIKE '%[c]%'", ['r4']],
        ["params.q LIKE 'a_b%'", ['r4']],
        ["params.q LIKE 'a*b?[d]%'", []],
        ["params.q LIKE 'a*'", []],
        ["params.q ILIKE 'A*B?[C]%'", ['r4']],
      ])('params: %s', async (filter, expected) => {
        expect((await names(filter)).sort()).toEqual([...expected].sort());
      });

      it.each([
        ["tags.t = 'y'", ['r2']],
        ["tag.t ILIKE 'y'", ['r2', 'r3']],
        ["tags.t LIKE 'Y'", ['r3']],
        ["tags.t != 'x'", ['r2', 'r3']],
        ["tags.`my-tag` = 'hy'", ['r1']],
        ['tags."my tag" = \'sp\'', ['r1']],
        ["`tags`.t = 'x'", ['r1']],
        ["tags.`mlflow.runName` = 'beta'", ['r3']],
      ])('tags: %s', async (filter, expected) => {
        expect((await names(filter)).sort()).toEqual([...expected].sort());
      });

      it('attributes: run_id =, IN (uppercase entries dropped), NOT IN', async () => {
        expect(await names(`attributes.run_id = '${r.r2}'`)).toEqual(['r2']);
        expect((await names(`attributes.run_id IN ('${r.r1}', '${r.r3}', '${r.r7}')`)).sort()).toEqual(['r1', 'r3']);
        expect(await names(`run_id IN ('${r.r1.toUpperCase()}')`)).toEqual([]);
        expect((await names(`run_id IN ('${r.r1.toUpperCase()}', '${r.r4}')`)).sort()).toEqual(['r4']);
        expect((await names(`attr.run_id NOT IN ('${r.r1}', '${r.r2}')`)).sort()).toEqual(['r3', 'r4', 'r5']);
      });

      it.each([
        ['attributes.start_time > 2000', ['r3', 'r4']],
        ['created >= 3000', ['r3', 'r4']],
        ['Created < 2000', ['r1']],
        ['start_time = 2000', ['r2', 'r5']],
        ['start_time > 1999.5', ['r2', 'r3', 'r4', 'r5']], // fractional bound on an integer column
        ['created < 1e30', ['r1', 'r2', 'r3', 'r4', 'r5']],
        ['attr.end_time < 3000', ['r1']],
        ["status = 'FINISHED'", ['r1']],
        ["attributes.status = 'finished'", []],
        ["attributes.status != 'RUNNING'", ['r1', 'r3', 'r5']],
        ["run_name = 'beta'", ['r3']],
        ["`run name` = 'beta'", ['r3']],
        ["`Run name` LIKE 'Alpha%'", ['r2']],
        ["`Run Name` ILIKE 'alpha%'", ['r1', 'r2']],
        ["run.run_name ILIKE '%TA'", ['r3', 'r5']],
        ["attributes.user_id = 'alice'", ['r1', 'r3']],
        ["user_id LIKE 'b%'", ['r2', 'r5']],
      ])('attributes: %s', async (filter, expected) => {
        expect((await names(filter)).sort()).toEqual([...expected].sort());
      });

      it('attributes: artifact_uri', async () => {
        expect(await names(`artifact_uri LIKE '%${r.r4}%'`)).toEqual(['r4']);
      });

      it.each([
        ["datasets.name = 'iris'", ['r1']],
        ["dataset.digest IN ('d1', 'd2')", ['r1', 'r2']],
        ["datasets.name NOT IN ('iris')", ['r2']],
        ["datasets.context = 'training'", ['r1']],
        ["datasets.context ILIKE 'EV%'", ['r2']],
        ["datasets.name != 'iris' AND metrics.m > 0", ['r2']],
      ])('datasets: %s', async (filter, expected) => {
        expect((await names(filter)).sort()).toEqual([...expected].sort());
      });

      it('selects lifecycle stages with run_view_type and searches several experiments', async () => {
        expect(await names(undefined, undefined, { run_view_type: 'DELETED_ONLY' })).toEqual(['r6']);
        expect((await names(undefined, undefined, { run_view_type: 'ALL' })).length).toBe(6);
        expect(await names(undefined, undefined, { run_view_type: 2 })).toEqual(['r6']);
        const both = await api.searchIds([exp, exp2], 'metrics.m >= 2');
        expect((await api.searchIds([Number(exp), Number(exp2)] as never, 'metrics.m >= 2')).sort()).toEqual(
          both.sort(),
        );
        expect(both.sort()).toEqual([r.r2, r.r7].sort());
        expect(await api.searchRuns({ experiment_ids: [] })).toEqual({});
        expect(await api.searchRuns({ experiment_ids: ['987654'] })).toEqual({});
        expect(await api.searchRuns({ experiment_ids: [exp], filter: "params.p = 'none'" })).toEqual({});
      });

      it('matches Unicode keys (backticked) and values', async () => {
        const uexp = await api.createExperiment(unique('unicode'));
        const id = await run(uexp, 'ünï', 1, 'zoë', {
          metrics: [m('Größe', 2)],
          params: [kv('ключ', 'значение')],
          tags: [kv('标签', '值')],
        });
        expect(await api.searchIds([uexp], 'metrics.`Größe` > 1')).toEqual([id]);
        expect(await api.searchIds([uexp], "params.`ключ` = 'значение' AND tags.`标签` LIKE '值%'")).toEqual([id]);
        expect(await api.searchIds([uexp], "run_name = 'ünï' AND user_id = 'zoë'")).toEqual([id]);
        expect(await api.searchIds([uexp], "params.`ключ` = 'ЗНАЧЕНИЕ'")).toEqual([]);
      });

      it('rejects invalid filters with 400 INVALID_PARAMETER_VALUE', async () => {
        const bad = [
          "metrics.m > 'a'",
          "params.p > 'a'",
          "params.p = 'a' OR params.p = 'b'",
          "(params.p = 'a')",
          'foo.bar = 1',
          "status IN ('FINISHED')",
          'params.p = unquoted',
          "attributes.lifecycle_stage = 'active'",
          "metrics.m LIKE '1'",
          "params.p = 'a' AND",
          "tags.t = 'unterminated",
        ];
        for (const filter of bad) {
          expectError(await api.post('runs/search', { experiment_ids: [exp], filter }), 400, 'INVALID_PARAMETER_VALUE');
        }
      });
    });

    describe('order_by', () => {
      it.each([
        [['metrics.m ASC'], ['r5', 'r1', 'r2', 'r3', 'r4']], // values, then NaN, then missing
        [['metrics.m DESC'], ['r2', 'r1', 'r5', 'r3', 'r4']],
        [['metric.m'], ['r5', 'r1', 'r2', 'r3', 'r4']],
        [['params.p ASC'], ['r1', 'r5', 'r3', 'r2', 'r4']], // byte order: 'Abc' < 'a_c' < 'ab' < 'abc'; missing last
        [['params.p DESC'], ['r2', 'r3', 'r5', 'r1', 'r4']],
        [['tags.t DESC'], ['r2', 'r1', 'r3', 'r4', 'r5']], // missing last, then start_time DESC
        [['run_name ASC'], ['r2', 'r1', 'r3', 'r5', 'r4']],
        [['attributes.run_name DESC'], ['r4', 'r5', 'r3', 'r1', 'r2']],
        [
          ['params.model ASC', 'metrics.m DESC'],
          ['r1', 'r4', 'r2', 'r5', 'r3'],
        ],
        [['attributes.user_id'], ['r3', 'r1', 'TIE', 'r4']], // alice by start_time DESC, bob tie, carol
        [['attributes.start_time ASC'], ['r1', 'TIE', 'r3', 'r4']],
        [['created DESC'], ['r4', 'r3', 'TIE', 'r1']],
        [['end_time ASC'], ['r1', 'r3', 'r4', 'TIE']], // null end times last
        [['status DESC'], ['r4', 'r2', 'r5', 'r1', 'r3']], // RUNNING > KILLED > FINISHED > FAILED
      ])('%j', async (orderBy, expected) => {
        const want = expected.flatMap((n) => (n === 'TIE' ? tie() : [n]));
        expect(await names(undefined, orderBy)).toEqual(want);
      });

      it('rejects duplicate, unknown and malformed order_by clauses with 400', async () => {
        for (const orderBy of [
          ['metrics.m ASC', 'metrics.m DESC'],
          ['start_time', 'created DESC'],
          ['datasets.name'],
          ['nope'],
          ['metrics.m UP'],
          [''],
        ]) {
          expectError(
            await api.post('runs/search', { experiment_ids: [exp], order_by: orderBy }),
            400,
            'INVALID_PARAMETER_VALUE',
          );
        }
      });
    });

    describe('response shape and paging', () => {
      it('returns full runs (info, latest metrics, params, tags, inputs) identical to runs/get', async () => {
        const res = await api.searchRuns({ experiment_ids: [exp], filter: `run_id = '${r.r1}'` });
        expect(res.runs).toEqual([await api.getRun(r.r1)]);
        expect(res.runs?.[0].inputs.dataset_inputs).toHaveLength(1);
        const ajax = new TrackingApi(server.url, '/ajax-api/2.0/mlflow');
        expect(await ajax.searchRuns({ experiment_ids: [exp] })).toEqual(
          await api.searchRuns({ experiment_ids: [exp] }),
        );
      });

      it.each([[[]], [['metrics.x DESC']], [['params.q ASC', 'start_time ASC']]])(
        'collects every run exactly once across pages while runs are inserted (order_by %j)',
        async (orderBy) => {
          const pexp = await api.createExperiment(unique('paging'));
          for (let i = 0; i < 23; i++) {
            const id = (await api.createRun(pexp, { start_time: 1000 + (i % 5) })).info.run_id;
            await api.logBatch(id, {
              metrics: i % 4 ? [m('x', i % 3)] : [],
              params: i % 3 ? [kv('q', String(i % 4))] : [],
            });
          }
          const full = await api.searchIds([pexp], undefined, orderBy, { max_results: 1000 });
          expect(full).toHaveLength(23);
          const seen: string[] = [];
          let token: string | undefined;
          let pages = 0;
          do {
            const page = await api.searchRuns({
              experiment_ids: [pexp],
              order_by: orderBy,
              max_results: 4,
              page_token: token,
            });
            seen.push(...(page.runs ?? []).map((x: any) => x.info.run_id));
            token = page.next_page_token;
            pages++;
            // Newcomers sort first (later start) and in the middle (equal start): they must not shift offsets.
            const newcomer = (await api.createRun(pexp, { start_time: pages % 2 ? 9999 : 1002 })).info.run_id;
            await api.logBatch(newcomer, { metrics: [m('x', 1)], params: [kv('q', '1')] });
          } while (token && pages < 20);
          expect(pages).toBe(6);
          expect(new Set(seen).size).toBe(seen.length);
          expect(seen).toEqual(full);
        },
      );

      it('validates max_results and page tokens', async () => {
        for (const max of [-1, 50001]) {
          expectError(
            await api.post('runs/search', { experiment_ids: [exp], max_results: max }),
            400,
            'INVALID_PARAMETER_VALUE',
            'max_results',
          );
        }
        expect((await api.searchRuns({ experiment_ids: [exp], max_results: 50000 })).runs).toHaveLength(5);
        const two = await api.searchRuns({ experiment_ids: [exp], max_results: 2 });
        expect(two.runs).toHaveLength(2);
        expect(typeof two.next_page_token).toBe('string');
        for (const token of [
          'junk',
          '!!!',
          Buffer.from('[1]').toString('base64'),
          Buffer.from('{"offset": -5}').toString('base64'),
          'x'.repeat(5000),
        ]) {
          expectError(
            await api.post('runs/search', { experiment_ids: [exp], page_token: token }),
            400,
            'INVALID_PARAMETER_VALUE',
            'Invalid page token',
          );
        }
      });
    });
  });
});
