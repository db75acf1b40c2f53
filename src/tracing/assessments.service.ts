import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { AssessmentStore } from './assessment.store';
import { type Assessment, assessmentNotFound, type AssessmentUpdate } from './assessments.types';
import { TraceStore } from './trace.store';
import { traceNotFound } from './tracing.types';

const kindName = (kind: string) => (kind === 'feedback' ? 'Feedback' : 'Expectation');

/**
 * MLflow 3 assessments of a trace (what `mlflow.log_feedback`, `log_expectation`,
 * `get_assessment`, `update_assessment`, `override_feedback` and `delete_assessment` call).
 * Overriding follows MLflow's store: the new assessment names the old one in `overrides`,
 * the old one turns `valid: false`, and deleting the new one makes the old one valid again.
 */
@Injectable()
export class AssessmentsService {
  constructor(
    private readonly store: AssessmentStore,
    private readonly traces: TraceStore,
  ) {}

  async create(a: Assessment): Promise<Assessment> {
    const [trace] = await this.traces.getTraceInfos([a.traceId]);
    if (!trace) throw MlflowError.notFound(traceNotFound(a.traceId));
    if (a.overrides) await this.get(a.traceId, a.overrides);
    await this.store.create(a);
    return this.get(a.traceId, a.assessmentId);
  }

  async get(traceId: string, assessmentId: string): Promise<Assessment> {
    const found = await this.store.get(traceId, assessmentId);
    if (!found) throw MlflowError.notFound(assessmentNotFound(traceId, assessmentId));
    return found;
  }

  /** Name, value (of the same kind), rationale; metadata is merged into the stored one. */
  async update(traceId: string, assessmentId: string, u: AssessmentUpdate): Promise<Assessment> {
    const existing = await this.get(traceId, assessmentId);
    if (u.kind && u.kind !== existing.kind) {
      throw MlflowError.invalid(
        `Cannot update ${u.kind} value on a ${kindName(existing.kind)} assessment with ID '${assessmentId}'.`,
      );
    }
    const updated: Assessment = {
      ...existing,
      name: u.name ?? existing.name,
      value: u.value ?? existing.value,
      rationale: u.rationale ?? existing.rationale,
      metadata: { ...existing.metadata, ...u.metadata },
      lastUpdateTimeMs: Math.max(Date.now(), existing.createTimeMs),
    };
    await this.store.save(updated);
    return updated;
  }

  /** Idempotent, as MLflow's: an unknown assessment of an existing trace is not an error. */
  async delete(traceId: string, assessmentId: string): Promise<void> {
    await this.store.delete(traceId, assessmentId);
  }
}
