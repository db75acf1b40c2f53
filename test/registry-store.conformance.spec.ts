import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, MlflowError } from '../src/common/mlflow-error';
import {
  decodePageToken,
  MODEL_VERSIONS_GRAMMAR,
  parseFilter,
  parseOrderBy,
  REGISTERED_MODELS_GRAMMAR,
} from '../src/common/search';
import { Db } from '../src/database/db';
import { openDatabase } from '../src/database/open-database';
import { CreateModelVersionInput, ModelRegistryStore, RegistrySearchQuery } from '../src/registry/model-registry.store';
import { wantsPrompts } from '../src/registry/registry-validation';
import { STAGES } from '../src/registry/registry.types';
import { SqlModelRegistryStore } from '../src/registry/store/sql-model-registry.store';
import { createTestDatabase, TEST_POSTGRES_URL, TestDatabase } from './support/postgres';
import { makeLinguisticPostgresStore } from './support/tracking-store/fixture';

/**
 * ModelRegistryStore conformance: the same cases against every backend. sqlite always runs;
 * Postgres runs when TEST_POSTGRES_URL is set.
 */

async function rejects(p: Promise<unknown>, code: ErrorCode, message?: string | RegExp): Promise<MlflowError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlflowError);
  expect((err as MlflowError).code).toBe(code);
  if (message) expect((err as MlflowError).message).toMatch(message);
  return err as MlflowError;
}

const version = (name: string, extra: Partial<CreateModelVersionInput> = {}): CreateModelVersionInput => ({
  name,
  source: `mlflow-artifacts:/1/${name}/artifacts/model`,
  tags: [],
  ...extra,
});

function modelQuery(filter?: string, orderBy?: string[], maxResults = 100, pageToken?: string): RegistrySearchQuery {
  const clauses = parseFilter(filter, REGISTERED_MODELS_GRAMMAR);
  return {
    clauses,
    orderBy: parseOrderBy(orderBy, REGISTERED_MODELS_GRAMMAR),
    maxResults,
    page: decodePageToken(pageToken),
    includePrompts: wantsPrompts(clauses),
  };
}

function versionQuery(filter?: string, orderBy?: string[], maxResults = 1000, pageToken?: string): RegistrySearchQuery {
  const clauses = parseFilter(filter, MODEL_VERSIONS_GRAMMAR);
  return {
    clauses,
    orderBy: parseOrderBy(orderBy, MODEL_VERSIONS_GRAMMAR),
    maxResults,
    page: decodePageToken(pageToken),
    includePrompts: wantsPrompts(clauses),
  };
}

interface Backend {
  name: string;
  /** `close` (when given) closes the connection and drops the database itself. */
  open(): Promise<{ db: Db; cleanup(): Promise<void>; close?: () => Promise<void> }>;
}

const backends: (Backend & { enabled: boolean })[] = [
  {
    name: 'sqlite',
    enabled: true,
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-registry-'));
      const db = await openDatabase({ type: 'sqlite', path: path.join(dir, 'registry.db') });
      return { db, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    enabled: !!TEST_POSTGRES_URL,
    async open() {
      const pg: TestDatabase = await createTestDatabase('tsflow_reg');
      const db = await openDatabase({ type: 'postgres', url: pg.url });
      return { db, cleanup: () => pg.drop() };
    },
  },
  {
    // Linguistic default collation (a < A < b < B): name ordering must still be byte order.
    name: 'postgres, ICU en-US collation',
    enabled: !!TEST_POSTGRES_URL,
    async open() {
      const handle = await makeLinguisticPostgresStore();
      return { db: handle.db, cleanup: async () => undefined, close: () => handle.close() };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`ModelRegistryStore conformance (${backend.name})`, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    let close: (() => Promise<void>) | undefined;
    let store: ModelRegistryStore;
    let seq = 0;
    /** A fresh model name per test so cases stay independent on one database. */
    const fresh = (base = 'm') => `${base}-${++seq}`;

    beforeAll(async () => {
      ({ db, cleanup, close } = await backend.open());
      store = new SqlModelRegistryStore(db);
    });
    afterAll(async () => {
      if (close) await close();
      else await db?.close();
      await cleanup?.();
    });

    it('creates and reads a model with tags and description; duplicate names are refused', async () => {
      const name = fresh();
      const created = await store.createRegisteredModel({
        name,
        description: 'first',
        tags: [
          { key: 'team', value: 'ds' },
          { key: 'team', value: 'ml' },
        ],
      });
      expect(created).toMatchObject({
        name,
        description: 'first',
        tags: [{ key: 'team', value: 'ml' }],
        aliases: [],
        latestVersions: [],
      });
      expect(created.creationTimestamp).toBe(created.lastUpdatedTimestamp);
      expect(await store.getRegisteredModel(name)).toEqual(created);
      expect(await store.getRegisteredModel(name.toUpperCase())).toBeUndefined();
      await rejects(
        store.createRegisteredModel({ name, tags: [] }),
        ErrorCode.RESOURCE_ALREADY_EXISTS,
        `Registered Model (name=${name}) already exists.`,
      );
    });

    it('numbers versions from 1 and never reuses a deleted number', async () => {
      const name = fresh();
      await store.createRegisteredModel({ name, tags: [] });
      const numbers = [];
      for (let i = 0; i < 3; i++) numbers.push((await store.createModelVersion(version(name))).version);
      expect(numbers).toEqual([1, 2, 3]);
      expect(await store.deleteModelVersion(name, 3)).toEqual([]);
      expect(await store.getModelVersion(name, 3)).toBeUndefined();
      expect((await store.createModelVersion(version(name))).version).toBe(4);
      await rejects(
        store.deleteModelVersion(name, 3),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        `Model Version (name=${name}, version=3) not found`,
      );
      const found = await store.searchModelVersions(versionQuery(`name = '${name}'`, ['version_number ASC']));
      expect(found.items.map((v) => v.version)).toEqual([1, 2, 4]);
    });

    it('stores every version field and reports status READY and stage None', async () => {
      const name = fresh();
      await store.createRegisteredModel({ name, tags: [] });
      const v = await store.createModelVersion({
        name,
        source: 'runs:/abc/model',
        storageLocation: 'mlflow-artifacts:/1/abc/artifacts/model',
        runId: 'abc',
        runLink: 'http://x/run',
        description: 'desc',
        tags: [{ key: 'k', value: '' }],
      });
      expect(v).toMatchObject({
        name,
        version: 1,
        currentStage: 'None',
        status: 'READY',
        source: 'runs:/abc/model',
        storageLocation: 'mlflow-artifacts:/1/abc/artifacts/model',
        runId: 'abc',
        runLink: 'http://x/run',
        description: 'desc',
        tags: [{ key: 'k', value: '' }],
        aliases: [],
      });
      expect(await store.getModelVersion(name, 1)).toEqual(v);
    });

    it('rejects versions of a missing model and reads of missing versions', async () => {
      await rejects(
        store.createModelVersion(version('no-such-model')),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        'Registered Model with name=no-such-model not found',
      );
      const name = fresh();
      await store.createRegisteredModel({ name, tags: [] });
      expect(await store.getModelVersion(name, 1)).toBeUndefined();
      await rejects(store.updateModelVersion(name, 1, 'x'), ErrorCode.RESOURCE_DOES_NOT_EXIST, /version=1/);
      await rejects(store.transitionStage(name, 1, 'Staging', false), ErrorCode.RESOURCE_DOES_NOT_EXIST);
      await rejects(store.setModelVersionTag(name, 1, { key: 'a', value: 'b' }), ErrorCode.RESOURCE_DOES_NOT_EXIST);
      await rejects(store.getLatestVersions('no-such-model', STAGES), ErrorCode.RESOURCE_DOES_NOT_EXIST);
    });

    it('bumps last_updated on version creation and description updates, not on tag changes', async () => {
      const name = fresh();
      const m0 = await store.createRegisteredModel({ name, tags: [] });
      await new Promise((r) => setTimeout(r, 5));
      await store.setRegisteredModelTag(name, { key: 'a', value: '1' });
      expect((await store.getRegisteredModel(name))?.lastUpdatedTimestamp).toBe(m0.lastUpdatedTimestamp);
      await store.createModelVersion(version(name));
      const m1 = (await store.getRegisteredModel(name))!;
      expect(m1.lastUpdatedTimestamp).toBeGreaterThan(m0.lastUpdatedTimestamp);
      expect(m1.creationTimestamp).toBe(m0.creationTimestamp);
      const updated = await store.updateRegisteredModel(name, 'described');
      expect(updated.description).toBe('described');
      expect((await store.updateRegisteredModel(name, undefined)).description).toBeUndefined();
      const v = await store.updateModelVersion(name, 1, 'v-desc');
      expect(v.description).toBe('v-desc');
      expect((await store.updateModelVersion(name, 1, undefined)).description).toBeUndefined();
    });

    it('upserts and deletes tags of models and versions', async () => {
      const name = fresh();
      await store.createRegisteredModel({ name, tags: [] });
      await store.createModelVersion(version(name, { tags: [{ key: 'x', value: '1' }] }));
      await store.setRegisteredModelTag(name, { key: 'b', value: '1' });
      await store.setRegisteredModelTag(name, { key: 'a', value: '2' });
      await store.setRegisteredModelTag(name, { key: 'b', value: '3' });
      expect((await store.getRegisteredModel(name))?.tags).toEqual([
        { key: 'a', value: '2' },
        { key: 'b', value: '3' },
      ]);
      await store.deleteRegisteredModelTag(name, 'a');
      await store.deleteRegisteredModelTag(name, 'never-set');
      expect((await store.getRegisteredModel(name))?.tags).toEqual([{ key: 'b', value: '3' }]);
      await store.setModelVersionTag(name, 1, { key: 'x', value: '2' });
      await store.setModelVersionTag(name, 1, { key: 'y', value: '' });
      expect((await store.getModelVersion(name, 1))?.tags).toEqual([
        { key: 'x', value: '2' },
        { key: 'y', value: '' },
      ]);
      await store.deleteModelVersionTag(name, 1, 'x');
      await store.deleteModelVersionTag(name, 1, 'never-set');
      expect((await store.getModelVersion(name, 1))?.tags).toEqual([{ key: 'y', value: '' }]);
      await rejects(
        store.setRegisteredModelTag('no-such-model', { key: 'a', value: 'b' }),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
      );
      await rejects(store.deleteRegisteredModelTag('no-such-model', 'a'), ErrorCode.RESOURCE_DOES_NOT_EXIST);
    });

    it('moves aliases, reports the previous holder, and removes them with their version', async () => {
      const name = fresh();
      await store.createRegisteredModel({ name, tags: [] });
      await store.createModelVersion(version(name, { runId: 'run1' }));
      await store.createModelVersion(version(name, { runId: 'run2' }));
      const first = await store.setAlias(name, 'champion', 1);
      expect(first.previous).toBeNull();
      expect(first.current).toMatchObject({ version: 1, aliases: ['champion'] });
      const moved = await store.setAlias(name, 'champion', 2);
      expect(moved.previous).toMatchObject({ version: 1, runId: 'run1' });
      expect(moved.current).toMatchObject({ version: 2, runId: 'run2', aliases: ['champion'] });
      await store.setAlias(name, 'backup', 2);
      expect((await store.getModelVersion(name, 2))?.aliases).toEqual(['backup', 'champion']);
      expect((await store.getRegisteredModel(name))?.aliases).toEqual([
        { alias: 'backup', version: 2 },
        { alias: 'champion', version: 2 },
      ]);
      expect((await store.getVersionByAlias(name, 'champion'))?.version).toBe(2);
      expect(await store.getVersionByAlias(name, 'nope')).toBeUndefined();
      await rejects(store.getVersionByAlias('no-such-model', 'champion'), ErrorCode.RESOURCE_DOES_NOT_EXIST);
      await rejects(
        store.setAlias(name, 'x', 9),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        `Model Version (name=${name}, version=9) not found`,
      );
      expect(await store.deleteAlias(name, 'backup')).toBe(2);
      expect(await store.deleteAlias(name, 'backup')).toBeNull();
      expect(await store.deleteModelVersion(name, 2)).toEqual(['champion']);
      expect(await store.getVersionByAlias(name, 'champion')).toBeUndefined();
      expect((await store.getRegisteredModel(name))?.aliases).toEqual([]);
    });

    it('registers a version with an alias in one call, creating the model when asked', async () => {
      const name = fresh();
      const first = await store.registerWithAlias(version(name, { runId: 'r1' }), 'champion', true);
      expect(first).toMatchObject({
        modelCreated: true,
        previous: null,
        current: { version: 1, runId: 'r1', aliases: ['champion'] },
      });
      const second = await store.registerWithAlias(version(name, { runId: 'r2' }), 'champion', true);
      expect(second).toMatchObject({
        modelCreated: false,
        previous: { version: 1, runId: 'r1' },
        current: { version: 2, aliases: ['champion'] },
      });
      await rejects(store.registerWithAlias(version(fresh()), 'champion', false), ErrorCode.RESOURCE_DOES_NOT_EXIST);
    });

    it('rename moves versions, tags and aliases; taken and missing names are refused', async () => {
      const name = fresh();
      const other = fresh();
      await store.createRegisteredModel({ name, tags: [{ key: 't', value: '1' }] });
      await store.createRegisteredModel({ name: other, tags: [] });
      await store.createModelVersion(version(name, { tags: [{ key: 'vt', value: 'x' }] }));
      await store.setAlias(name, 'champion', 1);
      await rejects(
        store.renameRegisteredModel(name, other),
        ErrorCode.RESOURCE_ALREADY_EXISTS,
        `Registered Model (name=${other}) already exists.`,
      );
      await rejects(store.renameRegisteredModel('no-such-model', fresh()), ErrorCode.RESOURCE_DOES_NOT_EXIST);
      const newName = fresh('renamed');
      const renamed = await store.renameRegisteredModel(name, newName);
      expect(renamed).toMatchObject({
        name: newName,
        tags: [{ key: 't', value: '1' }],
        aliases: [{ alias: 'champion', version: 1 }],
      });
      expect(renamed.latestVersions).toMatchObject([
        { name: newName, version: 1, tags: [{ key: 'vt', value: 'x' }], aliases: ['champion'] },
      ]);
      expect(await store.getRegisteredModel(name)).toBeUndefined();
      expect(await store.getModelVersion(name, 1)).toBeUndefined();
      expect((await store.createModelVersion(version(newName))).version).toBe(2);
      expect((await store.renameRegisteredModel(newName, newName)).name).toBe(newName);
    });

    it('delete removes the model with versions, tags and aliases', async () => {
      const name = fresh();
      await store.createRegisteredModel({ name, tags: [{ key: 't', value: '1' }] });
      await store.createModelVersion(version(name, { tags: [{ key: 'vt', value: 'x' }] }));
      await store.setAlias(name, 'champion', 1);
      expect(await store.deleteRegisteredModel(name)).toEqual([{ alias: 'champion', version: 1 }]);
      expect(await store.getRegisteredModel(name)).toBeUndefined();
      await rejects(store.deleteRegisteredModel(name), ErrorCode.RESOURCE_DOES_NOT_EXIST);
      for (const table of [
        'model_versions',
        'model_version_tags',
        'registered_model_tags',
        'registered_model_aliases',
      ]) {
        expect(await db.query(`SELECT 1 AS x FROM ${table} WHERE name = ?`, [name])).toEqual([]);
      }
      await store.createRegisteredModel({ name, tags: [] });
      expect((await store.createModelVersion(version(name))).version).toBe(1);
    });

    it('keeps the latest version per stage and archives existing versions on request', async () => {
      const name = fresh();
      await store.createRegisteredModel({ name, tags: [] });
      for (let i = 0; i < 4; i++) await store.createModelVersion(version(name));
      await store.transitionStage(name, 1, 'Production', false);
      await store.transitionStage(name, 2, 'Production', false);
      await store.transitionStage(name, 3, 'Staging', false);
      const latest = await store.getLatestVersions(name, STAGES);
      expect(latest.map((v) => [v.currentStage, v.version])).toEqual([
        ['None', 4],
        ['Staging', 3],
        ['Production', 2],
      ]);
      expect((await store.getRegisteredModel(name))?.latestVersions.map((v) => v.version)).toEqual([4, 3, 2]);
      expect((await store.getLatestVersions(name, ['Archived', 'Production'])).map((v) => v.version)).toEqual([2]);
      const promoted = await store.transitionStage(name, 4, 'Production', true);
      expect(promoted.currentStage).toBe('Production');
      const stages = (
        await store.searchModelVersions(versionQuery(`name = '${name}'`, ['version_number ASC']))
      ).items.map((v) => v.currentStage);
      expect(stages).toEqual(['Archived', 'Archived', 'Staging', 'Production']);
      await store.deleteModelVersion(name, 4);
      expect(await store.getLatestVersions(name, ['Production'])).toEqual([]);
    });

    it('searches registered models by name and tags, with prompt exclusion, ordering and pages', async () => {
      const prefix = `srch${++seq}`;
      const names = [`${prefix}-b`, `${prefix}-A`, `${prefix}-a`, `${prefix}-c`];
      for (const n of names)
        await store.createRegisteredModel({ name: n, tags: n.endsWith('a') ? [{ key: 'team', value: 'ds' }] : [] });
      await store.createRegisteredModel({
        name: `${prefix}-prompt`,
        tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
      });
      const names_ = async (filter: string, orderBy?: string[]) =>
        (await store.searchRegisteredModels(modelQuery(filter, orderBy))).items.map((m) => m.name);
      expect(await names_(`name LIKE '${prefix}-%'`)).toEqual([
        `${prefix}-A`,
        `${prefix}-a`,
        `${prefix}-b`,
        `${prefix}-c`,
      ]);
      expect(await names_(`name LIKE '${prefix}-a'`)).toEqual([`${prefix}-a`]);
      expect(await names_(`name ILIKE '${prefix}-a'`)).toEqual([`${prefix}-A`, `${prefix}-a`]);
      expect(await names_(`name = '${prefix}-b'`)).toEqual([`${prefix}-b`]);
      expect(await names_(`name LIKE '${prefix}-%' AND name != '${prefix}-b'`)).toEqual([
        `${prefix}-A`,
        `${prefix}-a`,
        `${prefix}-c`,
      ]);
      expect(await names_(`name LIKE '${prefix}-%' AND tags.team = 'ds'`)).toEqual([`${prefix}-a`]);
      expect(await names_(`name LIKE '${prefix}-%' AND tags.team != 'x'`)).toEqual([`${prefix}-a`]);
      expect(await names_(`name LIKE '${prefix}-%'`, ['name DESC'])).toEqual([
        `${prefix}-c`,
        `${prefix}-b`,
        `${prefix}-a`,
        `${prefix}-A`,
      ]);
      expect(await names_(`name LIKE '${prefix}-%' AND tags.\`mlflow.prompt.is_prompt\` = 'true'`)).toEqual([
        `${prefix}-prompt`,
      ]);
      expect(await names_(`name LIKE '${prefix}-%' AND tags.\`mlflow.prompt.is_prompt\` != 'true'`)).toHaveLength(4);
      expect(await names_(`name LIKE '${prefix}-%' AND tags.\`mlflow.prompt.is_prompt\` = 'false'`)).toHaveLength(4);

      await store.createModelVersion(version(`${prefix}-c`));
      expect((await names_(`name LIKE '${prefix}-%'`, ['last_updated_timestamp DESC']))[0]).toBe(`${prefix}-c`);

      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.searchRegisteredModels(modelQuery(`name LIKE '${prefix}-%'`, undefined, 2, token));
        seen.push(...page.items.map((m) => m.name));
        token = page.nextPageToken;
        pages++;
      } while (token);
      // Exactly 4 rows in pages of 2: the look-ahead means no token (and no empty page) after the second.
      expect(pages).toBe(2);
      expect(seen).toEqual([`${prefix}-A`, `${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
      const first = await store.searchRegisteredModels(modelQuery(`name LIKE '${prefix}-%'`, undefined, 3));
      expect(first.items[2].latestVersions).toEqual([]);
      expect(first.nextPageToken).toBeDefined();
    });

    it('searches model versions by every key, ordered and paged', async () => {
      const a = fresh('vs');
      const b = fresh('vs');
      await store.createRegisteredModel({ name: a, tags: [] });
      await store.createRegisteredModel({ name: b, tags: [] });
      for (let i = 1; i <= 3; i++) {
        await store.createModelVersion(
          version(a, {
            runId: `run${i}`,
            source: `mlflow-artifacts:/1/run${i}/artifacts/model`,
            tags: i === 2 ? [{ key: 'ok', value: 'yes' }] : [],
          }),
        );
      }
      // A later creation time than every version of `a`, so the creation_timestamp order below is strict.
      await new Promise((r) => setTimeout(r, 5));
      await store.createModelVersion(version(b, { runId: 'run1' }));
      const find = async (filter: string, orderBy?: string[]) =>
        (await store.searchModelVersions(versionQuery(filter, orderBy))).items.map((v) => `${v.name}/${v.version}`);
      expect(await find(`name = '${a}'`)).toEqual([`${a}/3`, `${a}/2`, `${a}/1`]);
      expect(await find(`name = '${a}' AND version_number > 1`, ['version_number ASC'])).toEqual([`${a}/2`, `${a}/3`]);
      expect(await find(`run_id IN ('run1', 'run3') AND name LIKE 'vs-%'`, ['name ASC', 'version_number ASC'])).toEqual(
        [`${a}/1`, `${a}/3`, `${b}/1`],
      );
      expect(await find(`run_id = 'run2' AND name = '${a}'`)).toEqual([`${a}/2`]);
      expect(await find(`name = '${a}' AND source_path LIKE '%run3%'`)).toEqual([`${a}/3`]);
      expect(await find(`name = '${a}' AND tags.ok = 'yes'`)).toEqual([`${a}/2`]);
      expect(await find(`name = '${a}' AND run_id IN ()`)).toEqual([]);
      expect(await find(`name LIKE 'vs-%' AND run_id = 'run1'`, ['creation_timestamp ASC', 'name DESC'])).toEqual([
        `${a}/1`,
        `${b}/1`,
      ]);

      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await store.searchModelVersions(versionQuery(`name = '${a}'`, ['version_number ASC'], 2, token));
        seen.push(...page.items.map((v) => String(v.version)));
        token = page.nextPageToken;
      } while (token);
      expect(seen).toEqual(['1', '2', '3']);
      // Search results carry aliases and tags too.
      await store.setAlias(a, 'champion', 2);
      const hit = (await store.searchModelVersions(versionQuery(`name = '${a}' AND version_number = 2`))).items[0];
      expect(hit).toMatchObject({ aliases: ['champion'], tags: [{ key: 'ok', value: 'yes' }] });
    });

    it('excludes versions of prompt models unless the filter asks for them', async () => {
      const prompt = fresh('prompt');
      await store.createRegisteredModel({ name: prompt, tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
      await store.createModelVersion(version(prompt, { tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] }));
      expect((await store.searchModelVersions(versionQuery(`name = '${prompt}'`))).items).toEqual([]);
      const asked = await store.searchModelVersions(
        versionQuery(`name = '${prompt}' AND tags.\`mlflow.prompt.is_prompt\` = 'true'`),
      );
      expect(asked.items.map((v) => v.version)).toEqual([1]);
    });

    it('serialises concurrent version creation for one model', async () => {
      const name = fresh('conc');
      await store.createRegisteredModel({ name, tags: [] });
      const created = await Promise.all(Array.from({ length: 12 }, () => store.createModelVersion(version(name))));
      expect(created.map((v) => v.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const promoted = await Promise.all(
        Array.from({ length: 6 }, () => store.registerWithAlias(version(name), 'champion', true)),
      );
      const current = (await store.getVersionByAlias(name, 'champion'))!.version;
      expect(Math.max(...promoted.map((p) => p.current.version))).toBe(current);
      // Every promotion saw the one before it: the previous holders form a chain.
      const previous = promoted
        .map((p) => p.previous?.version)
        .filter((v) => v !== undefined)
        .sort((x, y) => x! - y!);
      expect(previous).toHaveLength(5);
    });
  });
}
