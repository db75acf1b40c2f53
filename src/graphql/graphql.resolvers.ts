import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { ArtifactsService } from '../artifacts/artifacts.service';
import { fileInfoToWire } from '../artifacts/dtos/artifacts.dto';
import { experimentToWire, metricWithRunIdToWire, runToWire } from '../experiments/dtos/tracking.mapper';
import { ExperimentsService } from '../experiments/experiments.service';
import { RunsService } from '../experiments/runs.service';
import type { Run, ViewType } from '../experiments/tracking.types';
import { UiTrackingService } from '../experiments/ui-tracking.service';
import { modelVersionToWire } from '../registry/dtos/registry.mapper';
import { ModelVersionsService } from '../registry/model-versions.service';

/** Per request: in basic-auth mode, which registered models the caller may read (model versions are filtered). */
export interface GraphqlContext {
  canReadModel?: (name: string) => Promise<boolean>;
}

type Json = Record<string, unknown>;
type Input<T> = { input?: T | null };

const camelKey = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Proto JSON (snake_case) to the GraphQL field names (camelCase), recursively. */
export function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camelKey(k), camel(v)]));
}

/** NaN and infinities travel as strings on the REST wire; a GraphQL Float cannot hold them. */
const float = (v: unknown) => (typeof v === 'number' ? v : null);

const defined = <T>(list: (T | null | undefined)[] | null | undefined): T[] | undefined =>
  list ? list.filter((x): x is T => x !== null && x !== undefined) : undefined;

/**
 * The root resolvers of MLflow's GraphQL schema over the same services as the REST routes
 * (so validation, errors and limits are the REST ones). Runs carry MLflow's extension fields:
 * their `experiment` and the `modelVersions` registered from them.
 */
@Injectable()
export class GraphqlResolvers {
  constructor(
    private readonly experiments: ExperimentsService,
    private readonly runs: RunsService,
    private readonly versions: ModelVersionsService,
    private readonly artifacts: ArtifactsService,
    private readonly uiTracking: UiTrackingService,
  ) {}

  root(): Json {
    return {
      mlflowGetExperiment: ({ input }: Input<{ experimentId?: string }>) => this.getExperiment(input?.experimentId),
      mlflowGetRun: ({ input }: Input<{ runId?: string; runUuid?: string }>, ctx: GraphqlContext) =>
        this.getRun(input?.runId || input?.runUuid, ctx),
      mlflowSearchModelVersions: (
        { input }: Input<{ filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string }>,
        ctx: GraphqlContext,
      ) => this.searchVersions(input ?? {}, ctx),
      mlflowGetMetricHistoryBulkInterval: ({ input }: Input<BulkIntervalInput>) => this.bulkInterval(input ?? {}),
      mlflowListArtifacts: ({ input }: Input<{ runId?: string; runUuid?: string; path?: string }>) =>
        this.listArtifacts(input?.runId || input?.runUuid, input?.path),
      mlflowSearchRuns: ({ input }: Input<SearchRunsInput>, ctx: GraphqlContext) => this.searchRuns(input ?? {}, ctx),
      mlflowSearchDatasets: async ({ input }: Input<{ experimentIds?: string[] }>) => ({
        datasetSummaries: (await this.uiTracking.searchDatasets(defined(input?.experimentIds) ?? [])).map((d) => ({
          experimentId: d.experimentId,
          name: d.name,
          digest: d.digest,
          context: d.context,
        })),
      }),
      test: ({ inputString }: { inputString?: string }) => ({ output: inputString }),
      testMutation: ({ inputString }: { inputString?: string }) => ({ output: inputString }),
    };
  }

  private async getExperiment(id: string | undefined) {
    if (!id) throw MlflowError.invalid("Missing value for required parameter 'experiment_id'.");
    return { experiment: camel(experimentToWire(await this.experiments.get(id))) };
  }

  private async getRun(runId: string | undefined, ctx: GraphqlContext) {
    if (!runId) throw MlflowError.invalid("Missing value for required parameter 'run_id'.");
    return { run: this.runExtension(await this.runs.get(runId), ctx) };
  }

  /** MlflowRunExtension: the run's proto fields plus lazily resolved `experiment` and `modelVersions`. */
  private runExtension(run: Run, ctx: GraphqlContext): Json {
    const wire = camel(runToWire(run)) as { data?: { metrics?: { value?: unknown }[] } };
    for (const m of wire.data?.metrics ?? []) m.value = float(m.value);
    return {
      ...wire,
      experiment: async () => camel(experimentToWire(await this.experiments.get(run.info.experimentId))),
      modelVersions: async () =>
        (await this.searchVersions({ filter: `run_id='${run.info.runId}'` }, ctx)).modelVersions,
    };
  }

  private async searchVersions(
    input: { filter?: string; maxResults?: number; orderBy?: (string | null)[]; pageToken?: string },
    ctx: GraphqlContext,
  ) {
    const page = await this.versions.search({
      filter: input.filter ?? undefined,
      maxResults: input.maxResults ?? undefined,
      orderBy: defined(input.orderBy),
      pageToken: input.pageToken ?? undefined,
    });
    const readable = [];
    for (const v of page.items) if (!ctx.canReadModel || (await ctx.canReadModel(v.name))) readable.push(v);
    return { modelVersions: readable.map((v) => camel(modelVersionToWire(v))), nextPageToken: page.nextPageToken };
  }

  private async bulkInterval(input: BulkIntervalInput) {
    if (!input.metricKey) throw MlflowError.invalid("Missing value for required parameter 'metric_key'.");
    const runIds = defined(input.runIds) ?? [];
    if (runIds.length === 0) throw MlflowError.invalid("Missing value for required parameter 'run_ids'.");
    const metrics = await this.runs.metricHistoryBulkInterval({
      runIds,
      key: input.metricKey,
      startStep: input.startStep ?? undefined,
      endStep: input.endStep ?? undefined,
      maxResults: input.maxResults ?? undefined,
    });
    return { metrics: metrics.map((m) => ({ ...(camel(metricWithRunIdToWire(m)) as Json), value: float(m.value) })) };
  }

  private async listArtifacts(runId: string | undefined, path: string | undefined) {
    if (!runId) throw MlflowError.invalid("Missing value for required parameter 'run_id'.");
    const listing = await this.artifacts.listRun(runId, path ?? undefined);
    return { rootUri: listing.rootUri, files: listing.entries.map((e) => camel(fileInfoToWire(e, listing.dir))) };
  }

  private async searchRuns(input: SearchRunsInput, ctx: GraphqlContext) {
    const page = await this.runs.search({
      experimentIds: defined(input.experimentIds),
      filter: input.filter ?? undefined,
      viewType: input.runViewType ?? undefined,
      maxResults: input.maxResults ?? undefined,
      orderBy: defined(input.orderBy),
      pageToken: input.pageToken ?? undefined,
    });
    return { runs: page.items.map((r) => this.runExtension(r, ctx)), nextPageToken: page.nextPageToken };
  }
}

interface BulkIntervalInput {
  runIds?: (string | null)[] | null;
  metricKey?: string | null;
  startStep?: number | null;
  endStep?: number | null;
  maxResults?: number | null;
}

interface SearchRunsInput {
  experimentIds?: (string | null)[] | null;
  filter?: string | null;
  runViewType?: ViewType | null;
  maxResults?: number | null;
  orderBy?: (string | null)[] | null;
  pageToken?: string | null;
}
