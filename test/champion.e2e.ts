import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChampionChangedEvent, ChampionEvents } from '../src/registry/champion-events.service';
import { http, startServer, TestServer } from './support/server';
import { TEST_REDIS_URL } from './support/redis';

const REDIS_URL = TEST_REDIS_URL;

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Another OS process listening on the champion channel with plain ioredis. */
function startSubscriber(channel: string): {
  child: ChildProcessWithoutNullStreams;
  messages: unknown[];
  ready: Promise<void>;
} {
  const script = `
    const Redis = require('ioredis');
    const r = new Redis(process.env.REDIS_URL);
    r.on('message', (channel, message) => process.stdout.write('MSG ' + message + '\\n'));
    r.subscribe(process.env.CHANNEL).then(() => process.stdout.write('READY\\n'));
  `;
  const child = spawn(process.execPath, ['-e', script], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, REDIS_URL, CHANNEL: channel },
  });
  const messages: unknown[] = [];
  let buffer = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`subscriber exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'READY') resolve();
        else if (line.startsWith('MSG ')) messages.push(JSON.parse(line.slice(4)));
      }
    });
  });
  return { child, messages, ready };
}

describe('champion promotion and champion-changed events (sqlite + Redis)', () => {
  const prefix = `tsflow-test-${randomUUID()}`;
  const env = { REDIS_URL, TSFLOW_REDIS_PREFIX: prefix };
  let server: TestServer;
  let other: TestServer;
  let subscriber: ReturnType<typeof startSubscriber>;
  const local: ChampionChangedEvent[] = [];
  const remote: ChampionChangedEvent[] = [];

  const api = (method: string, p: string, body?: unknown) => http(server.url, method, p, body);
  const mlflow = (method: string, p: string, body?: unknown) => api(method, `/api/2.0/mlflow/${p}`, body);
  const newRun = async () =>
    (await mlflow('POST', 'runs/create', { experiment_id: '0' })).body.run.info as {
      run_id: string;
      artifact_uri: string;
    };
  const promote = (model: string, body: unknown) =>
    api('POST', `/api/v1/models/${encodeURIComponent(model)}/champion`, body);

  /** The change must reach this process once, the second server once, and the other OS process once. */
  async function expectAnnounced(expected: Omit<ChampionChangedEvent, 'at'>): Promise<void> {
    await waitFor(
      () => local.length >= 1 && remote.length >= 1 && subscriber.messages.length >= 1,
      'the event everywhere',
    );
    expect(local[0]).toMatchObject(expected);
    expect(typeof local[0].at).toBe('number');
    expect(remote[0]).toEqual(local[0]);
    const envelope = subscriber.messages[0] as { origin: string; event: ChampionChangedEvent };
    expect(envelope.event).toEqual(local[0]);
    expect(envelope.origin).toBe(server.app.get(ChampionEvents).origin);
    // Redis echoes our own publication back to us: it must not be delivered a second time.
    await new Promise((r) => setTimeout(r, 150));
    expect(local).toHaveLength(1);
    expect(remote).toHaveLength(1);
    expect(subscriber.messages).toHaveLength(1);
  }

  beforeAll(async () => {
    server = await startServer({ env });
    other = await startServer({ env });
    subscriber = startSubscriber(`${prefix}:champion-changed`);
    server.app.get(ChampionEvents).subscribe((e) => void local.push(e));
    other.app.get(ChampionEvents).on('champion-changed', (e) => void remote.push(e));
    await Promise.all([
      server.app.get(ChampionEvents).whenReady(),
      other.app.get(ChampionEvents).whenReady(),
      subscriber.ready,
    ]);
  });
  afterAll(async () => {
    subscriber?.child.kill();
    await server?.close();
    await other?.close();
  });
  const reset = () => {
    local.length = 0;
    remote.length = 0;
    subscriber.messages.length = 0;
  };
  beforeEach(reset);

  let run1: { run_id: string; artifact_uri: string };
  let run2: { run_id: string; artifact_uri: string };

  it('promotes a run: creates the registered model and version 1 from <artifact_uri>/model', async () => {
    run1 = await newRun();
    const res = await promote('lstm-champ', { run_id: run1.run_id });
    expect(res.status).toBe(200);
    const source = `${run1.artifact_uri}/model`;
    expect(res.body).toEqual({
      model: 'lstm-champ',
      previous: null,
      champion: { version: '1', run_id: run1.run_id, source, artifact_uri: source },
      forced: false,
      floor: null,
    });
    const model = (await mlflow('GET', 'registered-models/get?name=lstm-champ')).body.registered_model;
    expect(model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    expect(model.latest_versions[0]).toMatchObject({
      version: '1',
      source,
      run_id: run1.run_id,
      status: 'READY',
      aliases: ['champion'],
    });
    await expectAnnounced({ model: 'lstm-champ', version: '1', previousVersion: null });
  });

  it('promotes another run as version 2 and reports the previous champion', async () => {
    run2 = await newRun();
    const res = await promote('lstm-champ', { run_id: run2.run_id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      model: 'lstm-champ',
      previous: { version: '1', run_id: run1.run_id },
      champion: { version: '2', run_id: run2.run_id },
    });
    await expectAnnounced({ model: 'lstm-champ', version: '2', previousVersion: '1' });
    expect((await api('GET', '/api/v1/models/lstm-champ/champion')).body).toEqual({
      model: 'lstm-champ',
      champion: {
        version: '2',
        run_id: run2.run_id,
        source: `${run2.artifact_uri}/model`,
        artifact_uri: `${run2.artifact_uri}/model`,
        // what serving makes of it: these runs log no model files
        runtime: null,
        servable: false,
        reason: `no model files at ${run2.artifact_uri}/model`,
      },
    });
  });

  it('promotes an existing version back', async () => {
    const res = await promote('lstm-champ', { version: '1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      previous: { version: '2', run_id: run2.run_id },
      champion: { version: '1', run_id: run1.run_id },
    });
    await expectAnnounced({ model: 'lstm-champ', version: '1', previousVersion: '2' });
    // Promoting the current champion again changes nothing and announces nothing.
    reset();
    const again = await promote('lstm-champ', { version: 1 });
    expect(again.body).toMatchObject({ previous: { version: '1' }, champion: { version: '1' } });
    await new Promise((r) => setTimeout(r, 150));
    expect(local).toHaveLength(0);
  });

  it('promoting a run whose model is already registered reuses its version (no duplicate versions)', async () => {
    const versions = async () =>
      ((await mlflow('GET', `model-versions/search?filter=${encodeURIComponent("name='lstm-champ'")}`)).body
        .model_versions ?? []) as { version: string }[];
    expect((await versions()).length).toBe(2);
    // The current champion's run again: nothing new, nothing announced.
    const same = await promote('lstm-champ', { run_id: run1.run_id });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ previous: { version: '1' }, champion: { version: '1', run_id: run1.run_id } });
    // Another already registered run: its existing version becomes champion.
    const back = await promote('lstm-champ', { run_id: run2.run_id });
    expect(back.body).toMatchObject({ previous: { version: '1' }, champion: { version: '2', run_id: run2.run_id } });
    expect((await versions()).map((v) => v.version).sort()).toEqual(['1', '2']);
    await promote('lstm-champ', { version: '1' });
    await new Promise((r) => setTimeout(r, 150));
    reset();
  });

  it('treats the MLflow alias endpoint as the same promotion', async () => {
    expect(
      (await mlflow('POST', 'registered-models/alias', { name: 'lstm-champ', alias: 'champion', version: '2' })).status,
    ).toBe(200);
    await expectAnnounced({ model: 'lstm-champ', version: '2', previousVersion: '1' });
    expect((await api('GET', '/api/v1/models/lstm-champ/champion')).body.champion.version).toBe('2');
    // Other aliases are not champion changes.
    reset();
    expect(
      (await mlflow('POST', 'registered-models/alias', { name: 'lstm-champ', alias: 'challenger', version: '1' }))
        .status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 150));
    expect(local).toHaveLength(0);
  });

  it('announces the champion going away when its alias is deleted', async () => {
    expect((await mlflow('DELETE', 'registered-models/alias', { name: 'lstm-champ', alias: 'champion' })).status).toBe(
      200,
    );
    await expectAnnounced({ model: 'lstm-champ', version: null, previousVersion: '2' });
    const none = await api('GET', '/api/v1/models/lstm-champ/champion');
    expect(none.status).toBe(404);
    expect(none.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('announces the champion going away with its version', async () => {
    await promote('lstm-champ', { version: '2' });
    await waitFor(
      () => local.length === 1 && remote.length === 1 && subscriber.messages.length === 1,
      'promotion event',
    );
    reset();
    expect((await mlflow('DELETE', 'model-versions/delete', { name: 'lstm-champ', version: '2' })).status).toBe(200);
    await expectAnnounced({ model: 'lstm-champ', version: null, previousVersion: '2' });
    // Numbers are not reused: the next promotion by run is version 3.
    reset();
    expect((await promote('lstm-champ', { run_id: run2.run_id })).body.champion.version).toBe('3');
    await expectAnnounced({ model: 'lstm-champ', version: '3', previousVersion: null });
  });

  it('announces both names when the model holding a champion is renamed', async () => {
    expect(
      (await mlflow('POST', 'registered-models/rename', { name: 'lstm-champ', new_name: 'lstm-champ-2' })).status,
    ).toBe(200);
    await waitFor(
      () => local.length === 2 && remote.length === 2 && subscriber.messages.length === 2,
      'two rename events',
    );
    expect(local.map(({ model, version, previousVersion }) => ({ model, version, previousVersion }))).toEqual([
      { model: 'lstm-champ', version: null, previousVersion: '3' },
      { model: 'lstm-champ-2', version: '3', previousVersion: null },
    ]);
    expect(remote).toEqual(local);
  });

  it('announces the champion going away with its model', async () => {
    expect((await mlflow('DELETE', 'registered-models/delete', { name: 'lstm-champ-2' })).status).toBe(200);
    await expectAnnounced({ model: 'lstm-champ-2', version: null, previousVersion: '3' });
    expect((await api('GET', '/api/v1/models/lstm-champ-2/champion')).status).toBe(404);
  });

  it('refuses bad promotions with 4xx and announces nothing', async () => {
    const cases: [unknown, number][] = [
      [{}, 400],
      [{ run_id: run1.run_id, version: '1' }, 400],
      [{ version: 'abc' }, 400],
      [{ version: '1' }, 404], // model does not exist (deleted above)
      [{ run_id: 'f'.repeat(32) }, 404],
      [{ run_id: '../etc' }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await promote('lstm-champ-2', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(typeof res.body.error_code).toBe('string');
      expect(typeof res.body.message).toBe('string');
    }
    for (const name of ['a/b', 'a:b', 'm%6fdel']) {
      const res = await promote(name, { run_id: run1.run_id });
      expect(res.status, name).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    // A deleted run cannot become champion.
    const run3 = await newRun();
    await mlflow('POST', 'runs/delete', { run_id: run3.run_id });
    expect((await promote('fresh-model', { run_id: run3.run_id })).status).toBe(400);
    expect((await mlflow('GET', 'registered-models/get?name=fresh-model')).status).toBe(404);
    await new Promise((r) => setTimeout(r, 100));
    expect(local).toHaveLength(0);
  });
});

describe('champion promotion with Redis unreachable', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Port 1: connection refused. Registry requests must not notice.
    server = await startServer({
      env: { REDIS_URL: 'redis://127.0.0.1:1', TSFLOW_REDIS_PREFIX: `tsflow-test-${randomUUID()}` },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('still promotes and still notifies in-process listeners', async () => {
    const events: ChampionChangedEvent[] = [];
    server.app.get(ChampionEvents).subscribe((e) => {
      events.push(e);
      throw new Error('a failing listener must not break the request');
    });
    const run = (await http(server.url, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' })).body.run.info;
    const res = await http(server.url, 'POST', '/api/v1/models/offline/champion', { run_id: run.run_id });
    expect(res.status).toBe(200);
    expect(res.body.champion.version).toBe('1');
    expect(events).toMatchObject([{ model: 'offline', version: '1', previousVersion: null }]);
  });
});
