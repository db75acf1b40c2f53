import { compact } from '../common/wire';
import type { Infer } from '../common/proto/fields';
import { anyValueToJs } from './otlp';
import { formatDuration, parseDuration, parseState, parseStringMap, parseTimestamp } from './trace-info';
import type { TraceInfoV3Msg } from './dtos';
import type { StoredSpan, Trace, TraceInfo } from './tracing.types';
import { MlflowError } from '../common/mlflow-error';
import { assessmentToWire } from './assessments.mapper';

export function traceInfoToWire(i: TraceInfo) {
  return compact({
    trace_id: i.traceId,
    client_request_id: i.clientRequestId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: i.experimentId } },
    request_time: new Date(i.requestTimeMs).toISOString(),
    execution_duration: i.executionDurationMs === undefined ? undefined : formatDuration(i.executionDurationMs),
    state: i.state,
    request_preview: i.requestPreview,
    response_preview: i.responsePreview,
    trace_metadata: i.metadata,
    tags: i.tags,
    assessments: i.assessments?.map(assessmentToWire),
  });
}

export function traceToWire(t: Trace) {
  return { trace_info: traceInfoToWire(t.info), spans: t.spans.map((s) => s.content) };
}

export function traceInfoFromWire(w: Infer<typeof TraceInfoV3Msg>): TraceInfo {
  const experimentId = w.trace_location?.mlflow_experiment?.experiment_id;
  if (!experimentId) {
    throw MlflowError.invalid(
      "Missing value for required parameter 'trace.trace_info.trace_location.mlflow_experiment'.",
    );
  }
  if (w.trace_id.length > 256) throw MlflowError.invalid(`Invalid trace id '${w.trace_id.slice(0, 100)}...'.`);
  return {
    traceId: w.trace_id,
    experimentId,
    clientRequestId: w.client_request_id,
    requestTimeMs: parseTimestamp(w.request_time, 'request_time'),
    executionDurationMs: parseDuration(w.execution_duration, 'execution_duration'),
    state: parseState(w.state),
    requestPreview: w.request_preview,
    responsePreview: w.response_preview,
    metadata: parseStringMap(w.trace_metadata, 'trace_metadata'),
    tags: parseStringMap(w.tags, 'tags'),
  };
}

type Attributes = { key: string; value?: Record<string, unknown> }[];

/** The proto3 JSON fields of a stored span that traces.json needs. */
interface SpanJson {
  trace_id?: string;
  span_id?: string;
  parent_span_id?: string;
  name?: string;
  start_time_unix_nano?: string;
  end_time_unix_nano?: string;
  events?: { name?: string; time_unix_nano?: string; attributes?: Attributes }[];
  status?: { code?: string; message?: string };
  attributes?: Attributes;
}

const attributes = (list: Attributes | undefined) =>
  Object.fromEntries((list ?? []).map((a) => [a.key, JSON.stringify(anyValueToJs(a.value))]));

/** A stored OTLP span as a `traces.json` span (§8.3: attribute values JSON-encoded). */
function spanToTracesJson(span: StoredSpan) {
  const c = span.content as SpanJson;
  return {
    trace_id: c.trace_id ?? null,
    span_id: c.span_id ?? null,
    parent_span_id: c.parent_span_id || null,
    name: c.name ?? '',
    start_time_unix_nano: Number(c.start_time_unix_nano ?? 0),
    end_time_unix_nano: c.end_time_unix_nano === undefined ? null : Number(c.end_time_unix_nano),
    events: (c.events ?? []).map((e) => ({
      name: e.name ?? '',
      time_unix_nano: Number(e.time_unix_nano ?? 0),
      attributes: attributes(e.attributes),
    })),
    status: { code: c.status?.code ?? 'STATUS_CODE_UNSET', message: c.status?.message ?? '' },
    attributes: attributes(c.attributes),
  };
}

export function tracesJson(spans: StoredSpan[]) {
  return { spans: spans.map(spanToTracesJson) };
}
