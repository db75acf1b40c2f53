import { describe, expect, it } from 'vitest';
import { tracesJson } from '../../tracing/traces.mapper';
import { assessmentFromRow, assessmentFromWire, spanFromMlflowContent, spanFromWire } from './mlflow-spans';

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** A span as MLflow 3's SQL store keeps it in spans.content (Span.to_dict(): attribute values JSON-encoded). */
const mlflowSpan = {
  trace_id: b64('de9951df7861dd31cd0be00e5902989c'),
  span_id: b64('3c4d5e6f708192a3'),
  parent_span_id: b64('1a2b3c4d5e6f7081'),
  name: 'chat',
  start_time_unix_nano: 1796021790210000000,
  end_time_unix_nano: 1796021790880000000,
  events: [{ name: 'retry', time_unix_nano: 1796021790300000000, attributes: { attempt: 2 } }],
  status: { code: 'STATUS_CODE_OK', message: '' },
  attributes: {
    'mlflow.spanType': '"CHAT_MODEL"',
    'mlflow.spanInputs': '{"messages": [{"role": "user", "content": "hi ☃"}], "temperature": 0.2}',
    'mlflow.chat.tokenUsage': '{"input_tokens": 12, "output_tokens": 9}',
    'not.json': 'plain text',
  },
};

describe('MLflow 3 spans and assessments as tsflow stores them', () => {
  it('a spans.content row becomes an OTLP span in proto3 JSON that renders back to the same traces.json span', () => {
    const span = spanFromMlflowContent(JSON.stringify(mlflowSpan), '3c4d5e6f708192a3');
    expect(span).toMatchObject({ spanId: '3c4d5e6f708192a3', isRoot: false, startNs: '1796021790210000000' });
    expect(span.content).toMatchObject({
      parent_span_id: mlflowSpan.parent_span_id,
      end_time_unix_nano: '1796021790880000000',
      status: { code: 'STATUS_CODE_OK' },
    });
    const attrs = span.content.attributes as { key: string; value: unknown }[];
    expect(attrs.find((a) => a.key === 'mlflow.chat.tokenUsage')?.value).toEqual({
      kvlist_value: {
        values: [
          { key: 'input_tokens', value: { int_value: '12' } },
          { key: 'output_tokens', value: { int_value: '9' } },
        ],
      },
    });
    expect(attrs.find((a) => a.key === 'not.json')?.value).toEqual({ string_value: 'plain text' });

    const [back] = tracesJson([{ ...span, content: span.content }]).spans;
    expect(back).toMatchObject({
      trace_id: mlflowSpan.trace_id,
      span_id: mlflowSpan.span_id,
      parent_span_id: mlflowSpan.parent_span_id,
      start_time_unix_nano: mlflowSpan.start_time_unix_nano,
      status: { code: 'STATUS_CODE_OK', message: '' },
    });
    for (const [k, v] of Object.entries(mlflowSpan.attributes)) {
      const expected = k === 'not.json' ? v : (JSON.parse(v) as unknown);
      expect(JSON.parse(back.attributes[k]), k).toEqual(expected);
    }
    expect(back.events[0]).toMatchObject({ name: 'retry', attributes: { attempt: '2' } });
  });

  it('a root span has no parent; an older status {status_code} is read too', () => {
    const root = { ...mlflowSpan, parent_span_id: null, status: { status_code: 'ERROR', description: 'boom' } };
    const span = spanFromMlflowContent(JSON.stringify(root));
    expect(span.isRoot).toBe(true);
    expect(span.spanId).toBe('3c4d5e6f708192a3');
    expect(span.content.parent_span_id).toBeUndefined();
    expect(span.content.status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'boom' });
  });

  it('a batchGet span keeps its content with 64-bit times as strings', () => {
    const span = spanFromWire({
      trace_id: mlflowSpan.trace_id,
      span_id: mlflowSpan.span_id,
      name: 'add',
      start_time_unix_nano: 1796021799616000000,
      attributes: [{ key: 'mlflow.spanOutputs', value: { int_value: 5 } }],
    });
    expect(span).toMatchObject({ spanId: '3c4d5e6f708192a3', isRoot: true, startNs: '1796021799616000000' });
    expect(span.content.start_time_unix_nano).toBe('1796021799616000000');
  });

  it('assessment rows and wire assessments carry value, error, source, overrides and validity', () => {
    const row = assessmentFromRow({
      assessment_id: 'a-1',
      trace_id: 'tr-1',
      name: 'groundedness',
      assessment_type: 'feedback',
      value: 'null',
      error: '{"error_code": "RATE_LIMIT_EXCEEDED", "error_message": "judge rate limited"}',
      created_timestamp: '1796021793300',
      last_updated_timestamp: 1796021793300,
      source_type: 'LLM_JUDGE',
      source_id: 'gpt-judge',
      span_id: '2b3c4d5e6f708192',
      rationale: null,
      overrides: null,
      valid: false,
      assessment_metadata: '{"judge_version": "1"}',
    });
    expect(row).toEqual({
      assessmentId: 'a-1',
      name: 'groundedness',
      kind: 'feedback',
      value: { value: null, error: { error_code: 'RATE_LIMIT_EXCEEDED', error_message: 'judge rate limited' } },
      spanId: '2b3c4d5e6f708192',
      sourceType: 'LLM_JUDGE',
      sourceId: 'gpt-judge',
      rationale: null,
      metadata: { judge_version: '1' },
      overrides: null,
      valid: false,
      createTimeMs: 1796021793300,
      lastUpdateTimeMs: 1796021793300,
    });
    const wire = assessmentFromWire({
      assessment_id: 'a-2',
      assessment_name: 'expected',
      expectation: { value: 'Paris' },
      source: { source_type: 'HUMAN' },
      create_time: '2026-12-07T13:01:02.345Z',
    });
    expect(wire).toMatchObject({ kind: 'expectation', value: { value: 'Paris' }, valid: true, sourceId: null });
    expect(wire.createTimeMs).toBe(Date.parse('2026-12-07T13:01:02.345Z'));
  });
});
