import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { messageSchema } from '../../common/proto/openapi';
import { Infer } from '../../common/proto/fields';
import { ERROR_SCHEMA, RpcArgs } from '../../common/proto/rpc.decorator';
import { PARAM_SPECS } from '../core';
import { JobStatusRes, SubmittedRes, TrainingRunReq } from '../dtos/training.dto';
import { runJobToWire } from '../dtos/training.mapper';
import { TrainingRunsService } from '../training-runs.service';

const EXAMPLE = {
  experiment_name: 'lstm-msft',
  dataset: { ticker: 'MSFT', source: 'sample', start_date: '2015-01-01', end_date: '2024-06-30' },
  params: {
    seq_length: 20,
    horizon: 1,
    layers: 1,
    units: 32,
    dropout: 0.2,
    learning_rate: 0.001,
    batch_size: 32,
    epochs: 2,
    patience: 5,
    loss: 'mae',
    seed: 42,
  },
};

@ApiTags('Training')
@Controller('api/v1/training')
export class TrainingRunsController {
  constructor(private readonly training: TrainingRunsService) {}

  @Get('params')
  @ApiOperation({
    summary: 'The hyperparameter vocabulary: names, defaults, ranges (shared by runs and grid searches)',
  })
  params() {
    return { params: PARAM_SPECS };
  }

  @Post('runs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Train one model (queued like any job); answers the job and its MLflow run' })
  @ApiBody({ schema: { ...messageSchema(TrainingRunReq), example: EXAMPLE } })
  @ApiAcceptedResponse({ schema: messageSchema(SubmittedRes) })
  @ApiResponse({ status: 400, description: 'Invalid dataset or params', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 503, description: 'Job queue unavailable', schema: ERROR_SCHEMA })
  submit(@RpcArgs(TrainingRunReq) req: Infer<typeof TrainingRunReq>) {
    return this.training.submit(req);
  }

  @Get('runs/:job_id')
  @ApiOperation({ summary: 'State of a training job: queued, running, completed, failed or cancelled' })
  @ApiOkResponse({ schema: messageSchema(JobStatusRes) })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  async get(@Param('job_id') jobId: string) {
    return runJobToWire(await this.training.get(jobId));
  }

  @Delete('runs/:job_id')
  @ApiOperation({ summary: 'Cancel a training job (a running one stops at the next epoch; its run is KILLED)' })
  @ApiOkResponse({ schema: messageSchema(JobStatusRes) })
  async cancel(@Param('job_id') jobId: string) {
    return runJobToWire(await this.training.cancel(jobId));
  }
}
