import { Controller, Param } from '@nestjs/common';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { EmptyRes } from '../../experiments/dtos/experiments.dto';
import { AssessmentIdsReq, AssessmentRes, CreateAssessmentReq, UpdateAssessmentReq } from '../assessment.dtos';
import { assessmentFromCreate, assessmentToWire, assessmentUpdateFromWire } from '../assessments.mapper';
import { AssessmentsService } from '../assessments.service';

const V3 = ['3.0'] as const;
const ONE = 'traces/:trace_id/assessments/:assessment_id';

/** MLflow 3 assessment routes (service.proto CreateAssessment, GetAssessmentRequest, UpdateAssessment, DeleteAssessment). */
@Controller()
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  @MlflowRpc({
    method: 'POST',
    path: 'traces/:trace_id/assessments',
    versions: V3,
    request: CreateAssessmentReq,
    response: AssessmentRes,
    summary: 'Log feedback or an expectation on a trace (overrides: supersede another)',
  })
  async create(@Param('trace_id') traceId: string, @RpcArgs(CreateAssessmentReq) a: Infer<typeof CreateAssessmentReq>) {
    const created = await this.assessments.create(assessmentFromCreate(a.assessment, traceId));
    return { assessment: assessmentToWire(created) };
  }

  @MlflowRpc({
    method: 'GET',
    path: ONE,
    versions: V3,
    request: AssessmentIdsReq,
    response: AssessmentRes,
    summary: 'One assessment',
  })
  async get(@Param('trace_id') traceId: string, @Param('assessment_id') assessmentId: string) {
    return { assessment: assessmentToWire(await this.assessments.get(traceId, assessmentId)) };
  }

  @MlflowRpc({
    method: 'PATCH',
    path: ONE,
    versions: V3,
    request: UpdateAssessmentReq,
    response: AssessmentRes,
    summary: 'Update the fields named in update_mask (metadata is merged)',
  })
  async update(
    @Param('trace_id') traceId: string,
    @Param('assessment_id') assessmentId: string,
    @RpcArgs(UpdateAssessmentReq) a: Infer<typeof UpdateAssessmentReq>,
  ) {
    const update = assessmentUpdateFromWire(a.assessment, a.update_mask);
    return { assessment: assessmentToWire(await this.assessments.update(traceId, assessmentId, update)) };
  }

  @MlflowRpc({
    method: 'DELETE',
    path: ONE,
    versions: V3,
    request: AssessmentIdsReq,
    response: EmptyRes,
    summary: 'Delete an assessment (the one it overrode becomes valid again)',
  })
  async delete(@Param('trace_id') traceId: string, @Param('assessment_id') assessmentId: string) {
    await this.assessments.delete(traceId, assessmentId);
    return {};
  }
}
