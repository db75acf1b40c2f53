import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingStore } from '../src/experiments/tracking.store';
import { basic, startAuthServer } from './support/auth';
import { http, TestServer } from './support/server';
import { rawRequest } from './support/raw-http';
import { requestText, socketRequest } from './support/socket-http';
import { BACKENDS } from './support/tracking';

/**
 * Issue 21, "permissions can be walked around": in basic-auth mode with
 * TSFLOW_DEFAULT_PERMISSION=NO_PERMISSIONS, a user with no grant on the admin's experiment and
 * model tries every reference path (a version's source, run_id or model_id, a champion's run,
 * artifact locations, logged models' runs, run inputs/outputs, model-linked metrics, trace
 * links, monitors' retraining experiments) from objects of her own. Each is refused before the
 * handler runs (403, nothing stored, nothing read); a user holding READ makes the same calls.
 */
const ADMIN = { username: 'root', password: 'admin-secret-1' };
const API = '/api/2.0/mlflow';
const SECRET = 'the admin run secret';

describe.each(BACKENDS)(
  'permission walk-arounds through references (basic-auth, NO_PERMISSIONS default, $db)',
  ({ db, skip }) => {
    let s: TestServer;
    const admin = basic(ADMIN.username, ADMIN.password);
    const mallory = basic('mallory', 'mallory-password');
    const rita = basic('rita', 'rita-password');
    const call = (method: string, p: string, body: unknown, headers: Record<string, string>) =>
      http(s.url, method, p, body, headers);
    const ok = async (method: string, p: string, body: unknown, headers: Record<string, string>) => {
      const res = await call(method, p, body, headers);
      expect(res.status, `${method} ${p}: ${res.text}`).toBe(200);
      return res.body;
    };
    const denied = async (method: string, p: string, body: unknown, headers = mallory) => {
      const res = await call(method, p, body, headers);
      expect([res.status, res.body?.error_code], `${method} ${p} ${JSON.stringify(body)}: ${res.text}`).toEqual([
        403,
        'PERMISSION_DENIED',
      ]);
      expect(res.text).not.toContain(SECRET);
    };

    let exp: string;
    let run: { run_id: string; artifact_uri: string };
    let loggedModel: string;
    let malExp: string;
    let malRun: { run_id: string; artifact_uri: string };
    let ritaExp: string;
    let ritaRun: { run_id: string };
    const runDir = () => path.join(s.dir, 'artifacts', exp, run.run_id, 'artifacts');

    beforeAll(async () => {
      if (skip) return;
      s = await startAuthServer({
        database: db,
        admin: ADMIN,
        users: ['mallory', 'rita'],
        env: { TSFLOW_DEFAULT_PERMISSION: 'NO_PERMISSIONS' },
      });
      exp = (await ok('POST', `${API}/experiments/create`, { name: 'secret' }, admin)).experiment_id;
      run = (await ok('POST', `${API}/runs/create`, { experiment_id: exp }, admin)).run.info;
      for (const file of ['secret.txt', 'model/MLmodel'])
        await ok('PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run.run_id}/artifacts/${file}`, SECRET, admin);
      await ok('POST', `${API}/registered-models/create`, { name: 'admin-model' }, admin);
      await ok(
        'POST',
        `${API}/model-versions/create`,
        { name: 'admin-model', source: `${run.artifact_uri}/model` },
        admin,
      );
      await ok('POST', `${API}/registered-models/alias`, { name: 'admin-model', alias: 'prod', version: '1' }, admin);
      loggedModel = (
        await ok('POST', `${API}/logged-models`, { experiment_id: exp, name: 'lm', source_run_id: run.run_id }, admin)
      ).model.info.model_id;
      // Rita may read the admin's experiment and model; Mallory has nothing.
      await ok(
        'POST',
        `${API}/experiments/permissions/create`,
        { experiment_id: exp, username: 'rita', permission: 'READ' },
        admin,
      );
      await ok(
        'POST',
        `${API}/registered-models/permissions/create`,
        { name: 'admin-model', username: 'rita', permission: 'READ' },
        admin,
      );
      malExp = (await ok('POST', `${API}/experiments/create`, { name: 'mallory-exp' }, mallory)).experiment_id;
      malRun = (await ok('POST', `${API}/runs/create`, { experiment_id: malExp }, mallory)).run.info;
      await ok('POST', `${API}/registered-models/create`, { name: 'mal-model' }, mallory);
      ritaExp = (await ok('POST', `${API}/experiments/create`, { name: 'rita-exp' }, rita)).experiment_id;
      ritaRun = (await ok('POST', `${API}/runs/create`, { experiment_id: ritaExp }, rita)).run.info;
      await ok('POST', `${API}/registered-models/create`, { name: 'rita-model' }, rita);
    }, 120_000);
    afterAll(async () => s?.close());

    const versionsOf = async (name: string, headers: Record<string, string>) =>
      (
        await ok(
          'GET',
          `${API}/model-versions/search?filter=${encodeURIComponent(`name='${name}'`)}`,
          undefined,
          headers,
        )
      ).model_versions ?? [];

    /** Every spelling of "the admin's files" a version source can take. */
    const adminSources = () => {
      const host = new URL(s.url).host;
      const inArea = `${exp}/${run.run_id}/artifacts`;
      return [
        run.artifact_uri,
        `${run.artifact_uri}/model`,
        `runs:/${run.run_id}/model`,
        `runs:/${run.run_id}`,
        `mlflow-artifacts:/${exp}`,
        `mlflow-artifacts://${host}/${inArea}`,
        `mlflow-artifacts:/${exp}%2F${run.run_id}/artifacts`,
        `mlflow-artifacts:///${inArea}`,
        `${s.url}/api/2.0/mlflow-artifacts/artifacts/${inArea}`,
        'mlflow-artifacts:/',
        `models:/admin-model/1`,
        `models:/admin-model@prod`,
        `models:/admin-model/latest`,
        `models:/${loggedModel}`,
        runDir(),
        `file://${runDir()}`,
        's3://some-bucket/anything',
      ];
    };

    it.skipIf(skip)(
      'model-versions/create: a source, run_id or model_id of the admin is refused; nothing stored, nothing read',
      async () => {
        for (const source of adminSources())
          await denied('POST', `${API}/model-versions/create`, { name: 'mal-model', source });
        await denied('POST', `${API}/model-versions/create`, {
          name: 'mal-model',
          source: `${malRun.artifact_uri}/model`,
          run_id: run.run_id,
        });
        await denied('POST', `${API}/model-versions/create`, {
          name: 'mal-model',
          source: `${malRun.artifact_uri}/model`,
          model_id: loggedModel,
        });
        expect(await versionsOf('mal-model', mallory)).toEqual([]);
        const leak = await call(
          'GET',
          `/model-versions/get-artifact?name=mal-model&version=1&path=secret.txt`,
          undefined,
          mallory,
        );
        expect(leak.status).toBe(404);
        expect(leak.text).not.toContain(SECRET);
        // Her own files still register.
        await ok(
          'POST',
          `${API}/model-versions/create`,
          { name: 'mal-model', source: `${malRun.artifact_uri}/model`, run_id: malRun.run_id },
          mallory,
        );
      },
    );

    it.skipIf(skip)(
      'model-versions/create: with READ the same references register, and the files read through the version',
      async () => {
        const sources = adminSources().filter(
          (src) =>
            !src.startsWith('s3:') && src !== 'mlflow-artifacts:/' && !src.startsWith('/') && !src.startsWith('file:'),
        );
        for (const source of sources) {
          const res = await call('POST', `${API}/model-versions/create`, { name: 'rita-model', source }, rita);
          expect(res.status, `${source}: ${res.text}`).toBe(200);
        }
        const v = (
          await ok(
            'POST',
            `${API}/model-versions/create`,
            { name: 'rita-model', source: run.artifact_uri, run_id: run.run_id },
            rita,
          )
        ).model_version;
        const file = await call(
          'GET',
          `/model-versions/get-artifact?name=rita-model&version=${v.version}&path=secret.txt`,
          undefined,
          rita,
        );
        expect([file.status, file.text]).toEqual([200, SECRET]);
        // A parent of every area, or a bucket outside them, stays with admins.
        for (const source of ['mlflow-artifacts:/', 's3://some-bucket/anything'])
          await denied('POST', `${API}/model-versions/create`, { name: 'rita-model', source }, rita);
        await ok(
          'POST',
          `${API}/model-versions/create`,
          { name: 'admin-model', source: 's3://some-bucket/anything' },
          admin,
        );
      },
    );

    it.skipIf(skip)(
      "champion: promoting the admin's run into her own model is refused; with READ it goes through",
      async () => {
        await denied('POST', '/api/v1/models/mal-model/champion', { run_id: run.run_id });
        await denied('POST', '/api/v1/models/new-model/champion', { run_id: run.run_id });
        expect((await versionsOf('mal-model', mallory)).length).toBe(1);
        expect((await call('GET', '/api/v1/models/mal-model/champion', undefined, mallory)).status).toBe(404);
        const promoted = await ok('POST', '/api/v1/models/rita-model/champion', { run_id: run.run_id }, rita);
        expect(promoted.champion.run_id).toBe(run.run_id);
      },
    );

    it.skipIf(skip)(
      "artifact locations: no experiment may overlap another's area, either way, in any spelling",
      async () => {
        const host = new URL(s.url).host;
        const before = fs.readdirSync(runDir()).sort();
        const overlapping = [
          `${run.artifact_uri}/x`,
          run.artifact_uri,
          `mlflow-artifacts:/${exp}`,
          `mlflow-artifacts://${host}/${exp}/${run.run_id}/artifacts`,
          `${s.url}/api/2.0/mlflow-artifacts/artifacts/${exp}/${run.run_id}/artifacts`,
          'mlflow-artifacts:/',
          `mlflow-artifacts:/${Number(exp) + 5}`,
          path.join(s.dir, 'artifacts', exp),
          path.join(s.dir, 'artifacts'),
        ];
        for (const [i, location] of overlapping.entries()) {
          for (const who of [mallory, rita, admin]) {
            const res = await call(
              'POST',
              `${API}/experiments/create`,
              { name: `overlap-${i}`, artifact_location: location },
              who,
            );
            expect([res.status, res.body?.error_code], `${location}: ${res.text}`).toEqual([403, 'PERMISSION_DENIED']);
          }
          expect(
            (await call('GET', `${API}/experiments/get-by-name?experiment_name=overlap-${i}`, undefined, admin)).status,
          ).toBe(404);
        }
        // A location of her own: her runs upload there, and it cannot be overlapped by the admin's files either.
        const own = (
          await ok(
            'POST',
            `${API}/experiments/create`,
            { name: 'mallory-own', artifact_location: 'mlflow-artifacts:/team-mallory/exp' },
            mallory,
          )
        ).experiment_id;
        const ownRun = (await ok('POST', `${API}/runs/create`, { experiment_id: own }, mallory)).run.info;
        expect(ownRun.artifact_uri).toBe(`mlflow-artifacts:/team-mallory/exp/${ownRun.run_id}/artifacts`);
        await ok(
          'PUT',
          `/api/2.0/mlflow-artifacts/artifacts/team-mallory/exp/${ownRun.run_id}/artifacts/f.txt`,
          'mine',
          mallory,
        );
        await denied('PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run.run_id}/artifacts/f.txt`, 'x');
        await denied('GET', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run.run_id}/artifacts/secret.txt`, undefined);
        await denied('PUT', '/api/2.0/mlflow-artifacts/artifacts/team-mallory/f.txt', 'x');
        expect(fs.readdirSync(runDir()).sort()).toEqual(before);
      },
    );

    it.skipIf(skip)(
      "an overlapping location stored before overlaps were refused does not open the admin's run either",
      async () => {
        const store = s.app.get(TrackingStore);
        const legacy = await store.createExperiment(
          { name: 'legacy', artifactLocation: `${run.artifact_uri}/legacy`, tags: [] },
          s.config.defaultArtifactRoot,
        );
        await ok(
          'POST',
          `${API}/experiments/permissions/create`,
          { experiment_id: legacy, username: 'mallory', permission: 'MANAGE' },
          admin,
        );
        const inside = (await ok('POST', `${API}/runs/create`, { experiment_id: legacy }, mallory)).run.info;
        expect(inside.artifact_uri.startsWith(run.artifact_uri)).toBe(true);
        const before = fs.readdirSync(runDir()).sort();
        await denied('POST', `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${inside.run_id}&path=x.txt`, 'x');
        await denied('GET', `${API}/artifacts/list?run_id=${inside.run_id}`, undefined);
        await denied('GET', `/get-artifact?run_id=${inside.run_id}&path=x.txt`, undefined);
        expect(fs.readdirSync(runDir()).sort()).toEqual(before);
      },
    );

    it.skipIf(skip)(
      'logged models, run inputs/outputs, model-linked metrics and trace links to the admin are refused',
      async () => {
        const r = malRun.run_id;
        await denied('POST', `${API}/logged-models`, { experiment_id: malExp, name: 'x', source_run_id: run.run_id });
        await denied('POST', `${API}/runs/log-inputs`, { run_id: r, models: [{ model_id: loggedModel }] });
        await denied('POST', `${API}/runs/outputs`, { run_id: r, models: [{ model_id: loggedModel, step: 0 }] });
        const metric = { key: 'm', value: 1, timestamp: 1, step: 0, model_id: loggedModel };
        await denied('POST', `${API}/runs/log-metric`, { run_id: r, ...metric });
        await denied('POST', `${API}/runs/log-batch`, { run_id: r, metrics: [metric] });
        const trace = (id: string, metadata: Record<string, string>) => ({
          trace: {
            trace_info: {
              trace_id: id,
              trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: malExp } },
              request_time: '2026-11-30T06:56:39.616Z',
              state: 'OK',
              trace_metadata: metadata,
            },
          },
        });
        await denied('POST', `${API.replace('2.0', '3.0')}/traces`, trace('tr-1', { 'mlflow.sourceRun': run.run_id }));
        await denied('POST', `${API.replace('2.0', '3.0')}/traces`, trace('tr-2', { 'mlflow.modelId': loggedModel }));
        const got = (await ok('GET', `${API}/runs/get?run_id=${r}`, undefined, mallory)).run;
        expect(got.inputs?.model_inputs ?? []).toEqual([]);
        expect(got.outputs?.model_outputs ?? []).toEqual([]);
        expect(got.data.metrics ?? []).toEqual([]);
        const searched = await ok('POST', `${API}/logged-models/search`, { experiment_ids: [malExp] }, mallory);
        expect(searched.models ?? []).toEqual([]);
        // With READ: the links that only read go through.
        const rr = ritaRun.run_id;
        await ok(
          'POST',
          `${API}/logged-models`,
          { experiment_id: ritaExp, name: 'x', source_run_id: run.run_id },
          rita,
        );
        await ok('POST', `${API}/runs/log-inputs`, { run_id: rr, models: [{ model_id: loggedModel }] }, rita);
        await ok('POST', `${API}/runs/outputs`, { run_id: rr, models: [{ model_id: loggedModel, step: 0 }] }, rita);
        // Recording a metric on the admin's model writes to it: READ is not enough.
        await denied('POST', `${API}/runs/log-metric`, { run_id: rr, ...metric }, rita);
      },
    );

    it.skipIf(skip)("monitors: retraining into the admin's experiment is refused", async () => {
      const body = {
        name: 'mal-monitor',
        model_name: 'mal-model',
        dataset: { ticker: 'MSFT' },
        schedule: { cron: '@daily' },
        retrain: { experiment_name: 'secret' },
      };
      await denied('POST', '/api/v1/monitors', body);
      // Without an experiment name, retraining writes into `monitor-<name>`: that one is checked too.
      await ok('POST', `${API}/experiments/create`, { name: 'monitor-watch' }, admin);
      await denied('POST', '/api/v1/monitors', { ...body, name: 'watch', retrain: {} });
      await denied('POST', '/api/v1/monitors', { ...body, name: 'mine', retrain: {}, model_name: 'admin-model' });
      expect((await ok('GET', '/api/v1/monitors', undefined, mallory)).monitors ?? []).toEqual([]);
    });

    it.skipIf(skip)('scoring: another alias or a pinned version of the admin model needs READ on it', async () => {
      const input = { inputs: [[1, 2, 3, 4]] };
      const requests = (ref: string): [string, string, unknown][] => [
        ['POST', `/invocations?model=${encodeURIComponent(ref)}`, input],
        ['POST', '/invocations', { model: ref, ...input }],
        ['POST', '/predict', { model: ref, values: [1, 2, 3] }],
        ['GET', `/ping?model=${encodeURIComponent(ref)}`, undefined],
      ];
      for (const ref of ['admin-model@prod', 'admin-model/1'])
        for (const [method, url, body] of requests(ref)) {
          await denied(method, url, body);
          // Rita reads the model: the request reaches serving (the admin's "model" is no model: 503/404).
          const res = await call(method, url, body, rita);
          expect(res.status, `${method} ${url}: ${res.text}`).not.toBe(403);
          expect(res.status).not.toBe(401);
        }
      // Nor does the serving status list them to her; Rita sees what she made the server try.
      const listed = async (who: Record<string, string>) =>
        ((await ok('GET', '/api/v1/serving/models', undefined, who)).models as { name: string }[]).map((m) => m.name);
      expect(await listed(rita)).toEqual(expect.arrayContaining(['admin-model/1', 'admin-model@prod']));
      expect((await listed(mallory)).filter((name) => name.startsWith('admin-model'))).toEqual([]);
      // The champion is what scoring exposes: every scoring client reaches it.
      await ok(
        'POST',
        `${API}/registered-models/alias`,
        { name: 'admin-model', alias: 'champion', version: '1' },
        admin,
      );
      for (const ref of ['admin-model', 'admin-model@champion'])
        for (const [method, url, body] of requests(ref)) {
          const res = await call(method, url, body, mallory);
          expect(res.status, `${method} ${url}: ${res.text}`).not.toBe(403);
          expect(res.text).not.toContain(SECRET);
        }
      await ok('DELETE', `${API}/registered-models/alias?name=admin-model&alias=champion`, undefined, admin);
    });

    it.skipIf(skip)(
      'a name in both the query and the body must mean one thing (rules and handlers read different ones)',
      async () => {
        const json = { 'content-type': 'application/json', ...mallory };
        const cases: [string, string, unknown][] = [
          ['GET', `${API}/registered-models/get?name=admin-model`, { name: 'mal-model' }],
          ['GET', `${API}/runs/get?run_id=${run.run_id}`, { run_id: malRun.run_id }],
          [
            'POST',
            `${API}/model-versions/create?source=${encodeURIComponent(run.artifact_uri)}`,
            { name: 'mal-model', source: `${malRun.artifact_uri}/m` },
          ],
          ['DELETE', `${API}/registered-models/delete?name=admin-model`, { name: 'mal-model' }],
        ];
        for (const [method, url, body] of cases) {
          const res = await rawRequest(s.url, method, url, JSON.stringify(body), json);
          // 400 where both were parsed; a GET body is not parsed at all, so the query's name is the one checked (403).
          expect([400, 403], `${method} ${url}: ${res.body.toString()}`).toContain(res.status);
          expect(res.body.toString()).not.toContain(SECRET);
        }
        expect(
          (await ok('GET', `${API}/registered-models/get?name=admin-model`, undefined, admin)).registered_model.name,
        ).toBe('admin-model');
      },
    );

    it.skipIf(skip)('two Host (or Authorization, Content-Type) headers are a 400, whichever comes first', async () => {
      const host = new URL(s.url).host;
      const cases: Record<string, string>[] = [
        { Host: host, host: 'evil.example' },
        { Host: host, 'X-Y': '1', HOST: host },
      ];
      for (const extra of cases) {
        const raw = requestText('GET', '/health', extra).replace(/\r\n\r\n$/, '\r\nConnection: close\r\n\r\n');
        expect((await socketRequest(s.url, raw, { waitMs: 5000 })).status).toBe(400);
      }
      const auth = mallory.authorization;
      const twice = requestText('GET', `${API}/experiments/get?experiment_id=${malExp}`, {
        Host: host,
        Authorization: auth,
        authorization: admin.authorization,
        Connection: 'close',
      });
      const res = await socketRequest(s.url, twice, { waitMs: 5000 });
      expect(res.status).toBe(400);
    });
  },
);
