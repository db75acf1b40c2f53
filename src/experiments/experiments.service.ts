import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { decodePageToken, EXPERIMENTS_GRAMMAR, parseSearch } from '../common/search';
import { checkLength, LIMITS, validateKey, validateMaxResults } from '../common/validation';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { isLocalArtifactUri, LocalArtifactRoots } from '../storage/local-roots';
import { isRelativePath, normaliseArtifactLocation } from './artifact-location';
import { TrackingStore } from './tracking.store';
import { Experiment, KeyValue, Page, viewStages, ViewType } from './tracking.types';

export interface SearchExperimentsArgs {
  maxResults?: number;
  pageToken?: string;
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
}

@Injectable()
export class ExperimentsService implements OnModuleInit {
  private readonly logger = new Logger(ExperimentsService.name);
  private readonly localRoots: LocalArtifactRoots;

  constructor(
    private readonly store: TrackingStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.localRoots = LocalArtifactRoots.fromConfig(config);
  }

  async onModuleInit(): Promise<void> {
    await this.store.ensureDefaultExperiment(this.config.defaultArtifactRoot);
  }

  private validateName(name: string, param = 'name'): void {
    checkLength(name, LIMITS.experimentName, param);
  }

  private validateTag(tag: KeyValue): KeyValue {
    validateKey(tag.key);
    return { key: tag.key, value: checkLength(tag.value ?? '', LIMITS.experimentTagValue, 'value') };
  }

  async create(name: string, artifactLocation: string | undefined, tags: KeyValue[] = []): Promise<string> {
    this.validateName(name);
    const location = artifactLocation ? normaliseArtifactLocation(artifactLocation) : undefined;
    // Local locations are confined to the configured roots: the server will list, read and
    // write under them on behalf of anyone who can create a run.
    if (location !== undefined && isLocalArtifactUri(location)) {
      this.localRoots.confineNew(location, isRelativePath(artifactLocation));
    }
    const id = await this.store.createExperiment(
      { name, artifactLocation: location, tags: tags.map((t) => this.validateTag(t)) },
      this.config.defaultArtifactRoot,
    );
    this.logger.log(`created experiment ${id} (${name})`);
    return id;
  }

  async get(experimentId: string): Promise<Experiment> {
    const exp = await this.store.getExperiment(experimentId);
    if (!exp) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
    return exp;
  }

  async getByName(name: string): Promise<Experiment> {
    const exp = await this.store.getExperimentByName(name);
    if (!exp) throw MlflowError.notFound(`Could not find experiment with name '${name}'`);
    return exp;
  }

  async getActive(experimentId: string): Promise<Experiment> {
    const exp = await this.get(experimentId);
    if (exp.lifecycleStage !== 'active') {
      throw MlflowError.invalid(
        `The experiment ${experimentId} must be in the 'active' state. Current state is ${exp.lifecycleStage}.`,
      );
    }
    return exp;
  }

  async search(args: SearchExperimentsArgs): Promise<Page<Experiment>> {
    const { clauses, orderBy } = parseSearch(args.filter, args.orderBy, EXPERIMENTS_GRAMMAR);
    return this.store.searchExperiments({
      clauses,
      orderBy,
      stages: viewStages(args.viewType),
      maxResults: validateMaxResults(args.maxResults, 1000, LIMITS.searchMaxResults),
      page: decodePageToken(args.pageToken),
    });
  }

  async rename(experimentId: string, newName: string): Promise<void> {
    this.validateName(newName, 'new_name');
    const exp = await this.get(experimentId);
    if (exp.lifecycleStage !== 'active') throw MlflowError.invalid('Cannot rename a non-active experiment.');
    if (exp.name === newName) return;
    await this.store.renameExperiment(experimentId, newName);
  }

  async delete(experimentId: string): Promise<void> {
    if (experimentId === '0') throw MlflowError.invalid('Cannot delete the default experiment 0.');
    const exp = await this.store.getExperiment(experimentId);
    if (!exp || exp.lifecycleStage !== 'active') {
      throw MlflowError.notFound(`No active Experiment with id=${experimentId} exists`);
    }
    await this.store.setExperimentLifecycle(experimentId, 'deleted');
  }

  async restore(experimentId: string): Promise<void> {
    const exp = await this.store.getExperiment(experimentId);
    if (!exp || exp.lifecycleStage !== 'deleted') {
      throw MlflowError.notFound(`No deleted Experiment with id=${experimentId} exists`);
    }
    await this.store.setExperimentLifecycle(experimentId, 'active');
  }

  async setTag(experimentId: string, tag: KeyValue): Promise<void> {
    const valid = this.validateTag(tag);
    await this.getActive(experimentId);
    await this.store.setExperimentTag(experimentId, valid);
  }

  async deleteTag(experimentId: string, key: string): Promise<void> {
    await this.getActive(experimentId);
    if (!(await this.store.deleteExperimentTag(experimentId, key))) {
      throw MlflowError.notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
    }
  }
}
