import { Injectable } from '@nestjs/common';
import { TrackingStore } from '../../experiments/tracking.store';
import { MonitorsStore } from '../../monitors/monitors.store';
import { ModelRegistryStore } from '../../registry/model-registry.store';
import { TraceStore } from '../../tracing/trace.store';
import { TrainingJobsStore } from '../../training/jobs/training-jobs.store';
import { AuthService } from '../auth.service';
import type { User } from '../auth.types';
import { allows, permissionDenied } from '../permissions';
import { ArtifactAreaIndex } from '../references/artifact-area-index';
import type { Demand } from './route-rules';

/** What the checks decided beyond yes/no: resources the request may create (their creator gets MANAGE). */
export interface Creations {
  experimentNames: string[];
  modelNames: string[];
}

/** A resource the request names but that does not exist: the handler answers 404 (or creates it). */
const MISSING = Symbol('missing');
type Resolved = string | typeof MISSING;

/** The proxied object an `mlflow-artifacts` route path names (`<experiment_id>/<run_id>/artifacts/...` by default). */
const proxied = (p: string) => `mlflow-artifacts:/${p.replace(/^\/+/, '')}`;

const MAX_IDS = 1000;

/** Resolves each demand to experiments or models and checks the user's permission on each. */
@Injectable()
export class DemandChecker {
  constructor(
    private readonly auth: AuthService,
    private readonly tracking: TrackingStore,
    private readonly registry: ModelRegistryStore,
    private readonly traces: TraceStore,
    private readonly jobs: TrainingJobsStore,
    private readonly monitors: MonitorsStore,
    private readonly areas: ArtifactAreaIndex,
  ) {}

  /** True when every demand is met; `creations` collects what the request may create. */
  async allowed(user: User, demands: Demand[], creations: Creations): Promise<boolean> {
    for (const demand of demands) {
      const ids = [...new Set(demand.ids.filter((id): id is string => typeof id === 'string'))].slice(0, MAX_IDS);
      for (const id of ids) {
        if (!(await this.allowedOne(user, demand, id, creations))) return false;
      }
    }
    return true;
  }

  private async allowedOne(user: User, demand: Demand, id: string, creations: Creations): Promise<boolean> {
    if (demand.kind === 'artifact-location') {
      // For everyone, admins too: two experiments sharing files would let one's grants reach the other's.
      if (await this.areas.overlapsAnother(id))
        throw permissionDenied("the artifact location overlaps another experiment's artifact location.");
      return true;
    }
    if (demand.kind === 'artifact-uri' || demand.kind === 'artifact-path' || demand.kind === 'run-artifacts') {
      const uri = await this.artifactUriOf(demand, id);
      if (uri === undefined) return true;
      const owners = await this.areas.owners(uri);
      if (owners === 'admin-only') return user.isAdmin;
      for (const experiment of owners?.experiments ?? []) {
        if (!allows(await this.auth.experimentPermission(user, experiment), demand.ability)) return false;
      }
      return true;
    }
    if (demand.kind === 'monitor') {
      const monitor = await this.monitors.get(id);
      // An unknown monitor: the handler answers 404.
      return monitor ? allows(await this.auth.modelPermission(user, monitor.modelName), demand.ability) : true;
    }
    if (demand.kind === 'model') {
      if (demand.orCreate && !(await this.registry.getRegisteredModel(id))) {
        creations.modelNames.push(id);
        return true;
      }
      return allows(await this.auth.modelPermission(user, id), demand.ability);
    }
    const experiment = await this.experimentOf(demand, id);
    if (experiment === MISSING) {
      if (demand.orCreate) creations.experimentNames.push(id);
      return true;
    }
    return allows(await this.auth.experimentPermission(user, experiment), demand.ability);
  }

  /** The URI an artifact demand names (a run's: its artifact root, which may lie in an older, overlapping area). */
  private async artifactUriOf(demand: Demand, id: string): Promise<string | undefined> {
    if (demand.kind === 'artifact-path') return proxied(id);
    if (demand.kind === 'run-artifacts') return (await this.tracking.getRunInfo(id))?.artifactUri;
    return id;
  }

  private async experimentOf(demand: Demand, id: string): Promise<Resolved> {
    switch (demand.kind) {
      case 'experiment':
        return id;
      case 'experiment-name':
        return (await this.tracking.getExperimentByName(id))?.experimentId ?? MISSING;
      case 'run':
        return (await this.tracking.getRunInfo(id))?.experimentId ?? MISSING;
      case 'logged-model':
        return (await this.tracking.getLoggedModel(id, true))?.info.experimentId ?? MISSING;
      case 'trace':
        return (await this.traces.getTraceInfos([id]))[0]?.experimentId ?? MISSING;
      case 'job': {
        const runId = (await this.jobs.get(id))?.runId;
        return runId ? ((await this.tracking.getRunInfo(runId))?.experimentId ?? MISSING) : MISSING;
      }
      default:
        return MISSING;
    }
  }
}
