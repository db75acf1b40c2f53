import type { Clause, OrderKey, PageToken } from '../common/search';
import type { Alias, KeyValue, ModelVersion, Page, RegisteredModel, Stage } from './registry.types';

export interface CreateRegisteredModelInput {
  name: string;
  description?: string;
  tags: KeyValue[];
}

export interface CreateModelVersionInput {
  name: string;
  /** Stored verbatim. */
  source: string;
  /** Resolved location of the files when it differs from `source` (runs:/, models:/ sources). */
  storageLocation?: string;
  runId?: string;
  runLink?: string;
  description?: string;
  userId?: string;
  tags: KeyValue[];
}

/** Where an alias pointed before and after a change (`previous` null: it did not exist). */
export interface AliasMove {
  name: string;
  alias: string;
  previous: ModelVersion | null;
  current: ModelVersion;
}

export interface RegisterWithAliasResult extends AliasMove {
  /** True when the registered model did not exist and was created in the same transaction. */
  modelCreated: boolean;
}

export interface RegistrySearchQuery {
  clauses: Clause[];
  orderBy: OrderKey[];
  maxResults: number;
  page?: PageToken;
  /** False: prompt-registry entries are excluded (the filter did not ask for them). */
  includePrompts: boolean;
}

/**
 * The model registry store contract (MLflow's AbstractStore for the registry is the model).
 *
 * Implementations trust their arguments' shape (the services validated names, tags, stages,
 * aliases and sources) but own every invariant that needs a transaction, and report missing
 * entities themselves so that check and write happen atomically:
 * - a missing registered model throws RESOURCE_DOES_NOT_EXIST `Registered Model with name=X not found`;
 * - a missing or deleted version throws RESOURCE_DOES_NOT_EXIST `Model Version (name=X, version=N) not found`;
 * - a taken name throws RESOURCE_ALREADY_EXISTS `Registered Model (name=X) already exists.`
 *
 * Version numbers are 1 + the highest number ever used for the model (deleted versions
 * included), so numbers are never reused; concurrent creations for one model are serialised.
 * Deleted versions are invisible to every read. Every returned version carries its tags and
 * aliases; every returned model its tags, aliases and latest versions.
 */
export abstract class ModelRegistryStore {
  abstract createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel>;
  abstract getRegisteredModel(name: string): Promise<RegisteredModel | undefined>;
  /** Moves versions, tags and aliases to `newName`; bumps last_updated. Same name: no-op. */
  abstract renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  /** Sets the description (undefined or empty clears it); bumps last_updated. */
  abstract updateRegisteredModel(name: string, description: string | undefined): Promise<RegisteredModel>;
  /** Hard-deletes the model with every version, tag and alias; returns the aliases it had. */
  abstract deleteRegisteredModel(name: string): Promise<Alias[]>;
  /** Filter on `name` and `tag` clauses; order keys `name`, `last_updated_timestamp`; `name ASC` tie-breaker. */
  abstract searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>>;
  /** Per requested stage (in request order), the highest non-deleted version in it. */
  abstract getLatestVersions(name: string, stages: readonly Stage[]): Promise<ModelVersion[]>;
  abstract setRegisteredModelTag(name: string, tag: KeyValue): Promise<void>;
  /** Deleting a missing tag is not an error. */
  abstract deleteRegisteredModelTag(name: string, key: string): Promise<void>;

  /** Upserts the alias onto an existing version (moving it if needed). */
  abstract setAlias(name: string, alias: string, version: number): Promise<AliasMove>;
  /** Returns the version the alias pointed to (null: it did not exist, which is not an error). */
  abstract deleteAlias(name: string, alias: string): Promise<number | null>;
  /** Undefined when the alias does not exist (the model must exist). */
  abstract getVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined>;

  /** New version (stage None, status READY); bumps the model's last_updated. */
  abstract createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  /**
   * One transaction: creates the registered model if `createModel` and it is missing, creates
   * the version, and points `alias` at it (the champion promotion).
   */
  abstract registerWithAlias(
    input: CreateModelVersionInput,
    alias: string,
    createModel: boolean,
  ): Promise<RegisterWithAliasResult>;
  /** Undefined when missing or deleted. */
  abstract getModelVersion(name: string, version: number): Promise<ModelVersion | undefined>;
  /** Sets the description (undefined clears it); bumps the version's last_updated. */
  abstract updateModelVersion(name: string, version: number, description: string | undefined): Promise<ModelVersion>;
  /**
   * Soft delete: stage Deleted_Internal, description cleared, source/run id/run link redacted,
   * tags and aliases removed; bumps the model's last_updated. Returns the removed aliases.
   */
  abstract deleteModelVersion(name: string, version: number): Promise<string[]>;
  /**
   * Filter on `name`, `version_number`, `run_id`, `source_path` and `tag` clauses. Default
   * order `last_updated_timestamp DESC, name ASC, version_number DESC`; the two tie-breakers
   * are appended when absent.
   */
  abstract searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>>;
  /**
   * Moves the version to `stage`; with `archiveExisting`, every other version in that stage
   * moves to Archived. Bumps the model's and the changed versions' last_updated.
   */
  abstract transitionStage(
    name: string,
    version: number,
    stage: Stage,
    archiveExisting: boolean,
  ): Promise<ModelVersion>;
  abstract setModelVersionTag(name: string, version: number, tag: KeyValue): Promise<void>;
  /** Deleting a missing tag is not an error (the version must exist). */
  abstract deleteModelVersionTag(name: string, version: number, key: string): Promise<void>;
}
