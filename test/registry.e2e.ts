import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL } from './support/postgres';
import { http, startServer, TestServer } from './support/server';

/**
 * The model registry over HTTP, end to end: the MLflow REST calls of §5 in the order a user
 * (or the Python client) makes them, on both URL prefixes.
 */
const BACKENDS = [
  { database: 'sqlite' as const, enabled: true },
  { database: 'postgres' as const, enabled: !!TEST_POSTGRES_URL },
];

for (const { database, enabled } of BACKENDS)
  describe.skipIf(!enabled)(`model registry over HTTP (${database})`, () => {
    let server: TestServer;
    const api = (method: string, path: string, body?: unknown, prefix = '/api/2.0') =>
      http(server.url, method, `${prefix}/mlflow/${path}`, body);
    const ok = async (method: string, path: string, body?: unknown, prefix?: string) => {
      const res = await api(method, path, body, prefix);
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(200);
      return res.body;
    };
    const createRun = async () => (await ok('POST', 'runs/create', { experiment_id: '0' })).run.info;

    let run1: { run_id: string; artifact_uri: string };
    let run2: { run_id: string; artifact_uri: string };

    beforeAll(async () => {
      server = await startServer({ database });
      run1 = await createRun();
      run2 = await createRun();
    });
    afterAll(async () => {
      await server?.close();
    });

    it('creates a registered model (R1) and reads it back (R2)', async () => {
      const created = await ok('POST', 'registered-models/create', {
        name: 'lstm-msft',
        description: 'MSFT forecaster',
        tags: [{ key: 'team', value: 'ds' }],
      });
      const model = created.registered_model;
      expect(model).toMatchObject({
        name: 'lstm-msft',
        description: 'MSFT forecaster',
        tags: [{ key: 'team', value: 'ds' }],
      });
      expect(typeof model.creation_timestamp).toBe('number');
      expect(model.last_updated_timestamp).toBe(model.creation_timestamp);
      expect(model).not.toHaveProperty('latest_versions');
      expect(model).not.toHaveProperty('aliases');
      const got = await ok('GET', 'registered-models/get?name=lstm-msft');
      expect(got.registered_model).toEqual(model);
      // The UI prefix serves the same thing.
      expect(
        (await ok('GET', 'registered-models/get?name=lstm-msft', undefined, '/ajax-api/2.0')).registered_model,
      ).toEqual(model);
    });

    it('creates versions from runs:/, mlflow-artifacts:/ and models:/ sources (R13, R21)', async () => {
      const v1 = (
        await ok('POST', 'model-versions/create', {
          name: 'lstm-msft',
          source: `runs:/${run1.run_id}/model`,
          run_id: run1.run_id,
        })
      ).model_version;
      expect(v1).toMatchObject({
        name: 'lstm-msft',
        version: '1',
        current_stage: 'None',
        status: 'READY',
        source: `runs:/${run1.run_id}/model`,
        run_id: run1.run_id,
      });
      expect(typeof v1.creation_timestamp).toBe('number');
      expect((await ok('GET', 'model-versions/get-download-uri?name=lstm-msft&version=1')).artifact_uri).toBe(
        `${run1.artifact_uri}/model`,
      );

      const source2 = `${run2.artifact_uri}/model`;
      expect(source2).toMatch(/^mlflow-artifacts:\//);
      const v2 = (
        await ok('POST', 'model-versions/create', {
          name: 'lstm-msft',
          source: source2,
          run_id: run2.run_id,
          description: 'second',
          tags: [{ key: 'val_mae', value: '1.5' }],
        })
      ).model_version;
      expect(v2).toMatchObject({
        version: '2',
        source: source2,
        description: 'second',
        tags: [{ key: 'val_mae', value: '1.5' }],
      });
      expect((await ok('GET', 'model-versions/get-download-uri?name=lstm-msft&version=2')).artifact_uri).toBe(source2);

      const v3 = (
        await ok('POST', 'model-versions/create', { name: 'lstm-msft', source: 'models:/lstm-msft/1' }, '/ajax-api/2.0')
      ).model_version;
      expect(v3).toMatchObject({ version: '3', source: 'models:/lstm-msft/1', status: 'READY' });
      expect(v3).not.toHaveProperty('run_id');
      expect((await ok('GET', 'model-versions/get-download-uri?name=lstm-msft&version=3')).artifact_uri).toBe(
        `${run1.artifact_uri}/model`,
      );
    });

    it('gets and updates versions and models (R14, R15, R4)', async () => {
      const got = (await ok('GET', 'model-versions/get?name=lstm-msft&version=2')).model_version;
      expect(got).toMatchObject({ version: '2', status: 'READY', current_stage: 'None' });
      const updated = (
        await ok('PATCH', 'model-versions/update', { name: 'lstm-msft', version: '2', description: 'best so far' })
      ).model_version;
      expect(updated.description).toBe('best so far');
      expect(updated.last_updated_timestamp).toBeGreaterThanOrEqual(got.last_updated_timestamp);
      const cleared = (await ok('PATCH', 'model-versions/update', { name: 'lstm-msft', version: '2' })).model_version;
      expect(cleared).not.toHaveProperty('description');

      const model = (await ok('PATCH', 'registered-models/update', { name: 'lstm-msft', description: 'updated' }))
        .registered_model;
      expect(model.description).toBe('updated');
      expect(
        model.latest_versions.map((v: { version: string; current_stage: string }) => [v.current_stage, v.version]),
      ).toEqual([['None', '3']]);
    });

    it('searches versions with filters, order_by and pages (R17)', async () => {
      const all = await ok(
        'GET',
        `model-versions/search?filter=${encodeURIComponent("name='lstm-msft'")}&max_results=10000`,
      );
      // Default order: last_updated_timestamp DESC (version 2 was updated last), then version DESC.
      expect(all.model_versions.map((v: { version: string }) => v.version)).toEqual(['2', '3', '1']);
      expect(all).not.toHaveProperty('next_page_token');

      const q = (filter: string, extra = '') => `model-versions/search?filter=${encodeURIComponent(filter)}${extra}`;
      const versions = (body: { model_versions?: { version: string }[] }) =>
        (body.model_versions ?? []).map((v) => v.version);
      expect(
        versions(await ok('GET', q("name = 'lstm-msft' AND version_number > 1", '&order_by=version_number+ASC'))),
      ).toEqual(['2', '3']);
      expect(
        versions(await ok('GET', q(`run_id IN ('${run1.run_id}', '${run2.run_id}')`, '&order_by=version_number+DESC'))),
      ).toEqual(['2', '1']);
      expect(versions(await ok('GET', q("tags.val_mae = '1.5'")))).toEqual(['2']);
      expect(versions(await ok('GET', q("source_path LIKE 'models:/%'")))).toEqual(['3']);
      expect(await ok('GET', q("name = 'nothing-here'"))).toEqual({});

      // Pages of 2 with the look-ahead token.
      const first = await ok('GET', q("name = 'lstm-msft'", '&order_by=version_number&max_results=2'));
      expect(versions(first)).toEqual(['1', '2']);
      expect(typeof first.next_page_token).toBe('string');
      const second = await ok(
        'GET',
        q(
          "name = 'lstm-msft'",
          `&order_by=version_number&max_results=2&page_token=${encodeURIComponent(first.next_page_token)}`,
        ),
      );
      expect(versions(second)).toEqual(['3']);
      expect(second).not.toHaveProperty('next_page_token');
    });

    it('searches registered models with filters, order_by and pages (R6)', async () => {
      for (const name of ['gru-aapl', 'Arima-btc', 'lstm-aapl']) await ok('POST', 'registered-models/create', { name });
      await ok('POST', 'registered-models/set-tag', { name: 'gru-aapl', key: 'team', value: 'ds' });
      const names = (body: { registered_models?: { name: string }[] }) =>
        (body.registered_models ?? []).map((m) => m.name);
      expect(names(await ok('GET', 'registered-models/search?max_results=100'))).toEqual([
        'Arima-btc',
        'gru-aapl',
        'lstm-aapl',
        'lstm-msft',
      ]);
      expect(
        names(await ok('GET', `registered-models/search?filter=${encodeURIComponent("name LIKE 'lstm-%'")}`)),
      ).toEqual(['lstm-aapl', 'lstm-msft']);
      expect(
        names(await ok('GET', `registered-models/search?filter=${encodeURIComponent("name ILIKE 'ARIMA%'")}`)),
      ).toEqual(['Arima-btc']);
      expect(
        names(await ok('GET', `registered-models/search?filter=${encodeURIComponent("tags.team = 'ds'")}`)),
      ).toEqual(['gru-aapl', 'lstm-msft']);
      expect(names(await ok('GET', 'registered-models/search?order_by=name+DESC'))).toEqual([
        'lstm-msft',
        'lstm-aapl',
        'gru-aapl',
        'Arima-btc',
      ]);
      // timestamp = last_updated_timestamp; ties broken by name ASC.
      const byTime = (await ok('GET', 'registered-models/search?order_by=timestamp+DESC')).registered_models as {
        name: string;
        last_updated_timestamp: number;
      }[];
      expect(byTime).toHaveLength(4);
      for (let i = 1; i < byTime.length; i++) {
        const [prev, cur] = [byTime[i - 1], byTime[i]];
        expect(
          prev.last_updated_timestamp > cur.last_updated_timestamp ||
            (prev.last_updated_timestamp === cur.last_updated_timestamp && prev.name < cur.name),
        ).toBe(true);
      }
      const found = (await ok('GET', `registered-models/search?filter=${encodeURIComponent("name = 'lstm-msft'")}`))
        .registered_models[0];
      expect(found.latest_versions).toHaveLength(1);

      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await ok(
          'GET',
          `registered-models/search?max_results=3${token ? `&page_token=${encodeURIComponent(token)}` : ''}`,
        );
        seen.push(...names(page));
        token = page.next_page_token;
      } while (token);
      expect(seen).toEqual(['Arima-btc', 'gru-aapl', 'lstm-aapl', 'lstm-msft']);
    });

    it('moves versions through stages, archiving existing ones on request (R18, R7)', async () => {
      const t = async (version: string, stage: string, archive?: boolean) =>
        (
          await ok('POST', 'model-versions/transition-stage', {
            name: 'lstm-msft',
            version,
            stage,
            archive_existing_versions: archive,
          })
        ).model_version;
      expect((await t('1', 'production', false)).current_stage).toBe('Production');
      const v2 = await t('2', 'Production', true);
      expect(v2).toMatchObject({ version: '2', current_stage: 'Production', status: 'READY' });
      expect((await ok('GET', 'model-versions/get?name=lstm-msft&version=1')).model_version.current_stage).toBe(
        'Archived',
      );
      await t('3', 'STAGING');

      const latest = await ok('POST', 'registered-models/get-latest-versions', {
        name: 'lstm-msft',
        stages: ['production'],
      });
      expect(latest.model_versions.map((v: { version: string }) => v.version)).toEqual(['2']);
      const viaGet = await ok(
        'GET',
        'registered-models/get-latest-versions?name=lstm-msft&stages=Archived&stages=Staging',
      );
      expect(
        viaGet.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage]),
      ).toEqual([
        ['1', 'Archived'],
        ['3', 'Staging'],
      ]);
      const everything = await ok('POST', 'registered-models/get-latest-versions', { name: 'lstm-msft' });
      expect(everything.model_versions.map((v: { current_stage: string }) => v.current_stage)).toEqual([
        'Staging',
        'Production',
        'Archived',
      ]);
    });

    it('sets and deletes tags of models and versions (R8, R9, R19, R20)', async () => {
      await ok('POST', 'registered-models/set-tag', { name: 'lstm-msft', key: 'owner', value: 'alice' });
      await ok('DELETE', 'registered-models/delete-tag', { name: 'lstm-msft', key: 'team' });
      await ok('DELETE', 'registered-models/delete-tag', { name: 'lstm-msft', key: 'never-set' });
      expect((await ok('GET', 'registered-models/get?name=lstm-msft')).registered_model.tags).toEqual([
        { key: 'owner', value: 'alice' },
      ]);

      await ok('POST', 'model-versions/set-tag', { name: 'lstm-msft', version: '1', key: 'approved', value: '' });
      await ok(
        'POST',
        'model-versions/set-tag',
        { name: 'lstm-msft', version: '1', key: 'note', value: 'x' },
        '/ajax-api/2.0',
      );
      await ok('DELETE', 'model-versions/delete-tag', { name: 'lstm-msft', version: '1', key: 'note' });
      expect((await ok('GET', 'model-versions/get?name=lstm-msft&version=1')).model_version.tags).toEqual([
        { key: 'approved', value: '' },
      ]);
    });

    it('manages aliases, refusing reserved names (R10-R12)', async () => {
      await ok('POST', 'registered-models/alias', { name: 'lstm-msft', alias: 'champion', version: '2' });
      await ok('POST', 'registered-models/alias', { name: 'lstm-msft', alias: 'challenger', version: '3' });
      for (const alias of ['latest', 'LATEST', 'v1', 'V12']) {
        const res = await api('POST', 'registered-models/alias', { name: 'lstm-msft', alias, version: '1' });
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
        expect(res.body.message).toMatch(/reserved/);
      }
      const byAlias = (await ok('GET', 'registered-models/alias?name=lstm-msft&alias=champion')).model_version;
      expect(byAlias).toMatchObject({ version: '2', aliases: ['champion'], status: 'READY' });
      const unknown = await api('GET', 'registered-models/alias?name=lstm-msft&alias=nope');
      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'Registered model alias nope not found.',
      });

      const model = (await ok('GET', 'registered-models/get?name=lstm-msft')).registered_model;
      expect(model.aliases).toEqual([
        { alias: 'challenger', version: '3' },
        { alias: 'champion', version: '2' },
      ]);
      expect((await ok('GET', 'model-versions/get?name=lstm-msft&version=3')).model_version.aliases).toEqual([
        'challenger',
      ]);

      await ok('DELETE', 'registered-models/alias', { name: 'lstm-msft', alias: 'challenger' });
      await ok('DELETE', 'registered-models/alias', { name: 'lstm-msft', alias: 'challenger' });
      expect((await api('GET', 'registered-models/alias?name=lstm-msft&alias=challenger')).status).toBe(400);
    });

    it('deletes a version: its aliases go, reads 404, and its number is never reused (R16)', async () => {
      await ok('DELETE', 'model-versions/delete', { name: 'lstm-msft', version: '2' });
      const gone = await api('GET', 'model-versions/get?name=lstm-msft&version=2');
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual({
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: 'Model Version (name=lstm-msft, version=2) not found',
      });
      expect((await api('GET', 'registered-models/alias?name=lstm-msft&alias=champion')).status).toBe(400);
      const model = (await ok('GET', 'registered-models/get?name=lstm-msft')).registered_model;
      expect(model).not.toHaveProperty('aliases');
      expect(model.latest_versions.map((v: { version: string }) => v.version)).toEqual(['3', '1']);
      const search = await ok('GET', `model-versions/search?filter=${encodeURIComponent("name='lstm-msft'")}`);
      expect(search.model_versions.map((v: { version: string }) => v.version).sort()).toEqual(['1', '3']);

      const v4 = (
        await ok('POST', 'model-versions/create', {
          name: 'lstm-msft',
          source: `${run2.artifact_uri}/model`,
          run_id: run2.run_id,
        })
      ).model_version;
      expect(v4.version).toBe('4');
      expect((await api('DELETE', 'model-versions/delete', { name: 'lstm-msft', version: '2' })).status).toBe(404);
    });

    it('renames a model with its versions, tags and aliases (R3)', async () => {
      await ok('POST', 'registered-models/alias', { name: 'lstm-msft', alias: 'champion', version: '4' });
      const renamed = (await ok('POST', 'registered-models/rename', { name: 'lstm-msft', new_name: 'lstm-msft-v2' }))
        .registered_model;
      expect(renamed).toMatchObject({
        name: 'lstm-msft-v2',
        tags: [{ key: 'owner', value: 'alice' }],
        aliases: [{ alias: 'champion', version: '4' }],
      });
      expect((await api('GET', 'registered-models/get?name=lstm-msft')).status).toBe(404);
      expect((await ok('GET', 'model-versions/get?name=lstm-msft-v2&version=1')).model_version).toMatchObject({
        name: 'lstm-msft-v2',
        tags: [{ key: 'approved', value: '' }],
      });
      expect((await ok('GET', 'registered-models/alias?name=lstm-msft-v2&alias=champion')).model_version.version).toBe(
        '4',
      );
      // A models:/ source of the renamed model still resolves (to the stored location).
      const v5 = (
        await ok('POST', 'model-versions/create', { name: 'lstm-msft-v2', source: 'models:/lstm-msft-v2@champion' })
      ).model_version;
      expect(v5.version).toBe('5');
      expect((await ok('GET', 'model-versions/get-download-uri?name=lstm-msft-v2&version=5')).artifact_uri).toBe(
        `${run2.artifact_uri}/model`,
      );
      const taken = await api('POST', 'registered-models/rename', { name: 'lstm-msft-v2', new_name: 'gru-aapl' });
      expect(taken.status).toBe(400);
      expect(taken.body).toEqual({
        error_code: 'RESOURCE_ALREADY_EXISTS',
        message: 'Registered Model (name=gru-aapl) already exists.',
      });
    });

    it('deletes a model with everything in it (R5)', async () => {
      await ok('DELETE', 'registered-models/delete', { name: 'lstm-msft-v2' });
      expect((await api('GET', 'registered-models/get?name=lstm-msft-v2')).status).toBe(404);
      expect((await api('GET', 'model-versions/get?name=lstm-msft-v2&version=1')).status).toBe(404);
      expect(await ok('GET', `model-versions/search?filter=${encodeURIComponent("name='lstm-msft-v2'")}`)).toEqual({});
      expect((await api('DELETE', 'registered-models/delete', { name: 'lstm-msft-v2' })).status).toBe(404);
      // The name is free again and numbering starts over.
      await ok('POST', 'registered-models/create', { name: 'lstm-msft-v2' });
      expect(
        (await ok('POST', 'model-versions/create', { name: 'lstm-msft-v2', source: 'mlflow-artifacts:/models/x' }))
          .model_version.version,
      ).toBe('1');
    });

    it('documents every registry route in the OpenAPI document', async () => {
      const doc = (await http(server.url, 'GET', '/docs/openapi.json')).body;
      const paths = Object.keys(doc.paths);
      for (const p of [
        '/api/2.0/mlflow/registered-models/create',
        '/api/2.0/mlflow/registered-models/alias',
        '/api/2.0/mlflow/model-versions/get-download-uri',
        '/api/2.0/mlflow/registered-models/get-latest-versions',
        '/api/v1/models/{name}/champion',
      ]) {
        expect(paths).toContain(p);
      }
      expect(Object.keys(doc.paths['/api/2.0/mlflow/registered-models/alias']).sort()).toEqual([
        'delete',
        'get',
        'post',
      ]);
      expect(Object.keys(doc.paths['/api/2.0/mlflow/registered-models/get-latest-versions']).sort()).toEqual([
        'get',
        'post',
      ]);
      // The /ajax-api twins are served (tested elsewhere) but documented once, under /api/2.0.
      expect(paths.filter((p) => p.startsWith('/ajax-api/'))).toEqual([]);
    });
  });
