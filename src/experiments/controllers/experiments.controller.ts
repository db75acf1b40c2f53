import { Controller } from '@nestjs/common';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { compact } from '../../common/wire';
import {
  CreateExperimentReq,
  CreateExperimentRes,
  DeleteExperimentTagReq,
  EmptyRes,
  ExperimentIdReq,
  ExperimentRes,
  GetExperimentByNameReq,
  GetExperimentReq,
  SearchExperimentsReq,
  SearchExperimentsRes,
  SetExperimentTagReq,
  UpdateExperimentReq,
} from '../dtos/experiments.dto';
import { experimentToWire } from '../dtos/tracking.mapper';
import { ExperimentsService } from '../experiments.service';

type SearchArgs = Infer<typeof SearchExperimentsReq>;

@Controller()
export class ExperimentsController {
  constructor(private readonly experiments: ExperimentsService) {}

  @MlflowRpc({
    method: 'POST',
    path: 'experiments/create',
    request: CreateExperimentReq,
    response: CreateExperimentRes,
    summary: 'Create an experiment',
  })
  async create(@RpcArgs(CreateExperimentReq) a: Infer<typeof CreateExperimentReq>) {
    return {
      experiment_id: await this.experiments.create(
        a.name,
        a.artifact_location,
        a.tags?.map((t) => ({ key: t.key, value: t.value ?? '' })),
      ),
    };
  }

  @MlflowRpc({
    method: 'GET',
    path: 'experiments/get',
    request: GetExperimentReq,
    response: ExperimentRes,
    summary: 'Get an experiment by id (active or deleted)',
  })
  async get(@RpcArgs(GetExperimentReq) a: Infer<typeof GetExperimentReq>) {
    return { experiment: experimentToWire(await this.experiments.get(a.experiment_id)) };
  }

  @MlflowRpc({
    method: 'GET',
    path: 'experiments/get-by-name',
    request: GetExperimentByNameReq,
    response: ExperimentRes,
    summary: 'Get an experiment by name',
  })
  async getByName(@RpcArgs(GetExperimentByNameReq) a: Infer<typeof GetExperimentByNameReq>) {
    return { experiment: experimentToWire(await this.experiments.getByName(a.experiment_name)) };
  }

  private async search(a: SearchArgs) {
    const page = await this.experiments.search({
      maxResults: a.max_results,
      pageToken: a.page_token,
      filter: a.filter,
      orderBy: a.order_by,
      viewType: a.view_type,
    });
    return compact({ experiments: page.items.map(experimentToWire), next_page_token: page.nextPageToken });
  }

  @MlflowRpc({
    method: 'POST',
    path: 'experiments/search',
    request: SearchExperimentsReq,
    response: SearchExperimentsRes,
    summary: 'Search experiments',
  })
  searchPost(@RpcArgs(SearchExperimentsReq) a: SearchArgs) {
    return this.search(a);
  }

  @MlflowRpc({
    method: 'GET',
    path: 'experiments/search',
    request: SearchExperimentsReq,
    response: SearchExperimentsRes,
    summary: 'Search experiments (GET variant)',
  })
  searchGet(@RpcArgs(SearchExperimentsReq) a: SearchArgs) {
    return this.search(a);
  }

  @MlflowRpc({
    method: 'POST',
    path: 'experiments/update',
    request: UpdateExperimentReq,
    response: EmptyRes,
    summary: 'Rename an experiment',
  })
  async update(@RpcArgs(UpdateExperimentReq) a: Infer<typeof UpdateExperimentReq>) {
    await this.experiments.rename(a.experiment_id, a.new_name);
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'experiments/delete',
    request: ExperimentIdReq,
    response: EmptyRes,
    summary: 'Soft-delete an experiment and its runs',
  })
  async delete(@RpcArgs(ExperimentIdReq) a: Infer<typeof ExperimentIdReq>) {
    await this.experiments.delete(a.experiment_id);
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'experiments/restore',
    request: ExperimentIdReq,
    response: EmptyRes,
    summary: 'Restore a deleted experiment and its runs',
  })
  async restore(@RpcArgs(ExperimentIdReq) a: Infer<typeof ExperimentIdReq>) {
    await this.experiments.restore(a.experiment_id);
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'experiments/set-experiment-tag',
    request: SetExperimentTagReq,
    response: EmptyRes,
    summary: 'Set an experiment tag',
  })
  async setTag(@RpcArgs(SetExperimentTagReq) a: Infer<typeof SetExperimentTagReq>) {
    await this.experiments.setTag(a.experiment_id, { key: a.key, value: a.value ?? '' });
    return {};
  }

  @MlflowRpc({
    method: 'POST',
    path: 'experiments/delete-experiment-tag',
    request: DeleteExperimentTagReq,
    response: EmptyRes,
    summary: 'Delete an experiment tag',
  })
  async deleteTag(@RpcArgs(DeleteExperimentTagReq) a: Infer<typeof DeleteExperimentTagReq>) {
    await this.experiments.deleteTag(a.experiment_id, a.key);
    return {};
  }
}
