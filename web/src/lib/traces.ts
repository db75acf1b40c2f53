/** Pure helpers for the trace views (unit-tested in traces.spec.ts): OTLP span JSON to a tree with a timeline. */

/** An OTLP span as MLflow 3 serves it (X2), or as a traces.json artifact holds it (attributes as JSON strings). */
export interface RawSpan {
  span_id?: string;
  parent_span_id?: string | null;
  name?: string;
  start_time_unix_nano?: number | string;
  end_time_unix_nano?: number | string;
  attributes?: { key: string; value: AnyValue }[] | Record<string, unknown>;
  events?: { name?: string; time_unix_nano?: number | string; attributes?: unknown }[];
  status?: { code?: string; message?: string };
}

export interface AnyValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: number | string;
  double_value?: number;
  array_value?: { values?: AnyValue[] };
  kvlist_value?: { values?: { key: string; value: AnyValue }[] };
  bytes_value?: string;
}

/** An OTLP AnyValue as plain JSON. */
export function plain(v: AnyValue | undefined): unknown {
  if (!v || typeof v !== 'object') return v;
  if ('string_value' in v) return v.string_value;
  if ('bool_value' in v) return v.bool_value;
  if ('int_value' in v) return Number(v.int_value);
  if ('double_value' in v) return v.double_value;
  if ('array_value' in v) return (v.array_value?.values ?? []).map(plain);
  if ('kvlist_value' in v)
    return Object.fromEntries((v.kvlist_value?.values ?? []).map((kv) => [kv.key, plain(kv.value)]));
  if ('bytes_value' in v) return v.bytes_value;
  return v;
}

/** MLflow writes span attributes as JSON text; anything else stays as it is. */
function parsed(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export function attributesOf(span: RawSpan): Record<string, unknown> {
  const a = span.attributes;
  if (Array.isArray(a)) return Object.fromEntries(a.map((kv) => [kv.key, parsed(plain(kv.value))]));
  return Object.fromEntries(Object.entries(a ?? {}).map(([k, v]) => [k, parsed(v)]));
}

export interface SpanRow {
  id: string;
  parentId?: string;
  name: string;
  depth: number;
  type?: string;
  status: string;
  statusMessage?: string;
  /** Milliseconds from the trace's first span start, and duration. */
  startMs: number;
  durationMs: number;
  inputs: unknown;
  outputs: unknown;
  attributes: Record<string, unknown>;
  events: { name: string; timeMs: number; attributes: unknown }[];
}

const nanos = (v: number | string | undefined) => (v === undefined || v === null ? NaN : Number(v) / 1e6);
const HIDDEN = new Set(['mlflow.spanInputs', 'mlflow.spanOutputs', 'mlflow.spanType', 'mlflow.traceRequestId']);

/**
 * Spans as rows of a tree (parents before children, siblings by start time), each with its
 * place on the trace's timeline. A span whose parent is missing is shown as a root.
 */
export function spanTree(spans: RawSpan[]): { rows: SpanRow[]; totalMs: number } {
  const starts = spans.map((s) => nanos(s.start_time_unix_nano)).filter(Number.isFinite);
  const ends = spans.map((s) => nanos(s.end_time_unix_nano)).filter(Number.isFinite);
  const t0 = starts.length ? Math.min(...starts) : 0;
  const totalMs = Math.max(0, (ends.length ? Math.max(...ends) : t0) - t0);
  const ids = new Set(spans.map((s) => s.span_id ?? ''));
  const children = new Map<string, RawSpan[]>();
  for (const s of spans) {
    const parent = s.parent_span_id && ids.has(s.parent_span_id) ? s.parent_span_id : '';
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const rows: SpanRow[] = [];
  const visit = (parent: string, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort(
      (a, b) => nanos(a.start_time_unix_nano) - nanos(b.start_time_unix_nano),
    );
    for (const s of list) {
      const attrs = attributesOf(s);
      const start = nanos(s.start_time_unix_nano);
      const end = nanos(s.end_time_unix_nano);
      const id = s.span_id ?? `${rows.length}`;
      rows.push({
        id,
        parentId: parent || undefined,
        name: s.name ?? '(unnamed)',
        depth,
        type: typeof attrs['mlflow.spanType'] === 'string' ? (attrs['mlflow.spanType'] as string) : undefined,
        status: (s.status?.code ?? 'STATUS_CODE_UNSET').replace('STATUS_CODE_', ''),
        statusMessage: s.status?.message || undefined,
        startMs: Number.isFinite(start) ? start - t0 : 0,
        durationMs: Number.isFinite(end) && Number.isFinite(start) ? Math.max(0, end - start) : 0,
        inputs: attrs['mlflow.spanInputs'],
        outputs: attrs['mlflow.spanOutputs'],
        attributes: Object.fromEntries(Object.entries(attrs).filter(([k]) => !HIDDEN.has(k))),
        events: (s.events ?? []).map((e) => ({
          name: e.name ?? '',
          timeMs: nanos(e.time_unix_nano) - t0,
          attributes: Array.isArray(e.attributes)
            ? attributesOf({ attributes: e.attributes as { key: string; value: AnyValue }[] })
            : e.attributes,
        })),
      });
      if (s.span_id && s.span_id !== parent) visit(s.span_id, depth + 1);
    }
  };
  visit('', 0);
  return { rows, totalMs };
}

/** `"0.012s"` (proto Duration) in milliseconds. */
export const durationMs = (d?: string) => (d ? Number(d.replace(/s$/, '')) * 1000 : undefined);

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
