/** Model registry domain types (camelCase inside; the wire mapping lives in dtos/). */
import type { KeyValue, Page } from '../experiments/tracking.types';

export type { KeyValue, Page };

/** The four public stages, in MLflow's canonical order (also the order of `latest_versions`). */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

/** Stages that `archive_existing_versions` may be used with. */
export const ACTIVE_STAGES: readonly Stage[] = ['Staging', 'Production'];

/** MLflow's internal stage of a soft-deleted version: invisible everywhere, number kept. */
export const DELETED_STAGE = 'Deleted_Internal';

/** Tag that marks prompt-registry entries (MLflow 2.21+); they share the model namespace. */
export const PROMPT_TAG = 'mlflow.prompt.is_prompt';

/** The alias the serving module follows. */
export const CHAMPION_ALIAS = 'champion';

export interface ModelVersion {
  name: string;
  version: number;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  userId?: string;
  currentStage: Stage;
  description?: string;
  /** The URI given at creation (kept verbatim, e.g. `runs:/<id>/model` or `models:/m/1`). */
  source: string;
  /** Where the files are (`source` resolved); absent when it equals `source`. */
  storageLocation?: string;
  runId?: string;
  runLink?: string;
  /** The OSS server registers synchronously: always READY. */
  status: 'READY';
  statusMessage?: string;
  tags: KeyValue[];
  aliases: string[];
}

export interface Alias {
  alias: string;
  version: number;
}

export interface RegisteredModel {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description?: string;
  /** Per stage, the highest non-deleted version in it (ordered None, Staging, Production, Archived). */
  latestVersions: ModelVersion[];
  tags: KeyValue[];
  aliases: Alias[];
}

/** The download location of a version: its resolved storage location, else its source. */
export function downloadUri(v: ModelVersion): string {
  return v.storageLocation ?? v.source;
}
