import { Inject, Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { decodePageToken, encodePageToken, parseSearch } from '../common/search';
import { checkLength, validateKey } from '../common/validation';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ExperimentsService } from '../experiments/experiments.service';
import { RunsService } from '../experiments/runs.service';
import { decodeOtlpTraces } from './otlp';
import { mergeSpans } from './trace-info';
import { TRACES_GRAMMAR } from './trace-search';
import { TraceStore } from './trace.store';
import {
  ARTIFACT_LOCATION_TAG,
  SIZE_STATS_METADATA,
  SPANS_LOCATION_TAG,
  StoredSpan,
  Trace,
  TraceInfo,
  traceNotFound,
  TRACKING_STORE,
} from './tracing.types';

/** MLflow 3.4+ clients send spans over OTLP; below that they upload `traces.json` themselves (§10). */
export function servesOtlp(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > 3 || (major === 3 && minor >= 4);
}

export interface SearchTracesArgs {
  experimentIds: string[];
  filter?: string;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

/**
 * MLflow 3 traces (mlflow3-api.md §8-§10): trace infos from X1, spans from OTLP ingest (X9),
 * stored in the tracking database, read back by X2-X5. Whether spans are claimed to live in
 * the store (`mlflow.trace.spansLocation`) follows the version `/version` answers, so a
 * client never drops spans it was told the server has.
 */
@Injectable()
export class TracesService {
  readonly otlp: boolean;

  constructor(
    private readonly store: TraceStore,
    private readonly experiments: ExperimentsService,
    private readonly runs: RunsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.otlp = servesOtlp(config.mlflowVersion);
  }

  /** The experiment's artifact root (it must exist and be active: 404 / 400 otherwise). */
  private async experimentRoot(experimentId: string): Promise<string> {
    return (await this.experiments.getActive(experimentId)).artifactLocation.replace(/\/+$/, '');
  }

  /** X1: the finished trace's info (request fields win over what OTLP created; spans stay). */
  async startTrace(info: TraceInfo): Promise<TraceInfo> {
    const location = traceArtifacts(await this.experimentRoot(info.experimentId), info.traceId);
    const [existing] = await this.store.getTraceInfos([info.traceId]);
    const hasSpans = (await this.store.getSpans([info.traceId])).size > 0;
    const tags: Record<string, string> = { ...info.tags, [ARTIFACT_LOCATION_TAG]: location };
    if (this.otlp || hasSpans) tags[SPANS_LOCATION_TAG] = TRACKING_STORE;
    await this.store.saveTrace(
      {
        ...info,
        requestPreview: info.requestPreview ?? existing?.requestPreview,
        responsePreview: info.responsePreview ?? existing?.responsePreview,
        executionDurationMs: info.executionDurationMs ?? existing?.executionDurationMs,
        tags,
      },
      [],
    );
    return this.getInfo(info.traceId);
  }

  /** X9: OTLP spans, grouped by trace; a trace unknown so far is created from its spans. */
  async ingestOtlp(experimentId: string | undefined, body: Buffer): Promise<void> {
    if (!experimentId) throw MlflowError.invalid('Missing required header x-mlflow-experiment-id.');
    const traces = decodeOtlpTraces(body);
    const root = await this.experimentRoot(experimentId);
    for (const { traceId, spans } of traces) {
      const [existing] = await this.store.getTraceInfos([traceId]);
      const info = mergeSpans(existing, traceId, existing?.experimentId ?? experimentId, spans);
      if (!existing) {
        info.tags = {
          [SPANS_LOCATION_TAG]: TRACKING_STORE,
          [ARTIFACT_LOCATION_TAG]: traceArtifacts(root, traceId),
        };
      }
      await this.store.saveTrace(info, spans);
    }
  }

  async getInfo(traceId: string): Promise<TraceInfo> {
    const [info] = await this.store.getTraceInfos([traceId]);
    if (!info) throw MlflowError.notFound(traceNotFound(traceId));
    return info;
  }

  /** X4: traces with spans, in request order; unknown, span-less or incomplete traces omitted. */
  async batchGet(traceIds: string[]): Promise<Trace[]> {
    const infos = await this.store.getTraceInfos(traceIds);
    const spans = await this.store.getSpans(infos.map((i) => i.traceId));
    return infos
      .filter((i) => i.tags[SPANS_LOCATION_TAG] === TRACKING_STORE)
      .map((info) => ({ info, spans: spans.get(info.traceId) ?? [] }))
      .filter((t) => t.spans.length > 0 && isComplete(t.info, t.spans));
  }

  /** X2: one trace with spans; unknown (or, without allow_partial, incomplete) is a 404. */
  async getTrace(traceId: string, allowPartial: boolean): Promise<Trace> {
    const info = await this.getInfo(traceId);
    const spans = (await this.store.getSpans([traceId])).get(traceId) ?? [];
    if (!allowPartial && (spans.length === 0 || !isComplete(info, spans))) {
      throw MlflowError.notFound(traceNotFound(traceId));
    }
    return { info, spans };
  }

  async search(args: SearchTracesArgs): Promise<{ traces: TraceInfo[]; nextPageToken?: string }> {
    const maxResults = args.maxResults ?? 100;
    if (maxResults < 1 || maxResults > 500) {
      throw MlflowError.invalid(`Invalid value ${maxResults} for parameter 'max_results': must be between 1 and 500.`);
    }
    if (args.experimentIds.length === 0) {
      throw MlflowError.invalid("Missing value for required parameter 'locations'. At least one experiment is needed.");
    }
    const { clauses, orderBy } = parseSearch(args.filter, args.orderBy, TRACES_GRAMMAR);
    const offset = decodePageToken(args.pageToken)?.offset ?? 0;
    const experimentIds = args.experimentIds.filter((id) => /^\d{1,15}$/.test(id));
    if (experimentIds.length === 0) return { traces: [] };
    const page = await this.store.searchTraces({ experimentIds, clauses, orderBy, maxResults, offset });
    return {
      traces: page.items,
      nextPageToken: page.hasMore ? encodePageToken({ offset: offset + maxResults }) : undefined,
    };
  }

  /** X6: exactly one of max_timestamp_millis / request_ids; max_traces only with the former. */
  async delete(args: { experimentId: string; maxTimestampMs?: number; maxTraces?: number; traceIds?: string[] }) {
    const byIds = args.traceIds !== undefined && args.traceIds.length > 0;
    if (byIds === (args.maxTimestampMs !== undefined)) {
      throw MlflowError.invalid('Either `max_timestamp_millis` or `trace_ids` must be specified.');
    }
    if (args.maxTraces !== undefined && (args.maxTraces <= 0 || byIds)) {
      throw MlflowError.invalid('`max_traces` must be a positive integer and cannot be combined with `trace_ids`.');
    }
    await this.experiments.get(args.experimentId);
    return this.store.deleteTraces({ ...args, traceIds: byIds ? args.traceIds : undefined });
  }

  /** X7: run-tag key rules; values over 8000 characters are truncated. */
  async setTag(traceId: string, key: string, value: string | undefined): Promise<void> {
    validateKey(key);
    await this.getInfo(traceId);
    await this.store.setTraceTag(traceId, key, checkLength(value ?? '', 8000, 'value', true));
  }

  async deleteTag(traceId: string, key: string): Promise<void> {
    await this.getInfo(traceId);
    if (!(await this.store.deleteTraceTag(traceId, key))) {
      throw MlflowError.notFound(`No trace tag with key '${key}' for trace with ID '${traceId}'`);
    }
  }

  /** X10: at most 100 traces per call, linked to an existing run. */
  async linkToRun(traceIds: string[], runId: string): Promise<void> {
    if (traceIds.length > 100) {
      throw MlflowError.invalid(
        `Cannot link more than 100 traces to a run in a single request. Provided ${traceIds.length} traces.`,
      );
    }
    await this.runs.getInfo(runId);
    const known = await this.store.getTraceInfos(traceIds);
    const missing = traceIds.find((id) => !known.some((k) => k.traceId === id));
    if (missing) throw MlflowError.notFound(traceNotFound(missing));
    await this.store.linkTracesToRun(traceIds, runId);
  }

  /** Stored spans of a trace (empty when the client kept them as a traces.json artifact). */
  async spansOf(traceId: string): Promise<StoredSpan[]> {
    return (await this.store.getSpans([traceId])).get(traceId) ?? [];
  }
}

const traceArtifacts = (root: string, traceId: string) => `${root}/traces/${traceId}/artifacts`;

/** MLflow omits traces with fewer stored spans than the client counted (`sizeStats.num_spans`). */
function isComplete(info: TraceInfo, spans: StoredSpan[]): boolean {
  try {
    const stats = JSON.parse(info.metadata[SIZE_STATS_METADATA] ?? '{}') as { num_spans?: number };
    return typeof stats.num_spans !== 'number' || spans.length >= stats.num_spans;
  } catch {
    return true;
  }
}
