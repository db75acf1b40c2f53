import type { SqlRunner } from '../../database/db';
import { inList, listParam } from '../../database/sql-dialect';
import { groupBy } from '../../database/sql-helpers';
import { Alias, DELETED_STAGE, KeyValue, ModelVersion, RegisteredModel, Stage, STAGES } from '../registry.types';

/** Rows of the registry tables and their hydration into domain objects (tags, aliases, latest versions). */

export interface ModelRow {
  name: string;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
}

export interface VersionRow {
  name: string;
  version: number;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
  user_id: string | null;
  current_stage: string;
  source: string;
  storage_location: string | null;
  run_id: string | null;
  run_link: string | null;
  status: string;
  status_message: string | null;
}

export const MODEL_COLUMNS = 'm.name, m.creation_time, m.last_updated_time, m.description';

export const VERSION_COLUMNS =
  'v.name, v.version, v.creation_time, v.last_updated_time, v.description, v.user_id, v.current_stage, ' +
  'v.source, v.storage_location, v.run_id, v.run_link, v.status, v.status_message';

/** SQL condition: the version row `v` is not soft-deleted. */
export const VISIBLE = `v.current_stage <> '${DELETED_STAGE}'`;

const orUndefined = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? undefined : v);

function versionFromRow(r: VersionRow, tags: KeyValue[], aliases: string[]): ModelVersion {
  return {
    name: r.name,
    version: Number(r.version),
    creationTimestamp: Number(r.creation_time),
    lastUpdatedTimestamp: Number(r.last_updated_time),
    userId: orUndefined(r.user_id),
    currentStage: r.current_stage as Stage,
    description: orUndefined(r.description),
    source: r.source,
    storageLocation: orUndefined(r.storage_location),
    runId: orUndefined(r.run_id),
    runLink: orUndefined(r.run_link),
    status: 'READY',
    statusMessage: orUndefined(r.status_message),
    tags,
    aliases,
  };
}

const versionKey = (name: string, version: number | string) => `${name}\u0000${Number(version)}`;

/** Versions with their tags and aliases, in row order (two queries for the whole page). */
export async function hydrateVersions(q: SqlRunner, rows: VersionRow[]): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const d = q.dialect;
  const names = listParam(d, [...new Set(rows.map((r) => r.name))]);
  const numbers = listParam(d, [...new Set(rows.map((r) => Number(r.version)))]);
  const tags = await q.query<KeyValue & { name: string; version: number }>(
    `SELECT name, version, key, value FROM model_version_tags WHERE ${inList(d, 'name')} AND ${inList(d, 'version')} ORDER BY key`,
    [names, numbers],
  );
  const aliases = await q.query<{ name: string; alias: string; version: number }>(
    `SELECT name, alias, version FROM registered_model_aliases WHERE ${inList(d, 'name')} AND ${inList(d, 'version')} ORDER BY alias`,
    [names, numbers],
  );
  const tagsBy = groupBy(tags, (t) => versionKey(t.name, t.version));
  const aliasesBy = groupBy(aliases, (a) => versionKey(a.name, a.version));
  return rows.map((r) => {
    const key = versionKey(r.name, r.version);
    return versionFromRow(
      r,
      (tagsBy.get(key) ?? []).map(({ key: k, value }) => ({ key: k, value })),
      (aliasesBy.get(key) ?? []).map((a) => a.alias),
    );
  });
}

/** The highest visible version per (model, stage) for the given models. */
async function latestVersions(q: SqlRunner, names: unknown): Promise<ModelVersion[]> {
  const rows = await q.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM model_versions v WHERE ${inList(q.dialect, 'v.name')} AND ${VISIBLE}
     AND v.version = (SELECT MAX(v2.version) FROM model_versions v2 WHERE v2.name = v.name AND v2.current_stage = v.current_stage)`,
    [names],
  );
  return hydrateVersions(q, rows);
}

/** Models with tags, aliases and latest versions, in row order (four queries for the whole page). */
export async function hydrateModels(q: SqlRunner, rows: ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const d = q.dialect;
  const names = listParam(
    d,
    rows.map((r) => r.name),
  );
  const tags = await q.query<KeyValue & { name: string }>(
    `SELECT name, key, value FROM registered_model_tags WHERE ${inList(d, 'name')} ORDER BY key`,
    [names],
  );
  const aliases = await q.query<{ name: string; alias: string; version: number }>(
    `SELECT name, alias, version FROM registered_model_aliases WHERE ${inList(d, 'name')} ORDER BY alias`,
    [names],
  );
  const latest = await latestVersions(q, names);
  const tagsBy = groupBy(tags, (t) => t.name);
  const aliasesBy = groupBy(aliases, (a) => a.name);
  const latestBy = groupBy(latest, (v) => v.name);
  return rows.map((r) => ({
    name: r.name,
    creationTimestamp: Number(r.creation_time),
    lastUpdatedTimestamp: Number(r.last_updated_time),
    description: orUndefined(r.description),
    latestVersions: (latestBy.get(r.name) ?? []).sort(
      (a, b) => STAGES.indexOf(a.currentStage) - STAGES.indexOf(b.currentStage),
    ),
    tags: (tagsBy.get(r.name) ?? []).map(({ key, value }) => ({ key, value })),
    aliases: (aliasesBy.get(r.name) ?? []).map((a): Alias => ({ alias: a.alias, version: Number(a.version) })),
  }));
}

export async function loadModel(q: SqlRunner, name: string): Promise<RegisteredModel | undefined> {
  const rows = await q.query<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM registered_models m WHERE m.name = ?`, [name]);
  return (await hydrateModels(q, rows))[0];
}

export async function loadVersion(q: SqlRunner, name: string, version: number): Promise<ModelVersion | undefined> {
  const rows = await q.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM model_versions v WHERE v.name = ? AND v.version = ? AND ${VISIBLE}`,
    [name, version],
  );
  return (await hydrateVersions(q, rows))[0];
}

export async function loadAliasTarget(q: SqlRunner, name: string, alias: string): Promise<ModelVersion | undefined> {
  const rows = await q.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM registered_model_aliases a
     JOIN model_versions v ON v.name = a.name AND v.version = a.version
     WHERE a.name = ? AND a.alias = ? AND ${VISIBLE}`,
    [name, alias],
  );
  return (await hydrateVersions(q, rows))[0];
}
