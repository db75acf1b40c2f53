import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startAuthServer } from './support/auth';
import { http, startServer, TestServer } from './support/server';
import { BACKENDS } from './support/tracking';

const ADMIN = { username: 'root', password: 'admin-secret-1' };
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const API = '/api/2.0/mlflow';

describe.each(BACKENDS)('basic-auth ($db)', ({ db, skip }) => {
  let s: TestServer;
  const admin = basic(ADMIN.username, ADMIN.password);
  const alice = basic('alice', 'alice-password');
  const bob = basic('bob', 'bob-password');
  const call = (method: string, path: string, body: unknown, headers: Record<string, string>) =>
    http(s.url, method, path, body, headers);

  beforeAll(async () => {
    if (skip) return;
    s = await startAuthServer({
      database: db,
      admin: ADMIN,
      users: ['alice', 'bob'],
      env: { TSFLOW_SCORING_TOKEN: 'scoring-token-0123456789' },
    });
  }, 120_000);
  afterAll(async () => s?.close());

  it.skipIf(skip)('401 with WWW-Authenticate without or with wrong credentials; public routes stay open', async () => {
    for (const headers of [{}, basic('alice', 'wrong-password'), bearer('nope'), { authorization: 'Basic !!' }]) {
      const res = await call('GET', `${API}/experiments/search?max_results=10`, undefined, headers);
      expect(res.status).toBe(401);
      expect(res.body.error_code).toBe('UNAUTHENTICATED');
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
    }
    expect((await call('GET', '/health', undefined, {})).status).toBe(200);
    expect((await call('GET', '/version', undefined, {})).status).toBe(200);
  });

  it.skipIf(skip)(
    'the web UI: pages open without credentials, its API calls get 401 without a Basic challenge',
    async () => {
      const page = await call('GET', '/experiments', undefined, {});
      expect(page.status).toBe(200);
      const ui = { 'x-requested-with': 'tsflow-ui' };
      const res = await call('GET', `${API}/experiments/search?max_results=10`, undefined, ui);
      expect([res.status, res.body.error_code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(res.headers.get('www-authenticate')).toBeNull();
      const me = await call('GET', '/api/v1/auth/me', undefined, { ...ui, ...bob });
      expect(me.body).toEqual({
        auth: true,
        username: 'bob',
        is_admin: false,
        default_permission: expect.any(String),
        experiments: [],
        registered_models: [],
      });
      expect((await call('GET', '/api/v1/auth/me', undefined, admin)).body).toMatchObject({
        username: 'root',
        is_admin: true,
      });
      expect((await call('GET', '/api/v1/auth/me', undefined, ui)).status).toBe(401);
    },
  );

  it.skipIf(skip)('users API: create, get, admin-only, self password change, delete', async () => {
    const created = await call('POST', `${API}/users/create`, { username: 'carol', password: 'carol-password' }, admin);
    expect(created.body.user).toMatchObject({ username: 'carol', is_admin: false });
    const dup = await call('POST', `${API}/users/create`, { username: 'carol', password: 'carol-password' }, admin);
    expect([dup.status, dup.body.error_code]).toEqual([400, 'RESOURCE_ALREADY_EXISTS']);
    const byAlice = await call('POST', `${API}/users/create`, { username: 'eve', password: 'eve-password' }, alice);
    expect([byAlice.status, byAlice.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    const carol = basic('carol', 'carol-password');
    const carolUser = (await call('GET', `${API}/users/get?username=carol`, undefined, carol)).body.user;
    // Every key MLflow 3's AuthServiceClient reads (User.from_json), empty lists included.
    expect(carolUser).toMatchObject({
      username: 'carol',
      is_admin: false,
      experiment_permissions: [],
      registered_model_permissions: [],
      scorer_permissions: [],
    });
    expect(typeof carolUser.id).toBe('number');
    expect((await call('GET', `${API}/users/get?username=alice`, undefined, carol)).status).toBe(403);
    const upd = await call(
      'PATCH',
      `${API}/users/update-password`,
      { username: 'carol', password: 'new-password' },
      carol,
    );
    expect(upd.status).toBe(200);
    expect((await call('GET', `${API}/users/get?username=carol`, undefined, carol)).status).toBe(401);
    expect(
      (await call('PATCH', `${API}/users/update-admin`, { username: 'carol', is_admin: true }, alice)).status,
    ).toBe(403);
    expect((await call('DELETE', `${API}/users/delete`, { username: 'carol' }, admin)).status).toBe(200);
    expect((await call('GET', `${API}/users/get?username=carol`, undefined, admin)).status).toBe(404);
  });

  it.skipIf(skip)('experiment permissions: creator MANAGE, others READ by default, 403 changes nothing', async () => {
    const created = await call('POST', `${API}/experiments/create`, { name: `alice-${db}` }, alice);
    expect(created.status).toBe(200);
    const id = created.body.experiment_id;
    // bob may read (default READ) but not write
    expect((await call('GET', `${API}/experiments/get?experiment_id=${id}`, undefined, bob)).status).toBe(200);
    const denied = await call('POST', `${API}/experiments/update`, { experiment_id: id, new_name: 'stolen' }, bob);
    expect([denied.status, denied.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    expect((await call('POST', `${API}/runs/create`, { experiment_id: id }, bob)).status).toBe(403);
    const after = await call('GET', `${API}/experiments/get?experiment_id=${id}`, undefined, alice);
    expect(after.body.experiment.name).toBe(`alice-${db}`);
    // alice (MANAGE as creator) grants bob EDIT
    const grant = await call(
      'POST',
      `${API}/experiments/permissions/create`,
      { experiment_id: id, username: 'bob', permission: 'EDIT' },
      alice,
    );
    expect(grant.body.experiment_permission).toMatchObject({ experiment_id: id, permission: 'EDIT' });
    const run = await call('POST', `${API}/runs/create`, { experiment_id: id }, bob);
    expect(run.status).toBe(200);
    const runId = run.body.run.info.run_id;
    expect(
      (await call('POST', `${API}/runs/log-metric`, { run_id: runId, key: 'm', value: 1, timestamp: 1 }, bob)).status,
    ).toBe(200);
    // EDIT cannot delete or grant
    expect((await call('POST', `${API}/runs/delete`, { run_id: runId }, bob)).status).toBe(403);
    expect(
      (
        await call(
          'PATCH',
          `${API}/experiments/permissions/update`,
          { experiment_id: id, username: 'bob', permission: 'MANAGE' },
          bob,
        )
      ).status,
    ).toBe(403);
    // NO_PERMISSIONS hides it from search and from reads
    await call(
      'PATCH',
      `${API}/experiments/permissions/update`,
      { experiment_id: id, username: 'bob', permission: 'NO_PERMISSIONS' },
      alice,
    );
    expect((await call('GET', `${API}/runs/get?run_id=${runId}`, undefined, bob)).status).toBe(403);
    const search = await call('POST', `${API}/experiments/search`, { max_results: 1000 }, bob);
    expect(search.body.experiments.map((e: { experiment_id: string }) => e.experiment_id)).not.toContain(id);
    const mine = await call('POST', `${API}/experiments/search`, { max_results: 1000 }, alice);
    expect(mine.body.experiments.map((e: { experiment_id: string }) => e.experiment_id)).toContain(id);
    expect((await call('POST', `${API}/runs/search`, { experiment_ids: [id] }, bob)).status).toBe(403);
  });

  it.skipIf(skip)('model permissions: the champion alias needs MANAGE', async () => {
    const name = `m-${db}`;
    expect((await call('POST', `${API}/registered-models/create`, { name }, alice)).status).toBe(200);
    const alias = { name, alias: 'champion', version: '1' };
    const denied = await call('POST', `${API}/registered-models/alias`, alias, bob);
    expect(denied.status).toBe(403);
    expect((await call('POST', '/api/v1/models/' + name + '/champion', { version: '1' }, bob)).status).toBe(403);
    await call(
      'POST',
      `${API}/registered-models/permissions/create`,
      { name, username: 'bob', permission: 'EDIT' },
      alice,
    );
    expect((await call('POST', `${API}/registered-models/set-tag`, { name, key: 'k', value: 'v' }, bob)).status).toBe(
      200,
    );
    expect((await call('POST', `${API}/registered-models/alias`, alias, bob)).status).toBe(403);
    const got = await call(
      'GET',
      `${API}/registered-models/permissions/get?name=${name}&username=bob`,
      undefined,
      admin,
    );
    expect(got.body.registered_model_permission).toMatchObject({ name, permission: 'EDIT' });
    // rename carries the grants along
    const renamed = await call('POST', `${API}/registered-models/rename`, { name, new_name: `${name}-2` }, alice);
    expect(renamed.status).toBe(200);
    const moved = await call(
      'GET',
      `${API}/registered-models/permissions/get?name=${name}-2&username=bob`,
      undefined,
      admin,
    );
    expect(moved.body.registered_model_permission.permission).toBe('EDIT');
  });

  it.skipIf(skip)('tokens: issued to a basic-auth user, accepted as Bearer, revocable', async () => {
    const issued = await call('POST', '/api/v1/auth/tokens', {}, alice);
    expect(issued.status).toBe(200);
    const token = issued.body.token as string;
    expect((await call('GET', `${API}/experiments/search?max_results=5`, undefined, bearer(token))).status).toBe(200);
    expect((await call('DELETE', '/api/v1/auth/tokens', { token }, bob)).status).toBe(404);
    expect((await call('DELETE', '/api/v1/auth/tokens', { token }, alice)).status).toBe(200);
    expect((await call('GET', `${API}/experiments/search?max_results=5`, undefined, bearer(token))).status).toBe(401);
  });

  it.skipIf(skip)('scoring token reaches /ping and /predict only; training needs EDIT on the experiment', async () => {
    const scoring = bearer('scoring-token-0123456789');
    expect((await call('GET', '/ping', undefined, scoring)).status).not.toBe(401);
    expect((await call('GET', '/ping', undefined, {})).status).toBe(401);
    expect((await call('GET', `${API}/experiments/search`, undefined, scoring)).status).toBe(403);
    const exp = await call('POST', `${API}/experiments/create`, { name: `train-${db}` }, alice);
    const spec = { experiment_name: `train-${db}`, dataset: { ticker: 'NOPE' } };
    const denied = await call('POST', '/api/v1/training/runs', spec, bob);
    expect([denied.status, denied.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    expect(exp.status).toBe(200);
  });
});

describe('auth off (the local quickstart)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  }, 60_000);
  afterAll(async () => s?.close());

  it('needs no credentials, and the auth API answers 404', async () => {
    expect((await http(s.url, 'POST', `${API}/experiments/search`, {})).status).toBe(200);
    const res = await http(s.url, 'POST', `${API}/users/create`, { username: 'x', password: 'password-x' });
    expect([res.status, res.body.error_code]).toEqual([404, 'ENDPOINT_NOT_FOUND']);
  });
});
