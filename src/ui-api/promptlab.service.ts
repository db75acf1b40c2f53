import { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { RunInputsService } from '../experiments/run-inputs.service';
import { RunsService } from '../experiments/runs.service';
import type { Run } from '../experiments/tracking.types';
import { ArtifactRepositoryResolver } from '../storage/artifact-repository.resolver';
import { ArtifactPath } from '../storage/safe-path';
import { evalResultsTable, promptlabModel, type PromptlabRunSpec } from './promptlab';

/**
 * `POST /ajax-api/2.0/mlflow/runs/create-promptlab-run` (MLflow's prompt engineering UI): one
 * finished run with the model parameters, route and template as params, the PROMPT_ENGINEERING
 * source tag, `eval_results_table.json` and a `model/MLmodel`, as MLflow's
 * `_create_promptlab_run_impl` records them. A failure after the run exists marks it FAILED.
 */
@Injectable()
export class PromptlabService {
  private readonly logger = new Logger(PromptlabService.name);

  constructor(
    private readonly runs: RunsService,
    private readonly inputs: RunInputsService,
    private readonly resolver: ArtifactRepositoryResolver,
  ) {}

  async create(spec: PromptlabRunSpec): Promise<Run> {
    const run = await this.runs.create({
      experimentId: spec.experimentId,
      userId: spec.userId,
      runName: spec.runName,
      startTime: spec.startTime,
      tags: spec.tags,
    });
    const runId = run.info.runId;
    let status: 'FINISHED' | 'FAILED' = 'FINISHED';
    try {
      await this.record(spec, runId, run.info.artifactUri);
    } catch (err) {
      this.logger.warn(`prompt-lab run ${runId} failed: ${(err as Error).message}`);
      status = 'FAILED';
    }
    await this.runs.update(runId, { status, endTime: Math.max(Date.now(), spec.startTime) });
    return this.runs.get(runId);
  }

  private async record(spec: PromptlabRunSpec, runId: string, artifactUri: string): Promise<void> {
    await this.runs.logBatch(runId, {
      params: [
        ...spec.modelParameters,
        { key: 'model_route', value: spec.modelRoute },
        { key: 'prompt_template', value: spec.promptTemplate },
      ],
      tags: [
        { key: 'mlflow.loggedArtifacts', value: '[{"path": "eval_results_table.json", "type": "table"}]' },
        { key: 'mlflow.runSourceType', value: 'PROMPT_ENGINEERING' },
      ],
    });
    const { summary, mlmodel } = promptlabModel(spec, runId, new Date());
    await this.inputs.logModel(runId, JSON.stringify(summary));
    const { repository, base } = this.resolver.resolve(artifactUri);
    const write = (p: string, content: string) =>
      repository.write(base.join(ArtifactPath.parse(p)), Readable.from([Buffer.from(content)]));
    await write('model/MLmodel', mlmodel);
    await write('eval_results_table.json', evalResultsTable(spec));
  }
}
