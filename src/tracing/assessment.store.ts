import type { Assessment } from './assessments.types';

/**
 * The assessment store contract (MLflow's tracking store assessment methods). Overriding is
 * part of the contract: creating an assessment that `overrides` another marks that one invalid,
 * and deleting the newer one makes it valid again, each in one transaction.
 */
export abstract class AssessmentStore {
  /** Inserts `a`; when `a.overrides` is set, that assessment becomes `valid: false` (same transaction). */
  abstract create(a: Assessment): Promise<void>;
  abstract get(traceId: string, assessmentId: string): Promise<Assessment | undefined>;
  /** Rewrites every stored field of an existing assessment. */
  abstract save(a: Assessment): Promise<void>;
  /** Deletes it (no-op when absent); the assessment it overrode becomes valid again. */
  abstract delete(traceId: string, assessmentId: string): Promise<void>;
  /** Assessments per trace id, oldest first. */
  abstract listFor(traceIds: string[]): Promise<Map<string, Assessment[]>>;
}
