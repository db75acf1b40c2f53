import { Injectable, Logger } from '@nestjs/common';
import { decodePageToken, parseSearch, REGISTERED_MODELS_GRAMMAR } from '../common/search';
import { validateKey } from '../common/validation';
import { ChampionEvents } from './champion-events.service';
import { ModelRegistryStore } from './model-registry.store';
import { aliasNotFound, modelNotFound } from './registry-errors';
import {
  canonicalStage,
  registryMaxResults,
  validateAlias,
  validateModelName,
  validateRegistryTag,
  validateRegistryTags,
  versionNumber,
  wantsPrompts,
} from './registry-validation';
import { CHAMPION_ALIAS, ModelVersion, Page, RegisteredModel, STAGES } from './registry.types';

export interface RegistrySearchArgs {
  filter?: string;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

/** Registered models, their tags and aliases (R1-R12). */
@Injectable()
export class RegistryService {
  private readonly logger = new Logger(RegistryService.name);

  constructor(
    private readonly store: ModelRegistryStore,
    private readonly events: ChampionEvents,
  ) {}

  async create(name: string, description?: string, tags?: { key: string; value?: string }[]): Promise<RegisteredModel> {
    validateModelName(name);
    const model = await this.store.createRegisteredModel({ name, description, tags: validateRegistryTags(tags) });
    this.logger.log(`registered model '${name}' created`);
    return model;
  }

  async get(name: string): Promise<RegisteredModel> {
    const model = await this.store.getRegisteredModel(name);
    if (!model) throw modelNotFound(name);
    return model;
  }

  /** The champion (like every alias) follows the model to its new name: announced for both names. */
  async rename(name: string, newName: string): Promise<RegisteredModel> {
    validateModelName(newName, 'new_name');
    const model = await this.store.renameRegisteredModel(name, newName);
    const champion = model.aliases.find((a) => a.alias === CHAMPION_ALIAS);
    if (champion && name !== newName) {
      this.events.aliasChanged(name, CHAMPION_ALIAS, champion.version, null);
      this.events.aliasChanged(newName, CHAMPION_ALIAS, null, champion.version);
    }
    this.logger.log(`registered model '${name}' renamed to '${newName}'`);
    return model;
  }

  update(name: string, description: string | undefined): Promise<RegisteredModel> {
    return this.store.updateRegisteredModel(name, description);
  }

  async delete(name: string): Promise<void> {
    const aliases = await this.store.deleteRegisteredModel(name);
    this.logger.log(`registered model '${name}' deleted`);
    for (const a of aliases) this.events.aliasChanged(name, a.alias, a.version, null);
  }

  async search(args: RegistrySearchArgs): Promise<Page<RegisteredModel>> {
    const { clauses, orderBy } = parseSearch(args.filter, args.orderBy, REGISTERED_MODELS_GRAMMAR);
    return this.store.searchRegisteredModels({
      clauses,
      orderBy,
      maxResults: registryMaxResults(args.maxResults, 100, 1000),
      page: decodePageToken(args.pageToken),
      includePrompts: wantsPrompts(clauses),
    });
  }

  getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    const wanted = stages?.length ? stages.map(canonicalStage) : [...STAGES];
    return this.store.getLatestVersions(name, wanted);
  }

  setTag(name: string, tag: { key: string; value?: string }): Promise<void> {
    return this.store.setRegisteredModelTag(name, validateRegistryTag(tag));
  }

  deleteTag(name: string, key: string): Promise<void> {
    validateKey(key);
    return this.store.deleteRegisteredModelTag(name, key);
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    validateAlias(alias);
    const move = await this.store.setAlias(name, alias, versionNumber(name, version));
    this.events.aliasChanged(name, alias, move.previous?.version ?? null, move.current.version);
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    validateAlias(alias);
    const previous = await this.store.deleteAlias(name, alias);
    this.events.aliasChanged(name, alias, previous, null);
  }

  async getByAlias(name: string, alias: string): Promise<ModelVersion> {
    const version = await this.store.getVersionByAlias(name, alias);
    if (!version) throw aliasNotFound(alias);
    return version;
  }
}
