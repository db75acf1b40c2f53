/** Pure helpers for TraceInfoV3: wire parsing, OTLP merging, previews (no I/O). */
import { MlflowError } from '../common/mlflow-error';
import { checkLength, LIMITS } from '../common/validation';
import { nsToMs, spanAttribute } from './otlp';
import { StoredSpan, TRACE_STATES, TraceInfo, TraceState } from './tracing.types';

/** proto Timestamp (RFC 3339 string) to epoch ms. */
export function parseTimestamp(value: string | undefined, field: string): number {
  if (value === undefined) return Date.now();
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw MlflowError.invalid(`Invalid value '${value}' for parameter '${field}': expected an RFC 3339 timestamp.`);
  return ms;
}

/** proto Duration (`"0.012s"`) to ms. */
export function parseDuration(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^(-?\d+(?:\.\d{1,9})?)s$/.exec(value);
  if (!m)
    throw MlflowError.invalid(`Invalid value '${value}' for parameter '${field}': expected a duration such as "1.5s".`);
  return Math.round(Number(m[1]) * 1000);
}

export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(3)}s`;
}

export function parseState(value: unknown): TraceState {
  if (value === undefined || value === null || value === '') return 'STATE_UNSPECIFIED';
  if (typeof value === 'string' && (TRACE_STATES as readonly string[]).includes(value)) return value as TraceState;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d$/.test(value) ? Number(value) : NaN;
  if (Number.isInteger(n) && n >= 0 && n < TRACE_STATES.length) return TRACE_STATES[n];
  throw MlflowError.invalid(
    `Invalid value ${JSON.stringify(value)} for parameter 'state': must be one of ${TRACE_STATES.join(', ')}.`,
  );
}

/** MLflow's trace_tags / trace_request_metadata columns: key String(250), value String(8000). */
const TRACE_VALUE_LENGTH = 8000;

/**
 * A JSON object of string values (metadata, tags); other scalar values are stringified. Keys longer
 * than MLflow's 250 characters are refused (they are indexed); values are truncated as set-tag does.
 */
export function parseStringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw MlflowError.invalid(`Invalid value for parameter '${field}': expected a JSON object of strings.`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || typeof v === 'object')
      throw MlflowError.invalid(`Invalid value for parameter '${field}.${k}': expected a string.`);
    checkLength(k, LIMITS.keyLength, `${field} key`);
    out[k] = checkLength(String(v), TRACE_VALUE_LENGTH, `${field} value`, true);
  }
  return out;
}

const PREVIEW_LIMIT = 1000;

function preview(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.slice(0, PREVIEW_LIMIT);
}

/** Span end time in ms, undefined while the span is open. */
function endMs(span: StoredSpan): number | undefined {
  const end = span.content.end_time_unix_nano;
  return end === undefined || end === '0' ? undefined : nsToMs(end);
}

/**
 * The trace info after `spans` arrived over OTLP (§9.3): created from the spans when missing
 * (experiment from the header), time range widened, state fixed by a late root span, empty
 * previews filled from the root span's inputs/outputs.
 */
export function mergeSpans(
  existing: TraceInfo | undefined,
  traceId: string,
  experimentId: string,
  spans: StoredSpan[],
): TraceInfo {
  const info: TraceInfo = existing
    ? { ...existing, metadata: {}, tags: {} }
    : { traceId, experimentId, requestTimeMs: Number.MAX_SAFE_INTEGER, state: 'IN_PROGRESS', metadata: {}, tags: {} };
  const starts = spans.map((s) => nsToMs(s.startNs));
  const ends = spans.map(endMs).filter((e): e is number => e !== undefined);
  const oldEnd =
    existing?.executionDurationMs !== undefined ? existing.requestTimeMs + existing.executionDurationMs : undefined;
  info.requestTimeMs = Math.min(info.requestTimeMs, ...starts);
  const latest = Math.max(...ends, oldEnd ?? -Infinity);
  if (Number.isFinite(latest)) info.executionDurationMs = Math.max(0, latest - info.requestTimeMs);
  const root = spans.find((s) => s.isRoot);
  if (root) {
    const code = (root.content.status as { code?: string } | undefined)?.code;
    if (!existing || existing.state === 'IN_PROGRESS' || existing.state === 'STATE_UNSPECIFIED') {
      info.state = code === 'STATUS_CODE_ERROR' ? 'ERROR' : 'OK';
    }
    info.requestPreview ||= preview(spanAttribute(root, 'mlflow.spanInputs'));
    info.responsePreview ||= preview(spanAttribute(root, 'mlflow.spanOutputs'));
  }
  return info;
}
