import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TestServer } from './support/server';
import { BACKENDS, expectError, kvObject, PREFIXES, raw, sleep, TrackingApi, unique } from './support/tracking';

/** Experiment endpoints T1-T8 (+ 3.x delete-experiment-tag), mlflow-api.md §3.1, §4, §8.2. */
describe.each(BACKENDS)('tracking experiments ($db)', ({ db, skip }) => {
  describe.skipIf(skip)('', () => {
    let server: TestServer;
    let api: TrackingApi;
    beforeAll(async () => {
      // Relative locations resolve against the server's working directory, which must be an allowed local root.
      server = await startServer({ database: db, env: { TSFLOW_LOCAL_ARTIFACT_ROOTS: process.cwd() } });
      api = new TrackingApi(server.url);
    });
    afterAll(async () => {
      await server?.close();
    });

    describe('Default experiment', () => {
      it('exists as experiment "0" named Default with artifact location <root>/0', async () => {
        const exp = await api.getExperiment('0');
        expect(exp).toMatchObject({
          experiment_id: '0',
          name: 'Default',
          lifecycle_stage: 'active',
          artifact_location: 'mlflow-artifacts:/0',
        });
        expect(
          (await api.okGet('experiments/get-by-name', { experiment_name: 'Default' })).experiment.experiment_id,
        ).toBe('0');
      });

      it('cannot be deleted (deviation: 400 instead of MLflow SQL store allowing it)', async () => {
        expectError(await api.post('experiments/delete', { experiment_id: '0' }), 400, 'INVALID_PARAMETER_VALUE');
        expect((await api.getExperiment('0')).lifecycle_stage).toBe('active');
      });
    });

    describe('create / get / get-by-name', () => {
      it('creates with a string id, default artifact location, timestamps as numbers and tags', async () => {
        const before = Date.now();
        const name = unique('create');
        const id = await api.createExperiment(name, {
          tags: [
            { key: 'team', value: 'ds' },
            { key: 'note', value: '' },
            { key: 'team', value: 'ml' },
          ],
        });
        expect(id).toMatch(/^[1-9]\d*$/);
        const exp = await api.getExperiment(id);
        expect(exp).toMatchObject({
          experiment_id: id,
          name,
          artifact_location: `mlflow-artifacts:/${id}`,
          lifecycle_stage: 'active',
        });
        expect(typeof exp.creation_time).toBe('number');
        expect(exp.creation_time).toBeGreaterThanOrEqual(before);
        expect(exp.last_update_time).toBe(exp.creation_time);
        // Duplicate tag keys in one request: last wins.
        expect(kvObject(exp.tags)).toEqual({ team: 'ml', note: '' });
      });

      it('accepts a numeric experiment_id and a JSON body on GET without a query string', async () => {
        const id = await api.createExperiment();
        expect((await api.okGet('experiments/get', { experiment_id: Number(id) })).experiment.experiment_id).toBe(id);
        // Old clients and curl users send GET with a JSON body and no query string (§1.2).
        const res = await raw(
          server.url,
          'GET',
          '/api/2.0/mlflow/experiments/get',
          JSON.stringify({ experiment_id: id }),
          { 'content-type': 'application/json' },
        );
        expect(res.status, res.text).toBe(200);
        expect(res.body.experiment.experiment_id).toBe(id);
      });

      it('omits tags when there are none', async () => {
        const exp = await api.getExperiment(await api.createExperiment());
        expect(exp).not.toHaveProperty('tags');
      });

      it('rejects missing, empty and over-long names', async () => {
        expectError(
          await api.post('experiments/create', {}),
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'name'",
        );
        expectError(
          await api.post('experiments/create', { name: '' }),
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'name'",
        );
        expectError(
          await api.post('experiments/create', { name: 'x'.repeat(501) }),
          400,
          'INVALID_PARAMETER_VALUE',
          "'name' exceeds the maximum length of 500 characters",
        );
        await api.createExperiment('n'.repeat(500));
      });

      it('keeps names unique across active and deleted experiments (RESOURCE_ALREADY_EXISTS = 400)', async () => {
        const name = unique('dup');
        const id = await api.createExperiment(name);
        expectError(
          await api.post('experiments/create', { name }),
          400,
          'RESOURCE_ALREADY_EXISTS',
          `Experiment(name=${name}) already exists`,
        );
        await api.okPost('experiments/delete', { experiment_id: id });
        expectError(await api.post('experiments/create', { name }), 400, 'RESOURCE_ALREADY_EXISTS');
        // Names are case-sensitive: a different case is a different name.
        await api.createExperiment(name.toUpperCase());
      });

      it('returns 404 RESOURCE_DOES_NOT_EXIST for unknown ids and names, and finds deleted experiments', async () => {
        expectError(
          await api.get('experiments/get', { experiment_id: '987654' }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
          'No Experiment with id=987654 exists',
        );
        expectError(
          await api.get('experiments/get-by-name', { experiment_name: 'no-such-exp' }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
          "Could not find experiment with name 'no-such-exp'",
        );
        const name = unique('CaseSensitive');
        const id = await api.createExperiment(name);
        expectError(
          await api.get('experiments/get-by-name', { experiment_name: name.toLowerCase() }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
        );
        await api.okPost('experiments/delete', { experiment_id: id });
        expect((await api.getExperiment(id)).lifecycle_stage).toBe('deleted');
        expect((await api.okGet('experiments/get-by-name', { experiment_name: name })).experiment).toMatchObject({
          experiment_id: id,
          lifecycle_stage: 'deleted',
        });
      });

      it.each(PREFIXES)('works the same under %s', async (prefix) => {
        const other = new TrackingApi(server.url, prefix);
        const name = unique('prefix');
        const id = await other.createExperiment(name);
        expect((await other.okGet('experiments/get-by-name', { experiment_name: name })).experiment.experiment_id).toBe(
          id,
        );
      });
    });

    describe('artifact_location', () => {
      it('keeps remote URIs, resolves relative paths to absolute paths as MLflow does (issue 15)', async () => {
        const s3 = await api.createExperiment(unique('s3'), { artifact_location: 's3://bucket/some/prefix' });
        expect((await api.getExperiment(s3)).artifact_location).toBe('s3://bucket/some/prefix');
        const rel = await api.createExperiment(unique('rel'), { artifact_location: 'relative/dir' });
        const loc = (await api.getExperiment(rel)).artifact_location as string;
        expect(loc).toBe(path.join(process.cwd(), 'relative', 'dir'));
        const relRun = await api.createRun(rel);
        expect(relRun.info.artifact_uri).toBe(`${loc}/${relRun.info.run_id}/artifacts`);
        const run = await api.createRun(s3);
        expect(run.info.artifact_uri).toBe(`s3://bucket/some/prefix/${run.info.run_id}/artifacts`);
      });

      it.each([
        ['fragment', 'http://host#/abc/etc/'],
        ['empty-host fragment', 'http:///#/../../../../etc/'],
        ['query traversal', 'http:///?/../../../../etc/'],
        ['encoded ;params traversal', 'http://host/;..%2F..%2Fetc'],
        ['runs: URI', 'runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9/x'],
        ['over 2048 chars', `s3://bucket/${'a'.repeat(2049)}`],
      ])('rejects %s (§13.2) and creates nothing', async (_label, location) => {
        const name = unique('bad-loc');
        expectError(
          await api.post('experiments/create', { name, artifact_location: location }),
          400,
          'INVALID_PARAMETER_VALUE',
        );
        expectError(
          await api.get('experiments/get-by-name', { experiment_name: name }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
        );
      });

      it('uses MLflow messages for fragments and query traversal', async () => {
        expectError(
          await api.post('experiments/create', { name: unique('m'), artifact_location: 'http://host#/abc/etc/' }),
          400,
          'INVALID_PARAMETER_VALUE',
          "'artifact_location' URL can't include fragments or params.",
        );
        expectError(
          await api.post('experiments/create', { name: unique('m'), artifact_location: 'http:///?/../../../../etc/' }),
          400,
          'INVALID_PARAMETER_VALUE',
          'Invalid query string',
        );
      });
    });

    describe('update (rename)', () => {
      it('renames, bumps last_update_time, and rejects taken names, deleted and unknown experiments', async () => {
        const id = await api.createExperiment(unique('old'));
        const before = await api.getExperiment(id);
        await sleep(5);
        const newName = unique('new');
        expect(await api.okPost('experiments/update', { experiment_id: id, new_name: newName })).toEqual({});
        const after = await api.getExperiment(id);
        expect(after.name).toBe(newName);
        expect(after.last_update_time).toBeGreaterThan(before.last_update_time);
        expect(after.creation_time).toBe(before.creation_time);

        const taken = unique('taken');
        await api.createExperiment(taken);
        expectError(
          await api.post('experiments/update', { experiment_id: id, new_name: taken }),
          400,
          'RESOURCE_ALREADY_EXISTS',
        );
        expectError(
          await api.post('experiments/update', { experiment_id: id }),
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'new_name'",
        );
        expectError(
          await api.post('experiments/update', { experiment_id: id, new_name: 'x'.repeat(501) }),
          400,
          'INVALID_PARAMETER_VALUE',
        );
        expectError(
          await api.post('experiments/update', { experiment_id: '987654', new_name: unique('x') }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
        );
        await api.okPost('experiments/delete', { experiment_id: id });
        expectError(
          await api.post('experiments/update', { experiment_id: id, new_name: unique('x') }),
          400,
          'INVALID_PARAMETER_VALUE',
          'Cannot rename a non-active experiment.',
        );
        expect((await api.getExperiment(id)).name).toBe(newName);
      });
    });

    describe('delete / restore', () => {
      it('cascades to runs both ways and enforces lifecycle preconditions', async () => {
        const id = await api.createExperiment();
        const runs = await Promise.all([api.createRun(id), api.createRun(id)]);
        const before = await api.getExperiment(id);
        await sleep(5);
        expect(await api.okPost('experiments/delete', { experiment_id: id })).toEqual({});
        const deleted = await api.getExperiment(id);
        expect(deleted.lifecycle_stage).toBe('deleted');
        expect(deleted.last_update_time).toBeGreaterThan(before.last_update_time);
        for (const r of runs) expect((await api.getRun(r.info.run_id)).info.lifecycle_stage).toBe('deleted');
        expect(await api.searchIds([id])).toEqual([]);
        expect((await api.searchIds([id], undefined, undefined, { run_view_type: 'DELETED_ONLY' })).sort()).toEqual(
          runs.map((r) => r.info.run_id).sort(),
        );

        expectError(await api.post('experiments/delete', { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
        expectError(
          await api.post('runs/create', { experiment_id: id }),
          400,
          'INVALID_PARAMETER_VALUE',
          `The experiment ${id} must be in the 'active' state. Current state is deleted.`,
        );
        expectError(
          await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v' }),
          400,
          'INVALID_PARAMETER_VALUE',
          "must be in the 'active' state",
        );

        expect(await api.okPost('experiments/restore', { experiment_id: id })).toEqual({});
        expect((await api.getExperiment(id)).lifecycle_stage).toBe('active');
        for (const r of runs) expect((await api.getRun(r.info.run_id)).info.lifecycle_stage).toBe('active');
        expect((await api.searchIds([id])).length).toBe(2);
        expectError(await api.post('experiments/restore', { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
        expectError(await api.post('experiments/restore', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST');
        expectError(await api.post('experiments/delete', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      });
    });

    describe('experiment tags', () => {
      it('upserts, deletes, validates keys and values', async () => {
        const id = await api.createExperiment();
        await api.okPost('experiments/set-experiment-tag', {
          experiment_id: id,
          key: 'mlflow.note.content',
          value: 'first',
        });
        await api.okPost('experiments/set-experiment-tag', {
          experiment_id: id,
          key: 'mlflow.note.content',
          value: 'second',
        });
        await api.okPost('experiments/set-experiment-tag', { experiment_id: id, key: 'empty' });
        await api.okPost('experiments/set-experiment-tag', { experiment_id: id, key: 'max', value: 'v'.repeat(5000) });
        expect(kvObject((await api.getExperiment(id)).tags)).toEqual({
          'mlflow.note.content': 'second',
          empty: '',
          max: 'v'.repeat(5000),
        });

        expectError(
          await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'big', value: 'v'.repeat(5001) }),
          400,
          'INVALID_PARAMETER_VALUE',
          "'value' exceeds the maximum length of 5000 characters",
        );
        expectError(
          await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'a$b', value: 'x' }),
          400,
          'INVALID_PARAMETER_VALUE',
          'Names may only contain',
        );
        expectError(
          await api.post('experiments/set-experiment-tag', { experiment_id: id, key: '../a', value: 'x' }),
          400,
          'INVALID_PARAMETER_VALUE',
          'must not resolve to other names',
        );
        expectError(
          await api.post('experiments/set-experiment-tag', { experiment_id: '987654', key: 'k', value: 'x' }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
        );

        expect(await api.okPost('experiments/delete-experiment-tag', { experiment_id: id, key: 'empty' })).toEqual({});
        expect(Object.keys(kvObject((await api.getExperiment(id)).tags)).sort()).toEqual([
          'max',
          'mlflow.note.content',
        ]);
        expectError(
          await api.post('experiments/delete-experiment-tag', { experiment_id: id, key: 'empty' }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
        );
      });
    });

    describe('search', () => {
      // A private family of experiments, created with distinct creation times.
      const family = unique('fam');
      const names = [`${family}-Abc`, `${family}-ab`, `${family}-a`, `${family}-B`, `${family}-c`];
      const ids: string[] = [];
      const search = async (body: Record<string, unknown>) =>
        api.okPost('experiments/search', { filter: `name LIKE '${family}-%'`, ...body });
      const namesOf = (res: any) => (res.experiments ?? []).map((e: any) => e.name);

      beforeAll(async () => {
        for (const [i, name] of names.entries()) {
          ids.push(
            await api.createExperiment(name, {
              tags: [
                { key: 'idx', value: String(i) },
                { key: 'parity', value: i % 2 ? 'odd' : 'even' },
              ],
            }),
          );
          await sleep(3);
        }
        await api.okPost('experiments/delete', { experiment_id: ids[4] });
      });

      it('defaults to creation_time DESC and ACTIVE_ONLY, with full experiment objects', async () => {
        const res = await search({});
        expect(namesOf(res)).toEqual([names[3], names[2], names[1], names[0]]);
        expect(kvObject(res.experiments[0].tags)).toEqual({ idx: '3', parity: 'odd' });
        expect(res).not.toHaveProperty('next_page_token');
      });

      it('filters by view_type (names and enum numbers)', async () => {
        expect(namesOf(await search({ view_type: 'DELETED_ONLY' }))).toEqual([names[4]]);
        expect(namesOf(await search({ view_type: 2 }))).toEqual([names[4]]);
        expect(namesOf(await search({ view_type: 'ALL' })).length).toBe(5);
      });

      it('orders names case-sensitively in byte order (uppercase first)', async () => {
        expect(namesOf(await search({ order_by: ['name DESC'], view_type: 'ALL' }))).toEqual([
          names[4],
          names[1],
          names[2],
          names[3],
          names[0],
        ]);
        expect(namesOf(await search({ order_by: ['name'] }))).toEqual([names[0], names[3], names[2], names[1]]);
      });

      it('orders by experiment_id numerically and by creation_time ASC', async () => {
        for (let i = 0; i < 10; i++) await api.createExperiment(); // ids reach two digits
        const res = await api.okPost('experiments/search', { order_by: ['experiment_id DESC'], max_results: 1000 });
        const got = res.experiments.map((e: any) => Number(e.experiment_id));
        expect(got.length).toBeGreaterThan(10);
        expect(got).toEqual([...got].sort((a, b) => b - a));
        expect(namesOf(await search({ order_by: ['creation_time ASC'] }))).toEqual([
          names[0],
          names[1],
          names[2],
          names[3],
        ]);
      });

      it('filters by name (=, !=, LIKE case-sensitive, ILIKE), tags and times', async () => {
        expect(namesOf(await search({ filter: `name = '${names[1]}'` }))).toEqual([names[1]]);
        expect(namesOf(await search({ filter: `name LIKE '${family}-a%'` })).sort()).toEqual(
          [names[1], names[2]].sort(),
        );
        expect(namesOf(await search({ filter: `name ILIKE '${family}-A%'` })).sort()).toEqual(
          [names[0], names[1], names[2]].sort(),
        );
        expect(namesOf(await search({ filter: `name LIKE '${family}-%' AND name != '${names[0]}'` })).length).toBe(3);
        expect(namesOf(await search({ filter: `name LIKE '${family}-%' AND tags.parity = 'odd'` })).sort()).toEqual(
          [names[1], names[3]].sort(),
        );
        expect(namesOf(await search({ filter: `name LIKE '${family}-%' AND tag.idx LIKE '_'` })).length).toBe(4);
        const third = await api.getExperiment(ids[2]);
        expect(
          namesOf(await search({ filter: `name LIKE '${family}-%' AND creation_time >= ${third.creation_time}` })),
        ).toEqual([names[3], names[2]]);
        expect(
          namesOf(
            await search({ filter: `name LIKE '${family}-%' AND attribute.last_update_time < ${third.creation_time}` }),
          ),
        ).toEqual([names[1], names[0]]);
        // Fractional and huge bounds on integer columns (Postgres refuses them as bigint).
        expect(
          namesOf(await search({ filter: `name LIKE '${family}-%' AND creation_time > ${third.creation_time - 0.5}` })),
        ).toEqual([names[3], names[2]]);
        expect(namesOf(await search({ filter: `name LIKE '${family}-%' AND creation_time < 1e30` })).length).toBe(4);
      });

      it('pages with max_results and page tokens, emitting a token only when more rows exist', async () => {
        const p1 = await search({ max_results: 2 });
        expect(namesOf(p1)).toEqual([names[3], names[2]]);
        expect(typeof p1.next_page_token).toBe('string');
        const p2 = await search({ max_results: 2, page_token: p1.next_page_token });
        expect(namesOf(p2)).toEqual([names[1], names[0]]);
        expect(p2).not.toHaveProperty('next_page_token');
      });

      it('collects every experiment exactly once across pages, even when experiments are created meanwhile', async () => {
        const full = await api.okPost('experiments/search', { max_results: 1000, view_type: 'ALL' });
        const seen: string[] = [];
        let token: string | undefined;
        do {
          const page = await api.okPost('experiments/search', { max_results: 3, view_type: 'ALL', page_token: token });
          seen.push(...page.experiments.map((e: any) => e.experiment_id));
          token = page.next_page_token;
          await api.createExperiment();
        } while (token);
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toEqual(full.experiments.map((e: any) => e.experiment_id));
      });

      it('supports the GET variant with repeated order_by and query-string enums', async () => {
        const res = await api.okGet('experiments/search', {
          filter: `name LIKE '${family}-%'`,
          order_by: ['name DESC'],
          view_type: 'ALL',
          max_results: 10,
        });
        expect(namesOf(res)).toEqual([names[4], names[1], names[2], names[3], names[0]]);
        expect(namesOf(await api.okGet('experiments/search', { filter: `name = '${names[0]}'` }))).toEqual([names[0]]);
      });

      it('returns {} when nothing matches', async () => {
        expect(await api.okPost('experiments/search', { filter: "name = 'nothing-matches-this'" })).toEqual({});
      });

      it('rejects invalid filters, order_by keys, tokens and max_results with 400', async () => {
        const bad: Record<string, unknown>[] = [
          { filter: "name = 'a' OR name = 'b'" },
          { filter: "params.x = 'a'" },
          { filter: "name > 'a'" },
          { filter: 'creation_time > abc' },
          { filter: 'name = unquoted' },
          { order_by: ['lifecycle_stage'] },
          { order_by: ['name SIDEWAYS'] },
          { order_by: ['name', 'name DESC'] },
          { page_token: 'not-a-token' },
          { max_results: -1 },
          { max_results: 50001 },
        ];
        for (const body of bad) expectError(await api.post('experiments/search', body), 400, 'INVALID_PARAMETER_VALUE');
        // max_results missing or 0 means the default (deviation: MLflow rejects 0).
        expect((await api.okPost('experiments/search', { max_results: 0 })).experiments.length).toBeGreaterThan(0);
      });
    });
  });
});
