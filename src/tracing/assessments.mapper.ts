/** Wire ↔ domain for MLflow 3 assessments (proto3 JSON, snake_case, timestamps as RFC 3339). */
import { randomUUID } from 'node:crypto';
import { MlflowError } from '../common/mlflow-error';
import type { Infer } from '../common/proto/fields';
import { compact } from '../common/wire';
import type { AssessmentMsg } from './assessment.dtos';
import {
  type Assessment,
  type AssessmentKind,
  type AssessmentSource,
  type AssessmentUpdate,
  SOURCE_TYPES,
} from './assessments.types';
import { parseStringMap, parseTimestamp } from './trace-info';

type AssessmentWire = Infer<typeof AssessmentMsg>;

export const newAssessmentId = () => `a-${randomUUID().replace(/-/g, '')}`;

export function assessmentToWire(a: Assessment) {
  return compact({
    assessment_id: a.assessmentId,
    assessment_name: a.name,
    trace_id: a.traceId,
    span_id: a.spanId,
    source: a.source ? compact({ source_type: a.source.sourceType, source_id: a.source.sourceId }) : undefined,
    create_time: new Date(a.createTimeMs).toISOString(),
    last_update_time: new Date(a.lastUpdateTimeMs).toISOString(),
    [a.kind]: a.value,
    rationale: a.rationale,
    metadata: Object.keys(a.metadata).length > 0 ? a.metadata : undefined,
    overrides: a.overrides,
    valid: a.valid,
  });
}

function valueMessage(v: unknown, field: AssessmentKind): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw MlflowError.invalid(`Invalid value for parameter 'assessment.${field}': expected a JSON object.`);
  }
  return v as Record<string, unknown>;
}

/** The one value message of the request (feedback or expectation), if any. */
function kindAndValue(w: AssessmentWire): { kind: AssessmentKind; value: Record<string, unknown> } | undefined {
  const hasFeedback = w.feedback !== undefined && w.feedback !== null;
  const hasExpectation = w.expectation !== undefined && w.expectation !== null;
  if (hasFeedback && hasExpectation) {
    throw MlflowError.invalid('Exactly one of `expectation` or `feedback` should be specified.');
  }
  if (hasFeedback) return { kind: 'feedback', value: valueMessage(w.feedback, 'feedback') };
  if (hasExpectation) return { kind: 'expectation', value: valueMessage(w.expectation, 'expectation') };
  return undefined;
}

function source(w: AssessmentWire['source']): AssessmentSource | undefined {
  if (!w) return undefined;
  const sourceType = w.source_type || 'SOURCE_TYPE_UNSPECIFIED';
  if (!(SOURCE_TYPES as readonly string[]).includes(sourceType)) {
    throw MlflowError.invalid(
      `Invalid value '${sourceType}' for parameter 'assessment.source.source_type': must be one of ${SOURCE_TYPES.join(', ')}.`,
    );
  }
  return { sourceType, sourceId: w.source_id };
}

/** A new assessment from CreateAssessment (the trace id comes from the path, the id from us). */
export function assessmentFromCreate(w: AssessmentWire, traceId: string): Assessment {
  if (!w.assessment_name)
    throw MlflowError.invalid("Missing value for required parameter 'assessment.assessment_name'.");
  const kv = kindAndValue(w);
  if (!kv) throw MlflowError.invalid('Exactly one of `expectation` or `feedback` should be specified.');
  const created = parseTimestamp(w.create_time, 'assessment.create_time');
  return {
    assessmentId: newAssessmentId(),
    traceId,
    name: w.assessment_name,
    ...kv,
    spanId: w.span_id || undefined,
    source: source(w.source),
    rationale: w.rationale,
    metadata: parseStringMap(w.metadata, 'assessment.metadata'),
    overrides: w.overrides || undefined,
    valid: w.valid ?? true,
    createTimeMs: created,
    lastUpdateTimeMs: w.last_update_time ? parseTimestamp(w.last_update_time, 'assessment.last_update_time') : created,
  };
}

/** FieldMask JSON: a comma-separated string of (camelCase or snake_case) paths, or `{paths: [...]}`. */
export function maskPaths(mask: unknown): string[] {
  const raw =
    typeof mask === 'string'
      ? mask.split(',')
      : mask && typeof mask === 'object' && Array.isArray((mask as { paths?: unknown }).paths)
        ? ((mask as { paths: unknown[] }).paths.map(String) as string[])
        : undefined;
  if (!raw) throw MlflowError.invalid("Invalid value for parameter 'update_mask': expected a FieldMask.");
  const paths = raw.map((p) => p.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).filter((p) => p !== '');
  if (paths.length === 0) throw MlflowError.invalid("Missing value for required parameter 'update_mask'.");
  return paths;
}

/** The fields UpdateAssessment changes, as MLflow's handler reads them (other mask paths are ignored). */
export function assessmentUpdateFromWire(w: AssessmentWire, mask: unknown): AssessmentUpdate {
  const update: AssessmentUpdate = {};
  for (const path of maskPaths(mask)) {
    if (path === 'assessment_name') {
      if (!w.assessment_name) throw MlflowError.invalid("Missing value for parameter 'assessment.assessment_name'.");
      update.name = w.assessment_name;
    } else if (path === 'feedback' || path === 'expectation') {
      const kv = kindAndValue(w);
      if (!kv || kv.kind !== path) throw MlflowError.invalid(`Missing value for parameter 'assessment.${path}'.`);
      if (update.kind && update.kind !== kv.kind) {
        throw MlflowError.invalid('Exactly one of `expectation` or `feedback` should be specified.');
      }
      Object.assign(update, kv);
    } else if (path === 'rationale') {
      update.rationale = w.rationale ?? '';
    } else if (path === 'metadata') {
      update.metadata = parseStringMap(w.metadata, 'assessment.metadata');
    }
  }
  return update;
}
