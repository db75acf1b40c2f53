import { describe, expect, it } from 'vitest';
import { assessmentFromCreate, assessmentToWire, assessmentUpdateFromWire, maskPaths } from './assessments.mapper';

describe('assessment wire mapping', () => {
  it('FieldMask JSON: camelCase or snake_case paths, comma-separated or {paths}', () => {
    expect(maskPaths('assessmentName,feedback, rationale')).toEqual(['assessment_name', 'feedback', 'rationale']);
    expect(maskPaths({ paths: ['metadata'] })).toEqual(['metadata']);
    expect(() => maskPaths('')).toThrow(/update_mask/);
    expect(() => maskPaths(5)).toThrow(/FieldMask/);
  });

  it('create: the path trace id wins, the id is generated, the value message kept as sent', () => {
    const a = assessmentFromCreate(
      {
        assessment_name: 'x',
        trace_id: 'other',
        expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '[1]' } },
        create_time: '2026-12-07T13:00:00Z',
      },
      'tr-1',
    );
    expect(a).toMatchObject({
      traceId: 'tr-1',
      kind: 'expectation',
      valid: true,
      createTimeMs: Date.UTC(2026, 11, 7, 13),
    });
    expect(a.assessmentId).toMatch(/^a-[0-9a-f]{32}$/);
    expect(assessmentToWire(a)).toEqual({
      assessment_id: a.assessmentId,
      assessment_name: 'x',
      trace_id: 'tr-1',
      create_time: '2026-12-07T13:00:00.000Z',
      last_update_time: '2026-12-07T13:00:00.000Z',
      expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '[1]' } },
      valid: true,
    });
  });

  it('update: only masked fields; a masked value must be present and of one kind', () => {
    expect(assessmentUpdateFromWire({ rationale: 'r', assessment_name: 'ignored' }, 'rationale')).toEqual({
      rationale: 'r',
    });
    expect(() => assessmentUpdateFromWire({ rationale: 'r' }, 'feedback')).toThrow(/assessment.feedback/);
    expect(() => assessmentUpdateFromWire({ feedback: {}, expectation: {} }, 'feedback,expectation')).toThrow(
      /Exactly one/,
    );
  });
});
