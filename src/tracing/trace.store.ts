import type { DeleteTracesQuery, StoredSpan, TraceInfo, TraceSearchQuery } from './tracing.types';

/**
 * The trace store contract (MLflow's tracking store trace methods): trace infos with their
 * metadata and tags, the OTLP spans of each trace, and trace → run links, in the tracking
 * database. Implementations validate nothing about the request shape.
 */
export abstract class TraceStore {
  /**
   * Writes the info (replacing the stored fields; metadata and tags are merged, the given
   * values win) and upserts `spans` by span id, in one transaction.
   */
  abstract saveTrace(info: TraceInfo, spans: StoredSpan[]): Promise<void>;
  /** Infos in the order of `traceIds`; unknown ids are skipped. */
  abstract getTraceInfos(traceIds: string[]): Promise<TraceInfo[]>;
  /** Spans per trace id, root first, then by start time. */
  abstract getSpans(traceIds: string[]): Promise<Map<string, StoredSpan[]>>;
  abstract searchTraces(query: TraceSearchQuery): Promise<{ items: TraceInfo[]; hasMore: boolean }>;
  /** Hard delete of infos, tags, metadata, spans and links; returns how many traces went. */
  abstract deleteTraces(query: DeleteTracesQuery): Promise<number>;
  abstract setTraceTag(traceId: string, key: string, value: string): Promise<void>;
  /** False when the tag did not exist. */
  abstract deleteTraceTag(traceId: string, key: string): Promise<boolean>;
  abstract linkTracesToRun(traceIds: string[], runId: string): Promise<void>;
}
