/** MLflow 3 assessments (feedback and expectations on a trace), camelCase inside. */

export const ASSESSMENT_KINDS = ['feedback', 'expectation'] as const;
export type AssessmentKind = (typeof ASSESSMENT_KINDS)[number];

export const SOURCE_TYPES = ['SOURCE_TYPE_UNSPECIFIED', 'HUMAN', 'LLM_JUDGE', 'CODE'] as const;

export interface AssessmentSource {
  sourceType: string;
  sourceId?: string;
}

export interface Assessment {
  /** `a-` + 32 hex, chosen by the server. */
  assessmentId: string;
  traceId: string;
  name: string;
  kind: AssessmentKind;
  /** The `feedback` or `expectation` message as the client sent it (value, error, serialized_value). */
  value: Record<string, unknown>;
  spanId?: string;
  source?: AssessmentSource;
  rationale?: string;
  metadata: Record<string, string>;
  /** The assessment this one superseded (that one is then `valid: false`). */
  overrides?: string;
  valid: boolean;
  createTimeMs: number;
  lastUpdateTimeMs: number;
}

/** The fields an update may change (MLflow's update_mask paths the server honours). */
export interface AssessmentUpdate {
  name?: string;
  kind?: AssessmentKind;
  value?: Record<string, unknown>;
  rationale?: string;
  metadata?: Record<string, string>;
}

export const assessmentNotFound = (traceId: string, assessmentId: string) =>
  `Assessment with ID '${assessmentId}' not found for trace '${traceId}'`;
