import { Injectable } from '@nestjs/common';
import { encodePageToken } from '../../common/search';
import { Db, SqlRunner } from '../../database/db';
import { insertRows } from '../../database/sql-dialect';
import { isUniqueViolation } from '../../database/sql-helpers';
import {
  AliasMove,
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  ModelRegistryStore,
  RegisterWithAliasResult,
  RegistrySearchQuery,
} from '../model-registry.store';
import { modelExists, modelNotFound, versionNotFound } from '../registry-errors';
import { Alias, DELETED_STAGE, KeyValue, ModelVersion, Page, RegisteredModel, Stage } from '../registry.types';
import {
  hydrateModels,
  hydrateVersions,
  loadAliasTarget,
  loadModel,
  loadVersion,
  ModelRow,
  VersionRow,
} from './registry-rows';
import { buildModelVersionSearch, buildRegisteredModelSearch } from './registry-search.sql';

function page<T>(rows: T[], max: number, offset: number): { items: T[]; nextPageToken?: string } {
  if (rows.length <= max) return { items: rows };
  return { items: rows.slice(0, max), nextPageToken: encodePageToken({ offset: offset + max }) };
}

const forUpdate = (q: SqlRunner) => (q.dialect === 'postgres' ? ' FOR UPDATE' : '');

/** Last value wins for repeated keys, as MLflow's upserts do. */
const lastByKey = (tags: KeyValue[]) => [...new Map(tags.map((t) => [t.key, t.value]))];

/** The one SQL implementation of ModelRegistryStore, for sqlite and Postgres alike. */
@Injectable()
export class SqlModelRegistryStore extends ModelRegistryStore {
  constructor(private readonly db: Db) {
    super();
  }

  /** Runs `fn` in a transaction, turning a unique violation into "name taken". */
  private async claimName<T>(name: string, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn);
    } catch (err) {
      if (isUniqueViolation(err)) throw modelExists(name);
      throw err;
    }
  }

  async createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    const now = Date.now();
    return this.claimName(input.name, async (tx) => {
      await tx.query(
        'INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)',
        [input.name, now, now, input.description || null],
      );
      await this.upsertModelTags(tx, input.name, input.tags);
      return (await loadModel(tx, input.name)) as RegisteredModel;
    });
  }

  getRegisteredModel(name: string): Promise<RegisteredModel | undefined> {
    return loadModel(this.db, name);
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    // Versions, tags and aliases follow through ON UPDATE CASCADE.
    return this.claimName(newName, async (tx) => {
      await this.touchModel(tx, name, { newName });
      return (await loadModel(tx, newName)) as RegisteredModel;
    });
  }

  async updateRegisteredModel(name: string, description: string | undefined): Promise<RegisteredModel> {
    return this.db.transaction(async (tx) => {
      await this.touchModel(tx, name);
      await tx.query('UPDATE registered_models SET description = ? WHERE name = ?', [description || null, name]);
      return (await loadModel(tx, name)) as RegisteredModel;
    });
  }

  async deleteRegisteredModel(name: string): Promise<Alias[]> {
    return this.db.transaction(async (tx) => {
      const aliases = await tx.query<{ alias: string; version: number }>(
        'SELECT alias, version FROM registered_model_aliases WHERE name = ? ORDER BY alias',
        [name],
      );
      const deleted = await tx.query('DELETE FROM registered_models WHERE name = ? RETURNING name', [name]);
      if (deleted.length === 0) throw modelNotFound(name);
      return aliases.map((a) => ({ alias: a.alias, version: Number(a.version) }));
    });
  }

  async searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>> {
    const { sql, params } = buildRegisteredModelSearch(this.db.dialect, query);
    const p = page(await this.db.query<ModelRow>(sql, params), query.maxResults, query.page?.offset ?? 0);
    return { items: await hydrateModels(this.db, p.items), nextPageToken: p.nextPageToken };
  }

  async getLatestVersions(name: string, stages: readonly Stage[]): Promise<ModelVersion[]> {
    const model = await loadModel(this.db, name);
    if (!model) throw modelNotFound(name);
    return stages
      .map((s) => model.latestVersions.find((v) => v.currentStage === s))
      .filter((v): v is ModelVersion => !!v);
  }

  async setRegisteredModelTag(name: string, tag: KeyValue): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.requireModel(tx, name);
      await this.upsertModelTags(tx, name, [tag]);
    });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.requireModel(tx, name);
      await tx.query('DELETE FROM registered_model_tags WHERE name = ? AND key = ?', [name, key]);
    });
  }

  async setAlias(name: string, alias: string, version: number): Promise<AliasMove> {
    return this.db.transaction(async (tx) => {
      await this.requireModel(tx, name);
      if (!(await loadVersion(tx, name, version))) throw versionNotFound(name, version);
      return this.moveAlias(tx, name, alias, version);
    });
  }

  async deleteAlias(name: string, alias: string): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      await this.requireModel(tx, name);
      const rows = await tx.query<{ version: number }>(
        'DELETE FROM registered_model_aliases WHERE name = ? AND alias = ? RETURNING version',
        [name, alias],
      );
      return rows.length ? Number(rows[0].version) : null;
    });
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    await this.requireModel(this.db, name);
    return loadAliasTarget(this.db, name, alias);
  }

  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    return this.db.transaction(async (tx) => {
      const version = await this.insertVersion(tx, input);
      return (await loadVersion(tx, input.name, version)) as ModelVersion;
    });
  }

  async registerWithAlias(
    input: CreateModelVersionInput,
    alias: string,
    createModel: boolean,
  ): Promise<RegisterWithAliasResult> {
    return this.db.transaction(async (tx) => {
      let modelCreated = false;
      if (createModel) {
        const now = Date.now();
        const inserted = await tx.query(
          `INSERT INTO registered_models (name, creation_time, last_updated_time) VALUES (?, ?, ?)
           ON CONFLICT (name) DO NOTHING RETURNING name`,
          [input.name, now, now],
        );
        modelCreated = inserted.length > 0;
      }
      const version = await this.insertVersion(tx, input);
      return { ...(await this.moveAlias(tx, input.name, alias, version)), modelCreated };
    });
  }

  getModelVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    return loadVersion(this.db, name, version);
  }

  async updateModelVersion(name: string, version: number, description: string | undefined): Promise<ModelVersion> {
    return this.db.transaction(async (tx) => {
      await this.requireVersion(tx, name, version);
      await tx.query(
        'UPDATE model_versions SET description = ?, last_updated_time = ? WHERE name = ? AND version = ?',
        [description || null, Date.now(), name, version],
      );
      return (await loadVersion(tx, name, version)) as ModelVersion;
    });
  }

  async deleteModelVersion(name: string, version: number): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      await this.requireVersion(tx, name, version);
      const now = Date.now();
      const aliases = await tx.query<{ alias: string }>(
        'DELETE FROM registered_model_aliases WHERE name = ? AND version = ? RETURNING alias',
        [name, version],
      );
      await tx.query('DELETE FROM model_version_tags WHERE name = ? AND version = ?', [name, version]);
      // MLflow keeps the row (so the number is never reused) with its identifying data redacted.
      await tx.query(
        `UPDATE model_versions SET current_stage = ?, last_updated_time = ?, description = NULL, user_id = NULL,
         source = 'REDACTED-SOURCE-PATH', storage_location = NULL, run_id = 'REDACTED-RUN-ID',
         run_link = 'REDACTED-RUN-LINK', status_message = NULL WHERE name = ? AND version = ?`,
        [DELETED_STAGE, now, name, version],
      );
      await tx.query('UPDATE registered_models SET last_updated_time = ? WHERE name = ?', [now, name]);
      return aliases.map((a) => a.alias).sort();
    });
  }

  async searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>> {
    const { sql, params } = buildModelVersionSearch(this.db.dialect, query);
    const p = page(await this.db.query<VersionRow>(sql, params), query.maxResults, query.page?.offset ?? 0);
    return { items: await hydrateVersions(this.db, p.items), nextPageToken: p.nextPageToken };
  }

  async transitionStage(name: string, version: number, stage: Stage, archiveExisting: boolean): Promise<ModelVersion> {
    return this.db.transaction(async (tx) => {
      await this.requireVersion(tx, name, version);
      const now = Date.now();
      if (archiveExisting) {
        await tx.query(
          `UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ? WHERE name = ? AND version <> ? AND current_stage = ?`,
          [now, name, version, stage],
        );
      }
      await tx.query(
        'UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?',
        [stage, now, name, version],
      );
      await tx.query('UPDATE registered_models SET last_updated_time = ? WHERE name = ?', [now, name]);
      return (await loadVersion(tx, name, version)) as ModelVersion;
    });
  }

  async setModelVersionTag(name: string, version: number, tag: KeyValue): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.requireVersion(tx, name, version);
      await tx.query(
        `INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value`,
        [name, version, tag.key, tag.value],
      );
    });
  }

  async deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.requireVersion(tx, name, version);
      await tx.query('DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?', [name, version, key]);
    });
  }

  // --- helpers (all take the transaction's runner: the sqlite lock is not re-entrant) ---

  /**
   * The existence check of a write, holding the row until the transaction ends (Postgres: FOR
   * UPDATE; sqlite: the writer lock): a rename or delete racing this write either waits, or
   * has happened and the check fails with 404, never a foreign-key error.
   */
  private async requireModel(q: SqlRunner, name: string): Promise<void> {
    const rows = await q.query(`SELECT 1 AS x FROM registered_models WHERE name = ?${forUpdate(q)}`, [name]);
    if (rows.length === 0) throw modelNotFound(name);
  }

  private async requireVersion(q: SqlRunner, name: string, version: number): Promise<void> {
    await this.requireModel(q, name);
    const rows = await q.query(
      `SELECT 1 AS x FROM model_versions WHERE name = ? AND version = ? AND current_stage <> ?${forUpdate(q)}`,
      [name, version, DELETED_STAGE],
    );
    if (rows.length === 0) throw versionNotFound(name, version);
  }

  /**
   * Bumps last_updated (and renames) the model. Being an UPDATE, it also takes the model's row
   * lock on Postgres, which serialises concurrent version creation for one model.
   */
  private async touchModel(tx: SqlRunner, name: string, opts: { newName?: string } = {}): Promise<void> {
    const rows = await tx.query(
      'UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ? RETURNING name',
      [opts.newName ?? name, Date.now(), name],
    );
    if (rows.length === 0) throw modelNotFound(name);
  }

  private async upsertModelTags(tx: SqlRunner, name: string, tags: KeyValue[]): Promise<void> {
    await insertRows(
      tx,
      'INSERT INTO registered_model_tags (name, key, value)',
      3,
      lastByKey(tags).map(([k, v]) => [name, k, v]),
      'ON CONFLICT (name, key) DO UPDATE SET value = excluded.value',
    );
  }

  /** Numbers continue after the highest ever used (deleted versions included): never reused. */
  private async insertVersion(tx: SqlRunner, input: CreateModelVersionInput): Promise<number> {
    await this.touchModel(tx, input.name);
    const [{ n }] = await tx.query<{ n: number | null }>(
      'SELECT MAX(version) AS n FROM model_versions WHERE name = ?',
      [input.name],
    );
    const version = Number(n ?? 0) + 1;
    const now = Date.now();
    await tx.query(
      `INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage,
       source, storage_location, run_id, run_link, status) VALUES (?, ?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, 'READY')`,
      [
        input.name,
        version,
        now,
        now,
        input.description || null,
        input.userId || null,
        input.source,
        input.storageLocation ?? null,
        input.runId || null,
        input.runLink || null,
      ],
    );
    await insertRows(
      tx,
      'INSERT INTO model_version_tags (name, version, key, value)',
      4,
      lastByKey(input.tags).map(([k, v]) => [input.name, version, k, v]),
    );
    return version;
  }

  private async moveAlias(tx: SqlRunner, name: string, alias: string, version: number): Promise<AliasMove> {
    const previous = (await loadAliasTarget(tx, name, alias)) ?? null;
    await tx.query(
      `INSERT INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?)
       ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version`,
      [name, alias, version],
    );
    const current = (await loadVersion(tx, name, version)) as ModelVersion;
    return { name, alias, previous, current };
  }
}
