import { Injectable } from '@nestjs/common';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { ExperimentsService } from '../experiments/experiments.service';

/** What single runs and grid searches share when they are submitted (job states are the lifecycle's). */
@Injectable()
export class JobSubmission {
  constructor(private readonly experiments: ExperimentsService) {}

  /** Like mlflow.set_experiment: the named experiment, created when missing. */
  async experimentId(name: string | undefined): Promise<string> {
    if (!name) return '0';
    try {
      const exp = await this.experiments.getByName(name);
      if (exp.lifecycleStage !== 'active')
        throw MlflowError.invalid(`Experiment '${name}' is deleted; restore it or use another name.`);
      return exp.experimentId;
    } catch (err) {
      if (!(err instanceof MlflowError) || err.code !== ErrorCode.RESOURCE_DOES_NOT_EXIST) throw err;
    }
    try {
      return await this.experiments.create(name, undefined);
    } catch (err) {
      if (err instanceof MlflowError && err.code === ErrorCode.RESOURCE_ALREADY_EXISTS)
        return (await this.experiments.getByName(name)).experimentId;
      throw err;
    }
  }
}
