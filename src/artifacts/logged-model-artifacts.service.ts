import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { LoggedModelsService } from '../experiments/logged-models/logged-models.service';
import type { ArtifactContent, ArtifactEntry } from '../storage/artifact-repository';
import { ArtifactRepositoryResolver } from '../storage/artifact-repository.resolver';
import { ArtifactPath } from '../storage/safe-path';

/** A logged model's files under its artifact location (L9 and the UI's file helper). */
@Injectable()
export class LoggedModelArtifactsService {
  constructor(
    private readonly models: LoggedModelsService,
    private readonly resolver: ArtifactRepositoryResolver,
  ) {}

  /** Immediate children of a directory of the model's artifacts, paths relative to its root. */
  async list(modelId: string, rawDir: string | undefined) {
    const model = await this.models.get(modelId);
    const dir = ArtifactPath.parse(rawDir);
    const { repository, base } = this.resolver.resolve(model.info.artifactLocation);
    const entries: ArtifactEntry[] = await repository.list(base.join(dir));
    return { rootUri: model.info.artifactLocation, dir: dir.toString(), entries };
  }

  /** One file of the model, streamed. */
  async open(modelId: string, rawPath: string | undefined): Promise<ArtifactContent & { name: string }> {
    if (!rawPath) throw MlflowError.invalid("Missing value for required parameter 'artifact_file_path'.");
    const model = await this.models.get(modelId);
    const file = ArtifactPath.parse(rawPath);
    if (file.isRoot) throw MlflowError.invalid('Artifact path is a directory; list it instead.');
    const { repository, base } = this.resolver.resolve(model.info.artifactLocation);
    return { ...(await repository.open(base.join(file))), name: file.name };
  }
}
