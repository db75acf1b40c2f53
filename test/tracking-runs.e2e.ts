import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';
import { BACKENDS, expectError, kvObject, TrackingApi, unique } from './support/tracking';

/** Run lifecycle and logging endpoints T9-T13, T15-T21 and /api/v1/runs/compare (mlflow-api.md §3.2, §4, §7). */
describe.each(BACKENDS)('tracking runs ($db)', ({ db, skip }) => {
  describe.skipIf(skip)('', () => {
    let server: TestServer;
    let api: TrackingApi;
    let exp: string;
    beforeAll(async () => {
      server = await startServer({ database: db });
      api = new TrackingApi(server.url);
      exp = await api.createExperiment(unique('runs'));
    });
    afterAll(async () => {
      await server?.close();
    });

    describe('create', () => {
      it('returns a RUNNING run with a 32-hex id, artifact_uri layout, numbers for int64 and only tags in data', async () => {
        const res = await api.post('runs/create', {
          experiment_id: exp,
          user_id: 'alice',
          start_time: 1714000000000,
          run_name: 'my-run',
          tags: [{ key: 'mlflow.user', value: 'alice' }],
        });
        expect(res.status).toBe(200);
        const run = res.body.run;
        expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
        expect(run.info).toEqual({
          run_id: run.info.run_id,
          run_uuid: run.info.run_id,
          run_name: 'my-run',
          experiment_id: exp,
          user_id: 'alice',
          status: 'RUNNING',
          start_time: 1714000000000,
          artifact_uri: `mlflow-artifacts:/${exp}/${run.info.run_id}/artifacts`,
          lifecycle_stage: 'active',
        });
        expect(res.text).toContain('"start_time":1714000000000');
        expect(kvObject(run.data.tags)).toEqual({ 'mlflow.user': 'alice', 'mlflow.runName': 'my-run' });
        expect(run.data).not.toHaveProperty('metrics');
        expect(run.data).not.toHaveProperty('params');
        expect(run.inputs).toEqual({});
      });

      it('generates adjective-animal-N names (<= 20 chars) and records them in mlflow.runName', async () => {
        const runs = await Promise.all(Array.from({ length: 25 }, () => api.createRun(exp)));
        for (const run of runs) {
          expect(run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d{1,4}$/);
          expect(run.info.run_name.length).toBeLessThanOrEqual(20);
          expect(kvObject(run.data.tags)['mlflow.runName']).toBe(run.info.run_name);
        }
        expect(new Set(runs.map((r) => r.info.run_id)).size).toBe(25);
      });

      it('defaults experiment_id to "0" and start_time to now (deviation: MLflow stores 0)', async () => {
        const before = Date.now();
        const run = (await api.okPost('runs/create', {})).run;
        expect(run.info.experiment_id).toBe('0');
        expect(run.info.start_time).toBeGreaterThanOrEqual(before);
        expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/0/${run.info.run_id}/artifacts`);
      });

      it('resolves run_name against the mlflow.runName tag', async () => {
        const fromTag = await api.createRun(exp, { tags: [{ key: 'mlflow.runName', value: 'tag-name' }] });
        expect(fromTag.info.run_name).toBe('tag-name');
        expect(fromTag.data.tags.filter((t: any) => t.key === 'mlflow.runName')).toHaveLength(1);
        const same = await api.createRun(exp, { run_name: 'same', tags: [{ key: 'mlflow.runName', value: 'same' }] });
        expect(same.info.run_name).toBe('same');
        expectError(
          await api.post('runs/create', {
            experiment_id: exp,
            run_name: 'a',
            tags: [{ key: 'mlflow.runName', value: 'b' }],
          }),
          400,
          'INVALID_PARAMETER_VALUE',
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values",
        );
      });

      it('keeps the last value of duplicate tags and rejects unknown experiments', async () => {
        const run = await api.createRun(exp, {
          tags: [
            { key: 't', value: '1' },
            { key: 't', value: '2' },
          ],
        });
        expect(kvObject(run.data.tags).t).toBe('2');
        expectError(await api.post('runs/create', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      });
    });

    describe('get / update / delete / restore', () => {
      it('gets by run_id or run_uuid and 404s for unknown ids', async () => {
        const run = await api.createRun(exp);
        const byUuid = await api.okGet('runs/get', { run_uuid: run.info.run_id });
        expect(byUuid.run.info.run_id).toBe(run.info.run_id);
        expect(byUuid.run).toEqual(await api.getRun(run.info.run_id));
        const missing = 'f'.repeat(32);
        expectError(
          await api.get('runs/get', { run_id: missing }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
          `Run with id=${missing} not found`,
        );
      });

      it('updates only the fields present and allows FINISHED -> RUNNING', async () => {
        const run = await api.createRun(exp, { start_time: 1000 });
        const id = run.info.run_id;
        const fin = (await api.okPost('runs/update', { run_id: id, status: 'FINISHED', end_time: 5000 })).run_info;
        expect(fin).toMatchObject({
          run_id: id,
          status: 'FINISHED',
          end_time: 5000,
          start_time: 1000,
          run_name: run.info.run_name,
        });
        const resumed = (await api.okPost('runs/update', { run_uuid: id, status: 'RUNNING' })).run_info;
        expect(resumed).toMatchObject({ status: 'RUNNING', end_time: 5000 });
        const ended = (await api.okPost('runs/update', { run_id: id, end_time: 7000 })).run_info;
        expect(ended).toMatchObject({ status: 'RUNNING', end_time: 7000 });
        const killed = (await api.okPost('runs/update', { run_id: id, status: 5 })).run_info;
        expect(killed.status).toBe('KILLED');
        const renamed = (await api.okPost('runs/update', { run_id: id, run_name: 'renamed' })).run_info;
        expect(renamed).toMatchObject({ run_name: 'renamed', status: 'KILLED', end_time: 7000 });
        expect(kvObject((await api.getRun(id)).data.tags)['mlflow.runName']).toBe('renamed');
        expectError(await api.post('runs/update', { run_id: id, status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE');
        expectError(
          await api.post('runs/update', { run_id: 'f'.repeat(32), status: 'FINISHED' }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
        );
      });

      it('soft-deletes and restores; deleted runs are readable but not writable', async () => {
        const run = await api.createRun(exp);
        const id = run.info.run_id;
        expect(await api.okPost('runs/delete', { run_id: id })).toEqual({});
        expect((await api.getRun(id)).info.lifecycle_stage).toBe('deleted');
        expect(await api.okPost('runs/delete', { run_id: id })).toEqual({});
        const inactive = `The run ${id} must be in the 'active' state. Current state is deleted.`;
        expectError(
          await api.post('runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 1 }),
          400,
          'INVALID_PARAMETER_VALUE',
          inactive,
        );
        expectError(
          await api.post('runs/log-parameter', { run_id: id, key: 'p', value: '1' }),
          400,
          'INVALID_PARAMETER_VALUE',
          inactive,
        );
        expectError(
          await api.post('runs/set-tag', { run_id: id, key: 't', value: '1' }),
          400,
          'INVALID_PARAMETER_VALUE',
          inactive,
        );
        expectError(
          await api.post('runs/delete-tag', { run_id: id, key: 'mlflow.runName' }),
          400,
          'INVALID_PARAMETER_VALUE',
          inactive,
        );
        expectError(
          await api.post('runs/log-batch', { run_id: id, tags: [{ key: 't', value: '1' }] }),
          400,
          'INVALID_PARAMETER_VALUE',
          inactive,
        );
        expectError(
          await api.post('runs/update', { run_id: id, status: 'FINISHED' }),
          400,
          'INVALID_PARAMETER_VALUE',
          inactive,
        );
        expect(await api.okPost('runs/restore', { run_id: id })).toEqual({});
        expect((await api.getRun(id)).info.lifecycle_stage).toBe('active');
        expectError(await api.post('runs/delete', { run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
        expectError(await api.post('runs/restore', { run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
      });
    });

    describe('log-metric / log-parameter / set-tag / delete-tag', () => {
      it('logs single entities (run_uuid alias, step default 0, empty values)', async () => {
        const id = (await api.createRun(exp)).info.run_id;
        await api.okPost('runs/log-metric', { run_uuid: id, key: 'loss', value: 0.5, timestamp: 10 });
        await api.okPost('runs/log-metric', { run_id: id, key: 'neg', value: '-2.5', timestamp: '11', step: '-3' });
        await api.okPost('runs/log-parameter', { run_id: id, key: 'lr', value: '0.01' });
        await api.okPost('runs/log-parameter', { run_id: id, key: 'empty' });
        await api.okPost('runs/set-tag', { run_id: id, key: 'team', value: 'a' });
        await api.okPost('runs/set-tag', { run_id: id, key: 'team', value: 'b' });
        await api.okPost('runs/set-tag', { run_id: id, key: 'blank', value: '' });
        const run = await api.getRun(id);
        expect(run.data.metrics).toEqual(
          expect.arrayContaining([
            { key: 'loss', value: 0.5, timestamp: 10, step: 0 },
            { key: 'neg', value: -2.5, timestamp: 11, step: -3 },
          ]),
        );
        expect(kvObject(run.data.params)).toEqual({ lr: '0.01', empty: '' });
        expect(kvObject(run.data.tags)).toMatchObject({ team: 'b', blank: '' });
      });

      it('keeps params immutable: same value is a no-op, a new value is a 400 naming both', async () => {
        const id = (await api.createRun(exp)).info.run_id;
        await api.okPost('runs/log-parameter', { run_id: id, key: 'units', value: '32' });
        await api.okPost('runs/log-parameter', { run_id: id, key: 'units', value: '32' });
        expectError(
          await api.post('runs/log-parameter', { run_id: id, key: 'units', value: '64' }),
          400,
          'INVALID_PARAMETER_VALUE',
          `Changing param values is not allowed. Param with key='units' was already logged with value='32' for run ID='${id}'. Attempted logging new value '64'.`,
        );
        expect(kvObject((await api.getRun(id)).data.params)).toEqual({ units: '32' });
      });

      it('truncates long param (6000) and tag (8000) values but rejects long keys', async () => {
        const id = (await api.createRun(exp)).info.run_id;
        await api.okPost('runs/log-parameter', { run_id: id, key: 'long', value: 'p'.repeat(7000) });
        await api.okPost('runs/set-tag', { run_id: id, key: 'long', value: 't'.repeat(9000) });
        const run = await api.getRun(id);
        expect(kvObject(run.data.params).long).toHaveLength(6000);
        expect(kvObject(run.data.tags).long).toHaveLength(8000);
        expectError(
          await api.post('runs/set-tag', { run_id: id, key: 'k'.repeat(251), value: 'x' }),
          400,
          'INVALID_PARAMETER_VALUE',
          'exceeds the maximum length of 250',
        );
        await api.okPost('runs/set-tag', { run_id: id, key: 'k'.repeat(250), value: 'x' });
      });

      it('renames the run through set-tag mlflow.runName', async () => {
        const id = (await api.createRun(exp)).info.run_id;
        await api.okPost('runs/set-tag', { run_id: id, key: 'mlflow.runName', value: 'via-tag' });
        expect((await api.getRun(id)).info.run_name).toBe('via-tag');
      });

      it('deletes tags and 404s for missing ones', async () => {
        const id = (await api.createRun(exp, { tags: [{ key: 'gone', value: '1' }] })).info.run_id;
        expect(await api.okPost('runs/delete-tag', { run_id: id, key: 'gone' })).toEqual({});
        expect(kvObject((await api.getRun(id)).data.tags)).not.toHaveProperty('gone');
        expectError(
          await api.post('runs/delete-tag', { run_id: id, key: 'gone' }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
          `No tag with name: gone in run with id ${id}`,
        );
      });
    });

    describe('log-batch', () => {
      const metrics = (n: number, prefix = 'm') =>
        Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: i, timestamp: 1, step: 0 }));
      const kvs = (n: number, prefix: string) =>
        Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: 'v' }));

      it('accepts the maximal batch (1000 entities, 100 params, 100 tags)', async () => {
        const id = (await api.createRun(exp)).info.run_id;
        await api.logBatch(id, { metrics: metrics(800), params: kvs(100, 'p'), tags: kvs(100, 't') });
        const run = await api.getRun(id);
        expect(run.data.metrics).toHaveLength(800);
        expect(run.data.params).toHaveLength(100);
        expect(run.data.tags).toHaveLength(101);
      });

      it.each([
        [
          'metrics',
          { metrics: metrics(1001) },
          'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.',
        ],
        [
          'params',
          { params: kvs(101, 'p') },
          'A batch logging request can contain at most 100 params. Got 101 params. Please split up params across multiple requests and try again.',
        ],
        [
          'tags',
          { tags: kvs(101, 't') },
          'A batch logging request can contain at most 100 tags. Got 101 tags. Please split up tags across multiple requests and try again.',
        ],
        [
          'total',
          { metrics: metrics(901), params: kvs(100, 'p') },
          'A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags. Please split up metrics, params, and tags across multiple requests and try again.',
        ],
      ])('rejects too many %s with the exact message and writes nothing', async (_what, batch, message) => {
        const run = await api.createRun(exp);
        const res = await api.post('runs/log-batch', { run_id: run.info.run_id, ...batch });
        expectError(res, 400, 'INVALID_PARAMETER_VALUE');
        expect(res.body.message).toBe(message);
        expect(await api.getRun(run.info.run_id)).toEqual(run);
      });

      it('rejects duplicate param keys, and param changes atomically (nothing written)', async () => {
        const run = await api.createRun(exp);
        const id = run.info.run_id;
        expectError(
          await api.post('runs/log-batch', {
            run_id: id,
            params: [
              { key: 'a', value: '1' },
              { key: 'a', value: '1' },
            ],
          }),
          400,
          'INVALID_PARAMETER_VALUE',
          "Duplicate parameter keys have been submitted: ['a']",
        );
        await api.logBatch(id, {
          params: [
            { key: 'a', value: '1' },
            { key: 'b', value: '2' },
          ],
        });
        // Same values again: a no-op, and the rest of the batch is written.
        await api.logBatch(id, {
          params: [{ key: 'a', value: '1' }],
          metrics: [{ key: 'ok', value: 1, timestamp: 1 }],
        });
        const before = await api.getRun(id);
        const res = await api.post('runs/log-batch', {
          run_id: id,
          params: [
            { key: 'a', value: 'X' },
            { key: 'b', value: 'Y' },
            { key: 'c', value: '3' },
          ],
          metrics: [{ key: 'late', value: 2, timestamp: 2 }],
          tags: [{ key: 'late', value: 'x' }],
        });
        expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Changing param values is not allowed');
        expect(res.body.message).toContain("'a'");
        expect(res.body.message).toContain("'b'");
        expect(await api.getRun(id)).toEqual(before);
      });

      it('keeps the last value of duplicate tags and renames through mlflow.runName', async () => {
        const id = (await api.createRun(exp)).info.run_id;
        await api.logBatch(id, {
          tags: [
            { key: 'dup', value: '1' },
            { key: 'mlflow.runName', value: 'batch-name' },
            { key: 'dup', value: '2' },
          ],
        });
        const run = await api.getRun(id);
        expect(kvObject(run.data.tags)).toMatchObject({ dup: '2', 'mlflow.runName': 'batch-name' });
        expect(run.info.run_name).toBe('batch-name');
      });

      it('validates nested entities with JSON paths and rejects malformed run ids', async () => {
        const id = (await api.createRun(exp)).info.run_id;
        expectError(
          await api.post('runs/log-batch', { run_id: id, metrics: [{ key: 'm', value: 1 }] }),
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'metrics[0].timestamp'",
        );
        expectError(
          await api.post('runs/log-batch', { run_id: id, metrics: 'foo' }),
          400,
          'INVALID_PARAMETER_VALUE',
          "for parameter 'metrics' supplied",
        );
        expectError(
          await api.post('runs/log-batch', {
            run_id: id,
            params: [
              { key: 'ok', value: '1' },
              { key: '../x', value: '1' },
            ],
          }),
          400,
          'INVALID_PARAMETER_VALUE',
          'params[1].key',
        );
        expectError(
          await api.post('runs/log-batch', { run_id: id, metrics: [{ key: 'a b$', value: 1, timestamp: 1 }] }),
          400,
          'INVALID_PARAMETER_VALUE',
          'metrics[0].name',
        );
        expectError(
          await api.post('runs/log-batch', { run_id: id, metrics: [{ key: 'm', value: 1, timestamp: -1 }] }),
          400,
          'INVALID_PARAMETER_VALUE',
          'Timestamp must be a nonnegative long',
        );
        expectError(
          await api.post('runs/log-batch', { run_id: '../etc', tags: [{ key: 't', value: '1' }] }),
          400,
          'INVALID_PARAMETER_VALUE',
        );
        expect((await api.getRun(id)).data).not.toHaveProperty('params');
      });
    });

    describe('log-inputs', () => {
      const dataset = (digest: string, source = '{"uri": "data/a.csv"}') => ({
        name: 'prices',
        digest,
        source_type: 'local',
        source,
        schema: '{"cols": []}',
      });

      it('stores a dataset once per experiment, links it once per run, writes input tags only on first link', async () => {
        const a = (await api.createRun(exp)).info.run_id;
        const b = (await api.createRun(exp)).info.run_id;
        const first = [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: dataset('d1') }];
        await api.okPost('runs/log-inputs', { run_id: a, datasets: first });
        await api.okPost('runs/log-inputs', {
          run_id: a,
          datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset: dataset('d1') }],
        });
        await api.okPost('runs/log-inputs', {
          run_id: b,
          datasets: [
            { tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset: dataset('d1', '{"uri": "other"}') },
            { dataset: dataset('d2') },
          ],
        });
        const runA = await api.getRun(a);
        expect(runA.inputs.dataset_inputs).toEqual([
          { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: dataset('d1') },
        ]);
        const runB = await api.getRun(b);
        expect(runB.inputs.dataset_inputs).toHaveLength(2);
        const d1 = runB.inputs.dataset_inputs.find((i: any) => i.dataset.digest === 'd1');
        // Same (name, digest) in the same experiment is the same stored dataset: first source kept.
        expect(d1).toEqual({ tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset: dataset('d1') });
        expect(runB.inputs.dataset_inputs.find((i: any) => i.dataset.digest === 'd2')).not.toHaveProperty('tags');
      });

      it('validates required fields and size limits', async () => {
        const id = (await api.createRun(exp)).info.run_id;
        // As MLflow 2.x: without datasets (and without MLflow 3's models) there is nothing to log.
        expectError(
          await api.post('runs/log-inputs', { run_id: id, datasets: [] }),
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'datasets'",
        );
        expectError(
          await api.post('runs/log-inputs', {
            run_id: id,
            datasets: [{ dataset: { digest: 'd', source_type: 's', source: 'x' } }],
          }),
          400,
          'INVALID_PARAMETER_VALUE',
          "'datasets[0].dataset.name'",
        );
        expectError(
          await api.post('runs/log-inputs', { run_id: id, datasets: [{ dataset: dataset('x'.repeat(37)) }] }),
          400,
          'INVALID_PARAMETER_VALUE',
          "'digest' exceeds the maximum length of 36 characters",
        );
        expect((await api.getRun(id)).inputs).toEqual({});
      });
    });

    describe('log-model', () => {
      const model = (runId: string, path: string) =>
        JSON.stringify({
          run_id: runId,
          artifact_path: path,
          utc_time_created: '2025-04-28 12:34:56.123456',
          model_uuid: 'abc',
          flavors: { python_function: { loader_module: 'tsflow', config: { secret: 1 } }, keras: { version: '3' } },
          signature: { inputs: '[]' },
        });

      it('appends summaries (without flavor config) to tag mlflow.log-model.history', async () => {
        const id = (await api.createRun(exp)).info.run_id;
        await api.okPost('runs/log-model', { run_id: id, model_json: model(id, 'model') });
        await api.okPost('runs/log-model', { run_id: id, model_json: model(id, 'model2') });
        const history = JSON.parse(kvObject((await api.getRun(id)).data.tags)['mlflow.log-model.history']);
        expect(history).toEqual([
          {
            run_id: id,
            artifact_path: 'model',
            utc_time_created: '2025-04-28 12:34:56.123456',
            model_uuid: 'abc',
            flavors: { python_function: { loader_module: 'tsflow' }, keras: { version: '3' } },
          },
          expect.objectContaining({ artifact_path: 'model2' }),
        ]);
      });

      it('rejects malformed JSON and missing mandatory fields with 400', async () => {
        const id = (await api.createRun(exp)).info.run_id;
        expectError(
          await api.post('runs/log-model', { run_id: id, model_json: '{not json' }),
          400,
          'INVALID_PARAMETER_VALUE',
          'Malformed model info',
        );
        expectError(
          await api.post('runs/log-model', { run_id: id, model_json: '{"run_id": "x"}' }),
          400,
          'INVALID_PARAMETER_VALUE',
          'Model json is missing mandatory fields',
        );
        expectError(
          await api.post('runs/log-model', { run_id: id, model_json: '[1]' }),
          400,
          'INVALID_PARAMETER_VALUE',
        );
        expect(kvObject((await api.getRun(id)).data.tags)).not.toHaveProperty('mlflow.log-model.history');
      });
    });

    describe('/ajax-api/2.0 prefix and /api/v1/runs/compare', () => {
      it('serves the same data under /ajax-api/2.0', async () => {
        const ajax = new TrackingApi(server.url, '/ajax-api/2.0/mlflow');
        const run = await ajax.createRun(exp, { run_name: 'ajax' });
        await ajax.logBatch(run.info.run_id, {
          metrics: [{ key: 'm', value: 1, timestamp: 1 }],
          params: [{ key: 'p', value: 'v' }],
        });
        expect(await ajax.getRun(run.info.run_id)).toEqual(await api.getRun(run.info.run_id));
      });

      it('compares runs: differs flags, best_run_id per goal, 404 for unknown ids', async () => {
        const a = await api.createRun(exp, { run_name: 'cmp-a' });
        const b = await api.createRun(exp, { run_name: 'cmp-b' });
        await api.logBatch(a.info.run_id, {
          metrics: [
            { key: 'val_loss', value: 0.2, timestamp: 1 },
            { key: 'accuracy', value: 0.7, timestamp: 1 },
          ],
          params: [
            { key: 'units', value: '32' },
            { key: 'window', value: '20' },
          ],
        });
        await api.logBatch(b.info.run_id, {
          metrics: [
            { key: 'val_loss', value: 0.5, timestamp: 1 },
            { key: 'accuracy', value: 0.9, timestamp: 1 },
          ],
          params: [
            { key: 'units', value: '64' },
            { key: 'window', value: '20' },
          ],
        });
        await api.okPost('runs/update', {
          run_id: a.info.run_id,
          status: 'FINISHED',
          end_time: a.info.start_time + 1500,
        });
        const res = await http(server.url, 'GET', `/api/v1/runs/compare?run_ids=${a.info.run_id},${b.info.run_id}`);
        expect(res.status, res.text).toBe(200);
        const cmp = res.body;
        expect(cmp.runs.map((r: any) => r.run_id)).toEqual([a.info.run_id, b.info.run_id]);
        expect(cmp.runs[0]).toMatchObject({ run_name: 'cmp-a', status: 'FINISHED', duration_ms: 1500 });
        expect(cmp.runs[1]).toMatchObject({ status: 'RUNNING', end_time: null, duration_ms: null });
        const param = (k: string) => cmp.params.find((p: any) => p.key === k);
        expect(param('units')).toEqual({ key: 'units', values: ['32', '64'], differs: true });
        expect(param('window')).toEqual({ key: 'window', values: ['20', '20'], differs: false });
        const metric = (k: string) => cmp.metrics.find((m: any) => m.key === k);
        expect(metric('val_loss')).toMatchObject({
          values: [0.2, 0.5],
          differs: true,
          goal: 'min',
          best_run_id: a.info.run_id,
        });
        expect(metric('accuracy')).toMatchObject({ values: [0.7, 0.9], goal: 'max', best_run_id: b.info.run_id });
        const missing = 'e'.repeat(32);
        const notFound = await http(server.url, 'GET', `/api/v1/runs/compare?run_ids=${a.info.run_id},${missing}`);
        expectError(notFound, 404, 'RESOURCE_DOES_NOT_EXIST', missing);
        expectError(await http(server.url, 'GET', '/api/v1/runs/compare'), 400, 'INVALID_PARAMETER_VALUE');
      });
    });
  });
});
