import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { RunsService } from '../experiments/runs.service';
import { ArtifactContent, ArtifactEntry, ArtifactRepository } from '../storage/artifact-repository';
import { ArtifactRepositoryResolver } from '../storage/artifact-repository.resolver';
import { ArtifactPath } from '../storage/safe-path';

export const MULTIPART_NOT_SUPPORTED = 'Multipart upload is not supported for the current artifact repository';

export interface RunArtifactListing {
  rootUri: string;
  /** The requested directory, normalised, relative to the run root ('' for the root). */
  dir: string;
  entries: ArtifactEntry[];
}

/**
 * The mlflow-artifacts proxy (mlflow-api.md §6.2) and the tracking API's run listing (T24).
 * Every path arrives raw (still URL-encoded where it came from the URL path) and is decoded
 * and validated exactly once here, by `ArtifactPath.parse`.
 */
@Injectable()
export class ArtifactsService {
  constructor(
    private readonly repository: ArtifactRepository,
    private readonly resolver: ArtifactRepositoryResolver,
    private readonly runs: RunsService,
  ) {}

  list(rawDir: string | undefined): Promise<ArtifactEntry[]> {
    return this.repository.list(ArtifactPath.parse(rawDir));
  }

  async download(rawPath: string): Promise<ArtifactContent & { name: string }> {
    const file = ArtifactPath.parse(rawPath);
    if (file.isRoot) throw MlflowError.invalid('Artifact path is a directory; list it instead.');
    return { ...(await this.repository.open(file)), name: file.name };
  }

  upload(rawPath: string, body: Readable | undefined): Promise<void> {
    return this.repository.write(ArtifactPath.parse(rawPath), body);
  }

  delete(rawPath: string): Promise<void> {
    return this.repository.delete(ArtifactPath.parse(rawPath));
  }

  /**
   * mpu/create|complete|abort: the path is checked first (as MLflow does), then 501 — only
   * object stores with presigned part URLs support it; the client recognises this exact
   * message and falls back to a single PUT.
   */
  multipart(rawPath: string): never {
    ArtifactPath.parse(rawPath);
    throw new MlflowError(ErrorCode.NOT_IMPLEMENTED, MULTIPART_NOT_SUPPORTED);
  }

  /** T24: immediate children of `<run artifact root>/<rawDir>`. */
  async listRun(runId: string, rawDir: string | undefined): Promise<RunArtifactListing> {
    const dir = ArtifactPath.parse(rawDir);
    const info = await this.runs.getInfo(runId);
    const { repository, base } = this.resolver.resolve(info.artifactUri);
    return { rootUri: info.artifactUri, dir: dir.toString(), entries: await repository.list(base.join(dir)) };
  }
}
