/**
 * OTLP/HTTP protobuf span ingest (mlflow3-api.md §9.3): `ExportTraceServiceRequest` decoded
 * with the OpenTelemetry proto definitions compiled into @opentelemetry/otlp-transformer
 * (protobufjs static code), re-rendered as proto3 JSON with snake_case names, bytes as base64
 * and 64-bit integers as decimal strings.
 */
import * as otlpRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';
import { MlflowError } from '../common/mlflow-error';
import type { StoredSpan } from './tracing.types';

/** The protobufjs static message API we use (the generated root is typed as a bare Root). */
export interface ProtoMessageType {
  decode(body: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  fromObject(value: Record<string, unknown>): object;
  toObject(message: object, options: Record<string, unknown>): Record<string, unknown>;
}

type OtlpRoot = {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoMessageType } } } } };
};

/** Exported for tests, which build OTLP bodies with the same definitions. */
export const ExportTraceServiceRequest = (otlpRoot as unknown as OtlpRoot).opentelemetry.proto.collector.trace.v1
  .ExportTraceServiceRequest;

/** The decoded spans of one trace. */
export interface OtlpTrace {
  traceId: string;
  spans: StoredSpan[];
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** camelCase keys (protobufjs) to the proto field names; values untouched. */
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [snake(k), snakeKeys(v)]));
}

const hexOf = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

function toStored(span: Record<string, unknown>): StoredSpan {
  const parent = span.parent_span_id as string | undefined;
  if (!parent) delete span.parent_span_id;
  return {
    spanId: hexOf(String(span.span_id ?? '')),
    isRoot: !parent,
    startNs: String(span.start_time_unix_nano ?? '0').padStart(19, '0'),
    content: span,
  };
}

/** Decodes a request body and groups its spans by trace (`tr-` + hex of the trace id). */
export function decodeOtlpTraces(body: Buffer): OtlpTrace[] {
  let decoded: Record<string, unknown>;
  try {
    const message = ExportTraceServiceRequest.decode(body);
    decoded = ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String, enums: String });
  } catch (err) {
    throw MlflowError.invalid(`Invalid OpenTelemetry protobuf format - ${(err as Error).message}`);
  }
  const request = snakeKeys(decoded) as {
    resource_spans?: { scope_spans?: { spans?: Record<string, unknown>[] }[] }[];
  };
  const byTrace = new Map<string, StoredSpan[]>();
  for (const resource of request.resource_spans ?? []) {
    for (const scope of resource.scope_spans ?? []) {
      for (const span of scope.spans ?? []) {
        const rawId = String(span.trace_id ?? '');
        if (Buffer.from(rawId, 'base64').length !== 16) {
          throw MlflowError.invalid('Invalid OpenTelemetry protobuf format - a span has no 16-byte trace_id');
        }
        const traceId = `tr-${hexOf(rawId)}`;
        const list = byTrace.get(traceId) ?? [];
        list.push(toStored(span));
        byTrace.set(traceId, list);
      }
    }
  }
  if (byTrace.size === 0) throw MlflowError.invalid('Invalid OpenTelemetry protobuf format - no spans found');
  return [...byTrace].map(([traceId, spans]) => ({ traceId, spans }));
}

/** An OTLP AnyValue (proto3 JSON) as a plain JS value. */
export function anyValueToJs(value: Record<string, unknown> | undefined): unknown {
  if (!value) return null;
  if ('string_value' in value) return value.string_value;
  if ('bool_value' in value) return value.bool_value;
  if ('int_value' in value) return Number(value.int_value);
  if ('double_value' in value) return value.double_value;
  if ('bytes_value' in value) return value.bytes_value;
  if ('array_value' in value) {
    const arr = value.array_value as { values?: Record<string, unknown>[] };
    return (arr.values ?? []).map(anyValueToJs);
  }
  if ('kvlist_value' in value) {
    const kv = value.kvlist_value as { values?: { key: string; value?: Record<string, unknown> }[] };
    return Object.fromEntries((kv.values ?? []).map((e) => [e.key, anyValueToJs(e.value)]));
  }
  return null;
}

/** Attribute `key` of a stored span as a JS value (undefined when absent). */
export function spanAttribute(span: StoredSpan, key: string): unknown {
  const attrs = (span.content.attributes ?? []) as { key: string; value?: Record<string, unknown> }[];
  const found = attrs.find((a) => a.key === key);
  return found ? anyValueToJs(found.value) : undefined;
}

/** Nanoseconds (decimal string) to milliseconds. */
export const nsToMs = (ns: unknown): number => Number(BigInt(String(ns ?? '0')) / 1_000_000n);
