import { Controller, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { compact } from '../../common/wire';
import { sendArtifact } from '../artifact-http.util';
import { fileInfoToWire } from '../dtos/artifacts.dto';
import {
  GetLoggedModelArtifactReq,
  ListLoggedModelArtifactsReq,
  ListLoggedModelArtifactsRes,
} from '../dtos/logged-model-artifacts.dto';
import { LoggedModelArtifactsService } from '../logged-model-artifacts.service';

/** MLflow 3 logged-model artifact routes (L9 and the UI's `artifacts/files` download). */
@Controller()
export class LoggedModelArtifactsController {
  constructor(private readonly artifacts: LoggedModelArtifactsService) {}

  @MlflowRpc({
    method: 'GET',
    path: 'logged-models/:model_id/artifacts/directories',
    request: ListLoggedModelArtifactsReq,
    response: ListLoggedModelArtifactsRes,
    summary: "List a logged model's artifacts (immediate children)",
  })
  async list(
    @Param('model_id') modelId: string,
    @RpcArgs(ListLoggedModelArtifactsReq) a: Infer<typeof ListLoggedModelArtifactsReq>,
  ) {
    const listing = await this.artifacts.list(modelId, a.artifact_directory_path);
    return compact({ root_uri: listing.rootUri, files: listing.entries.map((e) => fileInfoToWire(e, listing.dir)) });
  }

  @MlflowRpc({
    method: 'GET',
    path: 'logged-models/:model_id/artifacts/files',
    request: GetLoggedModelArtifactReq,
    summary: 'Download one file of a logged model (UI helper, streamed attachment)',
  })
  async download(
    @Param('model_id') modelId: string,
    @RpcArgs(GetLoggedModelArtifactReq) a: Infer<typeof GetLoggedModelArtifactReq>,
    @Res() reply: FastifyReply,
  ) {
    const file = await this.artifacts.open(modelId, a.artifact_file_path);
    sendArtifact(reply, file);
  }
}
