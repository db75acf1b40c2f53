import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';
import {
  logModelRun,
  msftBars,
  promote,
  removeTinyModels,
  TinyModel,
  trainTinyModel,
  waitFor,
} from './support/serving';
import { TEST_REDIS_URL } from './support/redis';

const REDIS_URL = TEST_REDIS_URL;
/** How soon every answer must come from a newly promoted champion. */
const RELOAD_WINDOW_MS = 3000;

interface Answer {
  at: number;
  status: number;
  version?: string;
  value?: number;
}

/** `clients` loops sending /predict back to back until `stop()`; every answer is recorded. */
function stream(url: string, values: number[], clients: number) {
  const answers: Answer[][] = Array.from({ length: clients }, () => []);
  let running = true;
  const loops = answers.map(async (mine) => {
    while (running) {
      try {
        const res = await fetch(`${url}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ values }),
        });
        const body = (await res.json()) as any;
        mine.push({ at: Date.now(), status: res.status, version: body.model?.version, value: body.predictions?.[0] });
      } catch {
        mine.push({ at: Date.now(), status: 0 });
      }
    }
  });
  return {
    answers,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('champion hot swap under load', () => {
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  let m1: TinyModel;
  let m2: TinyModel;
  let m3: TinyModel;
  const values = msftBars('2024-06-20', '2024-06-28')
    .map((x) => x.close)
    .slice(-5);

  beforeAll(async () => {
    [m1, m2, m3] = [
      await trainTinyModel({ seed: 1 }),
      await trainTinyModel({ seed: 2 }),
      await trainTinyModel({ seed: 3 }),
    ];
    // Three API processes' worth of servers on one store: `a` promotes; `b` hears of it over
    // Redis; `c` has no Redis and must notice by polling.
    const prefix = `tsflow-swap-${randomUUID()}`;
    a = await startServer({
      env: { REDIS_URL, TSFLOW_REDIS_PREFIX: prefix, TSFLOW_DEFAULT_MODEL: 'swap', TSFLOW_CHAMPION_POLL_MS: '600000' },
    });
    const shared = {
      MLFLOW_BACKEND_STORE_URI: a.config.database.type === 'sqlite' ? `sqlite:///${a.config.database.path}` : '',
      MLFLOW_ARTIFACTS_DESTINATION: a.config.artifactsDestination,
    };
    b = await startServer({
      env: {
        ...shared,
        REDIS_URL,
        TSFLOW_REDIS_PREFIX: prefix,
        TSFLOW_DEFAULT_MODEL: 'swap',
        TSFLOW_CHAMPION_POLL_MS: '600000',
      },
    });
    c = await startServer({ env: { ...shared, TSFLOW_DEFAULT_MODEL: 'swap', TSFLOW_CHAMPION_POLL_MS: '300' } });
    expect(path.dirname(a.config.artifactsDestination)).toBe(a.dir);
  });

  afterAll(async () => {
    for (const m of [m1, m2, m3]) m?.predictor.dispose();
    for (const s of [c, b, a]) await s?.close();
    removeTinyModels();
  });

  /** Promotes `next` on `a` while `clients` stream against `target`; checks zero failures and a clean switch. */
  async function swapUnderLoad(target: TestServer, next: TinyModel, fromVersion: string, clients: number) {
    const s = stream(target.url, values, clients);
    await new Promise((r) => setTimeout(r, 300));
    const runId = await logModelRun(a.url, next.dir);
    const promotedAt = Date.now();
    const version = await promote(a.url, 'swap', runId);
    // Keep the stream running until every client has seen the new version a few times.
    await waitFor(
      () => s.answers.every((mine) => mine.slice(-3).every((x) => x.version === version)),
      'every client on the new version',
      RELOAD_WINDOW_MS * 2,
    );
    await s.stop();
    const all = s.answers.flat();
    expect(
      all.filter((x) => x.status !== 200),
      'failed requests',
    ).toEqual([]);
    expect(all.length).toBeGreaterThan(clients * 5);
    for (const mine of s.answers) {
      // Each client sees the old version, then the new one, never back.
      const versions = mine.map((x) => x.version);
      const firstNew = versions.indexOf(version);
      expect(versions.slice(0, firstNew).every((v) => v === fromVersion)).toBe(true);
      expect(versions.slice(firstNew).every((v) => v === version)).toBe(true);
    }
    const switched = Math.min(...all.filter((x) => x.version === version).map((x) => x.at));
    expect(switched - promotedAt).toBeLessThan(RELOAD_WINDOW_MS);
    return { version, all, switchMs: switched - promotedAt };
  }

  it('serves the first champion on every server', async () => {
    expect(await promote(a.url, 'swap', await logModelRun(a.url, m1.dir))).toBe('1');
    for (const s of [a, b, c]) {
      await waitFor(
        async () => (await http(s.url, 'POST', '/predict', { values })).body?.model?.version === '1',
        `version 1 on ${s.url}`,
      );
    }
  });

  it('in-process event: zero failed requests, answers switch to the new version, each answer from the model it names', async () => {
    const { all } = await swapUnderLoad(a, m2, '1', 8);
    const expected: Record<string, number> = { '1': m1.predictor.predict(values), '2': m2.predictor.predict(values) };
    expect(expected['1']).not.toBeCloseTo(expected['2'], 4);
    for (const x of all) expect(Math.abs((x.value as number) - expected[x.version as string])).toBeLessThan(1e-3);
    // The old model is disposed once its last request finished.
    await waitFor(
      async () => (await http(a.url, 'GET', '/api/v1/serving/models')).body.models[0].draining === 0,
      'drained',
    );
  });

  it('another process hears the change over Redis', async () => {
    await waitFor(
      async () => (await http(b.url, 'POST', '/predict', { values })).body?.model?.version === '2',
      'b on version 2',
    );
    await swapUnderLoad(b, m3, '2', 4);
  });

  it('a process without Redis notices the change by polling', async () => {
    await waitFor(
      async () => (await http(c.url, 'POST', '/predict', { values })).body?.model?.version === '3',
      'c on version 3',
    );
    const { switchMs } = await swapUnderLoad(c, m1, '3', 4);
    expect(switchMs).toBeGreaterThanOrEqual(0);
  });

  it('a champion that fails to load: the previous one keeps serving; /health and the status report it', async () => {
    const before = (await http(a.url, 'POST', '/predict', { values })).body.model.version;
    const broken = await promote(a.url, 'swap', await logModelRun(a.url, null));
    const status = await waitFor(async () => {
      const r = await http(a.url, 'GET', '/api/v1/serving/models');
      const m = r.body.models.find((x: any) => x.name === 'swap');
      return m?.last_failure ? m : undefined;
    }, 'the load failure');
    expect(status).toMatchObject({ status: 'load_failed', version: before, last_failure: { version: broken } });
    const r = await http(a.url, 'POST', '/predict', { values });
    expect(r.status).toBe(200);
    expect(r.body.model.version).toBe(before);
    const health = await http(a.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.text).toMatch(
      new RegExp(
        // (a model directory without a flavor any runtime serves: reported as not servable, not retried)
        `^DEGRADED\\nmodel 'swap': champion version ${broken} cannot be served at .* \\(serving version ${before}\\): `,
      ),
    );
    // A good champion afterwards clears the report.
    const good = await promote(a.url, 'swap', await logModelRun(a.url, m2.dir));
    await waitFor(
      async () => (await http(a.url, 'POST', '/predict', { values })).body.model.version === good,
      'the good version',
    );
    expect((await http(a.url, 'GET', '/health')).text).toBe('OK');
  });
});
