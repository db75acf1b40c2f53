import { randomBytes } from 'node:crypto';
import { ExportTraceServiceRequest } from '../../src/tracing/otlp';

export const START_NS = 1796021799616000000n;

export interface SpanSpec {
  traceId: Buffer;
  spanId: Buffer;
  parent?: Buffer;
  name: string;
  startNs: bigint;
  endNs?: bigint;
  error?: boolean;
  inputs?: Record<string, number>;
  output?: number;
}

/**
 * The trace of a traced `add(2, 3) = 5` with one child span, as the MLflow 3.6 client exports it:
 * the OTLP body and the trace id (`tr-<hex>`) its X1 call names. `error`: the call raised, so
 * its root span carries the error status and no child ran.
 */
export function addTrace({ error = false } = {}): { traceId: string; body: Buffer } {
  const raw = randomBytes(16);
  const root = randomBytes(8);
  const add = { traceId: raw, spanId: root, name: 'add', startNs: START_NS, endNs: START_NS + 12_000_000n };
  const child = {
    traceId: raw,
    spanId: randomBytes(8),
    parent: root,
    name: 'child',
    startNs: START_NS + 1_000_000n,
    endNs: START_NS + 2_000_000n,
  };
  const inputs = { a: 2, b: 3 };
  const body = otlpBody(error ? [{ ...add, inputs, error }] : [{ ...add, inputs, output: 5 }, child]);
  return { traceId: `tr-${raw.toString('hex')}`, body };
}

/** An OTLP ExportTraceServiceRequest body, encoded with the same proto definitions the server uses. */
export function otlpBody(spans: SpanSpec[]): Buffer {
  const message = ExportTraceServiceRequest.fromObject({
    resourceSpans: [
      {
        resource: {},
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parent ?? Buffer.alloc(0),
              name: s.name,
              kind: 1,
              startTimeUnixNano: s.startNs.toString(),
              endTimeUnixNano: (s.endNs ?? 0n).toString(),
              attributes: [
                { key: 'mlflow.spanType', value: { stringValue: '"UNKNOWN"' } },
                ...(s.inputs
                  ? [
                      {
                        key: 'mlflow.spanInputs',
                        value: {
                          kvlistValue: {
                            values: Object.entries(s.inputs).map(([k, v]) => ({ key: k, value: { intValue: v } })),
                          },
                        },
                      },
                    ]
                  : []),
                ...(s.output !== undefined ? [{ key: 'mlflow.spanOutputs', value: { intValue: s.output } }] : []),
              ],
              status: { code: s.error ? 2 : 1, message: s.error ? 'boom' : '' },
            })),
          },
        ],
      },
    ],
  });
  return Buffer.from(ExportTraceServiceRequest.encode(message).finish());
}

export function postOtlp(base: string, exp: string, body: Buffer, type = 'application/x-protobuf') {
  return fetch(`${base}/v1/traces`, {
    method: 'POST',
    body,
    headers: { 'content-type': type, 'x-mlflow-experiment-id': exp },
  });
}

/** The TraceInfo the 3.6 client sends to X1 after the root span ended (rec #135). */
export function traceInfo(traceId: string, exp: string, extra: Record<string, unknown> = {}) {
  return {
    trace_id: traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
    request_time: '2026-11-30T06:56:39.616Z',
    execution_duration: '0.012s',
    state: 'OK',
    trace_metadata: {
      'mlflow.trace_schema.version': '3',
      'mlflow.user': 'root',
      'mlflow.trace.sizeStats': JSON.stringify({ total_size_bytes: 1219, num_spans: 2 }),
    },
    tags: { 'mlflow.traceName': 'add' },
    request_preview: '{"a": 2, "b": 3}',
    response_preview: '5',
    ...extra,
  };
}
