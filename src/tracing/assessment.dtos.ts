import { f, message } from '../common/proto/fields';

/** MLflow 3 assessments (assessments.proto, service.proto Create/Get/Update/DeleteAssessment). */
export const AssessmentSourceMsg = message({
  source_type: f.string().doc('SOURCE_TYPE_UNSPECIFIED | HUMAN | LLM_JUDGE | CODE', 'HUMAN'),
  source_id: f.string().doc('User name, judge or code id', 'alice@example.com'),
});

export const AssessmentMsg = message({
  assessment_id: f.string().doc('a- + 32 hex (server-generated)'),
  assessment_name: f.string().doc('Assessment name (required on create)', 'correctness'),
  trace_id: f.string().doc('Ignored: the path is authoritative'),
  span_id: f.string(),
  source: f.message(AssessmentSourceMsg),
  create_time: f.string().doc('RFC 3339 timestamp', '2026-12-07T13:00:00.000Z'),
  last_update_time: f.string().doc('RFC 3339 timestamp', '2026-12-07T13:00:00.000Z'),
  feedback: f.json().doc('{"value": <any JSON>, "error": {error_code, error_message}} (one of feedback/expectation)', {
    value: true,
  }),
  expectation: f.json().doc('{"value": <any JSON>} or {"serialized_value": {...}}'),
  rationale: f.string(),
  metadata: f.json().doc('Object of strings'),
  overrides: f.string().doc('Id of the assessment this one supersedes (that one becomes valid: false)'),
  valid: f.bool(),
});

export const CreateAssessmentReq = message({ assessment: f.message(AssessmentMsg).required() });
export const UpdateAssessmentReq = message({
  assessment: f.message(AssessmentMsg).required(),
  update_mask: f
    .json()
    .required()
    .doc('FieldMask: "assessment_name,feedback,rationale,metadata" (or {"paths": [...]})', 'rationale'),
});
export const AssessmentIdsReq = message({
  trace_id: f.string().doc('Ignored: the path is authoritative'),
  assessment_id: f.string().doc('Ignored: the path is authoritative'),
});
export const AssessmentRes = message({ assessment: f.message(AssessmentMsg) });
