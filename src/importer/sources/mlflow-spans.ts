/**
 * MLflow 3 span and assessment records as tsflow's trace store keeps them.
 *
 * MLflow's SQL store keeps each span's `Span.to_dict()` in `spans.content`: the `traces.json`
 * shape (ids in base64, times as numbers, attribute values JSON-encoded strings, status
 * `{code: STATUS_CODE_*}`). tsflow keeps OTLP spans as proto3 JSON, the form a v3 server
 * answers in `batchGet`, so attribute values become AnyValues of their decoded JSON.
 */
import type { SrcAssessment, SrcSpan } from '../import.types';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A JS value as an OTLP AnyValue in proto3 JSON (null: an empty AnyValue, as OpenTelemetry leaves it). */
export function jsToAnyValue(v: unknown): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v === 'string') return { string_value: v };
  if (typeof v === 'boolean') return { bool_value: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { int_value: String(v) } : { double_value: v };
  if (Array.isArray(v)) return { array_value: { values: v.map(jsToAnyValue) } };
  if (typeof v === 'object') {
    return { kvlist_value: { values: Object.entries(v).map(([key, x]) => ({ key, value: jsToAnyValue(x) })) } };
  }
  return { string_value: String(v) };
}

/** MLflow JSON-encodes span attribute values; a value that is not JSON stays the string it is. */
function decoded(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

const hexOfBase64 = (b64: string) => Buffer.from(b64, 'base64').toString('hex');
const ns = (v: unknown) => String(v ?? 0);
const attributes = (map: unknown, decode: boolean) =>
  Object.entries((map as Json | null) ?? {}).map(([key, v]) => ({ key, value: jsToAnyValue(decode ? decoded(v) : v) }));

/** `STATUS_CODE_OK` from 3.x `{code}` or the older `{status_code: "OK"}`. */
function statusCode(status: Json | undefined): string {
  const code = String(status?.code ?? status?.status_code ?? 'UNSET');
  return code.startsWith('STATUS_CODE_') ? code : `STATUS_CODE_${code}`;
}

/** One row of MLflow's `spans` table (its `content`, and the hex `span_id` column) as a stored OTLP span. */
export function spanFromMlflowContent(content: string, spanIdHex?: string): SrcSpan {
  const d = JSON.parse(content) as Json;
  const parent = d.parent_span_id ? String(d.parent_span_id) : '';
  const message = (d.status as Json | undefined)?.message ?? (d.status as Json | undefined)?.description;
  const span: Json = {
    trace_id: d.trace_id,
    span_id: d.span_id,
    ...(parent ? { parent_span_id: parent } : {}),
    name: String(d.name ?? ''),
    start_time_unix_nano: ns(d.start_time_unix_nano),
    ...(d.end_time_unix_nano === null || d.end_time_unix_nano === undefined
      ? {}
      : { end_time_unix_nano: ns(d.end_time_unix_nano) }),
    attributes: attributes(d.attributes, true),
    events: ((d.events as Json[] | undefined) ?? []).map((e) => ({
      time_unix_nano: ns(e.time_unix_nano),
      name: String(e.name ?? ''),
      attributes: attributes(e.attributes, false),
    })),
    status: { code: statusCode(d.status as Json | undefined), ...(message ? { message: String(message) } : {}) },
  };
  return {
    spanId: spanIdHex || hexOfBase64(String(d.span_id ?? '')),
    isRoot: !parent,
    startNs: ns(d.start_time_unix_nano).padStart(19, '0'),
    content: span,
  };
}

/** A span of a v3 server's `batchGet` (proto3 JSON; 64-bit integers as numbers or strings). */
export function spanFromWire(w: Json): SrcSpan {
  const parent = w.parent_span_id ? String(w.parent_span_id) : '';
  const content: Json = { ...w, start_time_unix_nano: ns(w.start_time_unix_nano) };
  if (!parent) delete content.parent_span_id;
  if (w.end_time_unix_nano !== undefined && w.end_time_unix_nano !== null)
    content.end_time_unix_nano = ns(w.end_time_unix_nano);
  if (Array.isArray(w.events))
    content.events = (w.events as Json[]).map((e) => ({ ...e, time_unix_nano: ns(e.time_unix_nano) }));
  return {
    spanId: hexOfBase64(String(w.span_id ?? '')),
    isRoot: !parent,
    startNs: ns(w.start_time_unix_nano).padStart(19, '0'),
    content,
  };
}

/** One row of MLflow's `assessments` table (value, error and metadata are JSON text there). */
export function assessmentFromRow(r: Json): SrcAssessment {
  const kind = r.assessment_type === 'expectation' ? 'expectation' : 'feedback';
  const value: Json = { value: decoded(r.value) };
  if (kind === 'feedback' && r.error) value.error = decoded(r.error);
  const optional = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    assessmentId: String(r.assessment_id),
    name: String(r.name),
    kind,
    value,
    spanId: optional(r.span_id),
    sourceType: optional(r.source_type),
    sourceId: optional(r.source_id),
    rationale: optional(r.rationale),
    metadata: r.assessment_metadata ? (decoded(r.assessment_metadata) as Record<string, string>) : {},
    overrides: optional(r.overrides),
    valid: r.valid === true || Number(r.valid) === 1,
    createTimeMs: Number(r.created_timestamp),
    lastUpdateTimeMs: Number(r.last_updated_timestamp),
  };
}

/** An assessment of a v3 TraceInfo (`trace_info.assessments[]`). */
export function assessmentFromWire(w: Json): SrcAssessment {
  const kind = w.expectation !== undefined && w.expectation !== null ? 'expectation' : 'feedback';
  const time = (v: unknown) => (v === undefined || v === null ? 0 : Date.parse(String(v)));
  const source = (w.source as Json | undefined) ?? undefined;
  return {
    assessmentId: String(w.assessment_id),
    name: String(w.assessment_name ?? ''),
    kind,
    value: ((kind === 'feedback' ? w.feedback : w.expectation) as Json | undefined) ?? {},
    spanId: w.span_id ? String(w.span_id) : null,
    sourceType: source?.source_type ? String(source.source_type) : null,
    sourceId: source?.source_id ? String(source.source_id) : null,
    rationale: w.rationale ? String(w.rationale) : null,
    metadata: (w.metadata as Record<string, string> | undefined) ?? {},
    overrides: w.overrides ? String(w.overrides) : null,
    valid: w.valid !== false,
    createTimeMs: time(w.create_time),
    lastUpdateTimeMs: time(w.last_update_time ?? w.create_time),
  };
}
