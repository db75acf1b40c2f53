import { Controller } from '@nestjs/common';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { compact } from '../../common/wire';
import { runIdOf } from '../../experiments/dtos/run-id';
import { ArtifactsService } from '../artifacts.service';
import { fileInfoToWire, ListRunArtifactsReq, ListRunArtifactsRes } from '../dtos/artifacts.dto';

/** T24 `GET /mlflow/artifacts/list`: a run's artifacts, paths relative to its root. */
@Controller()
export class ArtifactsListController {
  constructor(private readonly artifacts: ArtifactsService) {}

  @MlflowRpc({
    method: 'GET',
    path: 'artifacts/list',
    request: ListRunArtifactsReq,
    response: ListRunArtifactsRes,
    summary: "List a run's artifacts (immediate children of path)",
  })
  async list(@RpcArgs(ListRunArtifactsReq) a: Infer<typeof ListRunArtifactsReq>) {
    const listing = await this.artifacts.listRun(runIdOf(a), a.path);
    return compact({ root_uri: listing.rootUri, files: listing.entries.map((e) => fileInfoToWire(e, listing.dir)) });
  }
}
