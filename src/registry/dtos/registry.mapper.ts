import { compact } from '../../common/wire';
import type { KeyValue, ModelVersion, RegisteredModel } from '../registry.types';

/** Domain registry objects to MLflow's wire JSON (snake_case, string versions, empty fields omitted). */

const kv = (items: KeyValue[]) => items.map(({ key, value }) => ({ key, value }));

export function modelVersionToWire(v: ModelVersion) {
  return compact({
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    user_id: v.userId,
    current_stage: v.currentStage,
    description: v.description,
    source: v.source,
    run_id: v.runId,
    // Never omitted: a missing status reads as PENDING_REGISTRATION and makes clients poll.
    status: v.status,
    status_message: v.statusMessage,
    tags: kv(v.tags),
    run_link: v.runLink,
    aliases: [...v.aliases],
  });
}

export function registeredModelToWire(m: RegisteredModel) {
  return compact({
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    description: m.description,
    latest_versions: m.latestVersions.map(modelVersionToWire),
    tags: kv(m.tags),
    aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
  });
}
