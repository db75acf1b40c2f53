/** MLflow 3 tracing domain types (camelCase inside; the wire mapping lives in traces.mapper.ts). */
import type { Clause, OrderKey } from '../common/search';
import type { Assessment } from './assessments.types';

export const TRACE_STATES = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;
export type TraceState = (typeof TRACE_STATES)[number];

export const SPANS_LOCATION_TAG = 'mlflow.trace.spansLocation';
export const ARTIFACT_LOCATION_TAG = 'mlflow.artifactLocation';
export const TRACKING_STORE = 'TRACKING_STORE';
export const TRACE_NAME_TAG = 'mlflow.traceName';
export const SOURCE_RUN_METADATA = 'mlflow.sourceRun';
export const SIZE_STATS_METADATA = 'mlflow.trace.sizeStats';

export interface TraceInfo {
  /** `tr-` + 32 hex of the OpenTelemetry trace id; chosen by the client. */
  traceId: string;
  experimentId: string;
  clientRequestId?: string;
  requestTimeMs: number;
  /** Absent while unknown (no span ended yet). */
  executionDurationMs?: number;
  state: TraceState;
  requestPreview?: string;
  responsePreview?: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  /** Read side only (saveTrace ignores it): every assessment of the trace, oldest first. */
  assessments?: Assessment[];
}

/** One OTLP span as received, re-rendered as proto3 JSON (snake_case, bytes base64, 64-bit ints as strings). */
export interface StoredSpan {
  spanId: string;
  isRoot: boolean;
  /** Nanoseconds since the epoch as a 19-digit decimal string (orders as text). */
  startNs: string;
  content: Record<string, unknown>;
}

export interface Trace {
  info: TraceInfo;
  spans: StoredSpan[];
}

export interface TraceSearchQuery {
  experimentIds: string[];
  clauses: Clause[];
  orderBy: OrderKey[];
  maxResults: number;
  offset: number;
}

export interface DeleteTracesQuery {
  experimentId: string;
  maxTimestampMs?: number;
  maxTraces?: number;
  traceIds?: string[];
}

export const traceNotFound = (traceId: string) => `Trace with ID '${traceId}' not found.`;
