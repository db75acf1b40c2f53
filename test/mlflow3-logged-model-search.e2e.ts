import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LM, Mlflow3Api } from './support/mlflow3';
import { startServer, TestServer } from './support/server';
import { BACKENDS, expectError, sleep, unique } from './support/tracking';

/** Logged-model search (L6): filter grammar, datasets, order_by objects, page tokens, bad input. */
describe.each(BACKENDS)('logged-model search ($db)', ({ db, skip }) => {
  let server: TestServer;
  let api: Mlflow3Api;
  let exp: string;
  const ids: Record<string, string> = {};

  /** Five models: metrics on two datasets, params, tags; created 5 ms apart (creation order = a..e). */
  beforeAll(async () => {
    if (skip) return;
    server = await startServer({ database: db });
    api = new Mlflow3Api(server.url);
    exp = await api.createExperiment(unique('lm-search'));
    const run = (await api.createRun(exp)).info.run_id;
    const specs = [
      { name: 'a', r2: [0.5, 0.95], units: '32', kind: 'ridge', ds: 'train' },
      { name: 'b', r2: [0.7], units: '64', kind: 'lasso', ds: 'train' },
      { name: 'c', r2: [0.9], units: '64', kind: 'ridge', ds: 'eval' },
      { name: 'd', r2: [], units: '128', kind: 'Ridge', ds: 'train' },
      { name: 'e', r2: [0.2], units: '32', kind: 'ridge', ds: 'eval' },
    ];
    for (const s of specs) {
      const created = await api.ok('POST', LM, {
        experiment_id: exp,
        name: s.name,
        source_run_id: run,
        model_type: s.kind === 'lasso' ? 'linear' : 'tree',
        params: [{ key: 'units', value: s.units }],
        tags: [{ key: 'kind', value: s.kind }],
      });
      const id = created.model.info.model_id;
      ids[s.name] = id;
      // Points in time order: the last one is the "latest" used for ordering.
      for (const [i, v] of s.r2.entries()) {
        await api.okPost('runs/log-metric', {
          run_id: run,
          key: 'r2',
          value: v,
          timestamp: 100 + i,
          step: i,
          model_id: id,
          dataset_name: s.ds,
          dataset_digest: `${s.ds}-digest`,
        });
      }
      await sleep(5);
    }
    await api.ok('PATCH', `${LM}/${ids.c}`, { model_id: ids.c, status: 'LOGGED_MODEL_READY' });
  });
  afterAll(async () => {
    await server?.close();
  });

  const names = async (body: Record<string, unknown>) => {
    const page = await api.searchModels({ experiment_ids: [exp], ...body });
    const byId = Object.fromEntries(Object.entries(ids).map(([n, id]) => [id, n]));
    return (page.models ?? []).map((m: any) => byId[m.info.model_id]);
  };

  it.skipIf(skip)('default order is newest first; filters on attributes, params, tags', async () => {
    expect(await names({})).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(await names({ filter: "name = 'b'" })).toEqual(['b']);
    expect(await names({ filter: "attributes.name IN ('a', 'c')" })).toEqual(['c', 'a']);
    expect(await names({ filter: "name != 'a' AND params.units = '64'" })).toEqual(['c', 'b']);
    expect(await names({ filter: "params.units IN ('32', '128')" })).toEqual(['e', 'd', 'a']);
    expect(await names({ filter: "tags.kind LIKE 'r%'" })).toEqual(['e', 'c', 'a']);
    expect(await names({ filter: "tags.kind ILIKE 'r%'" })).toEqual(['e', 'd', 'c', 'a']);
    expect(await names({ filter: "tags.`kind` NOT IN ('ridge')" })).toEqual(['d', 'b']);
    expect(await names({ filter: "model_type = 'linear'" })).toEqual(['b']);
    expect(await names({ filter: "status = 'LOGGED_MODEL_READY'" })).toEqual(['c']);
    expect(await names({ filter: `model_id = '${ids.d}'` })).toEqual(['d']);
    expect(await names({ filter: 'creation_timestamp_ms > 0 AND creation_time > 0' })).toHaveLength(5);
    // A missing param/tag never matches, even with !=.
    expect(await names({ filter: "params.missing != 'x'" })).toEqual([]);
  });

  it.skipIf(skip)('metric filters match ANY linked point; datasets restrict them', async () => {
    expect(await names({ filter: 'metrics.r2 > 0.8' })).toEqual(['c', 'a']);
    expect(await names({ filter: 'metrics.r2 > 0.8 AND metrics.r2 < 0.6' })).toEqual(['a']);
    expect(await names({ filter: 'metrics.r2 > 0.8', datasets: [{ dataset_name: 'train' }] })).toEqual(['a']);
    expect(
      await names({ filter: 'metrics.r2 > 0.1', datasets: [{ dataset_name: 'eval', dataset_digest: 'eval-digest' }] }),
    ).toEqual(['e', 'c']);
    expect(
      await names({ filter: 'metrics.r2 > 0.1', datasets: [{ dataset_name: 'eval', dataset_digest: 'no' }] }),
    ).toEqual([]);
    // Without metric comparisons: models having some point on those datasets.
    expect(await names({ datasets: [{ dataset_name: 'train' }] })).toEqual(['b', 'a']);
  });

  it.skipIf(skip)('order_by objects: metrics by latest point (missing last), attributes, aliases', async () => {
    const r2 = (ascending: boolean) => names({ order_by: [{ field_name: 'metrics.r2', ascending }] });
    // Latest points: a 0.95, b 0.7, c 0.9, e 0.2; d has none.
    expect(await r2(true)).toEqual(['e', 'b', 'c', 'a', 'd']);
    expect(await r2(false)).toEqual(['a', 'c', 'b', 'e', 'd']);
    expect(await names({ order_by: [{ field_name: 'name', ascending: false }] })).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(await names({ order_by: [{ field_name: 'creation_time' }] })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await names({ order_by: [{ field_name: 'metrics.r2', ascending: false, dataset_name: 'eval' }] })).toEqual([
      'c',
      'e',
      'd',
      'b',
      'a',
    ]);
    // rec full capture: filter + max_results + order_by.
    expect(
      await names({
        filter: 'metrics.r2 > 0.5',
        max_results: 1,
        order_by: [{ field_name: 'creation_time', ascending: false }],
      }),
    ).toEqual(['c']);
  });

  it.skipIf(skip)(
    'pages: token only while more rows exist, all pages add up, tokens bound to their query',
    async () => {
      const first = await api.searchModels({ experiment_ids: [exp], max_results: 2 });
      expect(first.models).toHaveLength(2);
      expect(first.next_page_token).toBeTypeOf('string');
      const all = await api.searchAllModels({ experiment_ids: [exp], max_results: 2 });
      expect(all.map((m) => m.info.name)).toEqual(['e', 'd', 'c', 'b', 'a']);
      const exact = await api.searchModels({ experiment_ids: [exp], max_results: 5 });
      expect(exact.next_page_token).toBeUndefined();
      const other = await api.req('POST', `${LM}/search`, {
        experiment_ids: [exp],
        filter: "name = 'a'",
        page_token: first.next_page_token,
      });
      expectError(other, 400, 'INVALID_PARAMETER_VALUE', 'in the page token do not match');
      expectError(
        await api.req('POST', `${LM}/search`, { experiment_ids: [exp], page_token: 'not a token!' }),
        400,
        'INVALID_PARAMETER_VALUE',
        'Invalid page token',
      );
    },
  );

  it.skipIf(skip)('bad input: 400 with MLflow error bodies, never a 5xx', async () => {
    const bad = async (body: Record<string, unknown>, fragment: string) =>
      expectError(await api.req('POST', `${LM}/search`, body), 400, 'INVALID_PARAMETER_VALUE', fragment);
    await bad({}, "Missing value for required parameter 'experiment_ids'");
    await bad({ experiment_ids: [] }, "Missing value for required parameter 'experiment_ids'");
    await bad({ experiment_ids: [exp], filter: 'metric.r2 > 1' }, "Invalid entity type 'metric'");
    await bad({ experiment_ids: [exp], filter: "metrics.r2 LIKE 'x'" }, 'Invalid comparator');
    await bad({ experiment_ids: [exp], filter: 'foo = 1' }, 'Invalid attribute key');
    await bad({ experiment_ids: [exp], filter: "name = 'a' OR name = 'b'" }, 'OR is not supported');
    await bad({ experiment_ids: [exp], filter: "name = 'a" }, 'Invalid clause');
    await bad({ experiment_ids: [exp], order_by: [{ field_name: 'params.units' }] }, 'Only metrics are supported');
    await bad({ experiment_ids: [exp], order_by: [{ field_name: 'foo' }] }, 'Invalid order by field name: foo');
    await bad({ experiment_ids: [exp], order_by: ['name'] }, 'Invalid value "name" for parameter \'order_by[0]\'');
    await bad(
      { experiment_ids: [exp], datasets: [{ dataset_digest: 'x' }] },
      '`dataset_name` in the `datasets` clause',
    );
    await bad({ experiment_ids: [exp], max_results: 5000 }, 'max_results');
    // Unknown experiments just match nothing; unknown request fields are ignored.
    expect(await api.searchModels({ experiment_ids: ['999999'], future_field: { a: 1 } })).toEqual({});
  });
});
