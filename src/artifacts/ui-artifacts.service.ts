import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { readBytes } from '../common/http/body';
import { MlflowError } from '../common/mlflow-error';
import { validateRunId } from '../common/validation';
import { RunsService } from '../experiments/runs.service';
import { ModelVersionsService } from '../registry/model-versions.service';
import { ArtifactContent } from '../storage/artifact-repository';
import { ArtifactRepositoryResolver } from '../storage/artifact-repository.resolver';
import { ArtifactPath } from '../storage/safe-path';

/** MLflow's limit for the UI's upload-artifact (images pasted into the UI). */
export const UI_UPLOAD_LIMIT = 10 * 1024 * 1024;

export type NamedContent = ArtifactContent & { name: string };

function required(value: string | undefined, message: string): string {
  if (value === undefined || value === '') throw MlflowError.invalid(message);
  return value;
}

/** The `path` of a download: present, safe, and not the root. */
function filePath(rawPath: string | undefined): ArtifactPath {
  const rel = ArtifactPath.parse(required(rawPath, "Missing value for required parameter 'path'."));
  if (rel.isRoot) throw MlflowError.invalid('Artifact path is a directory; list it instead.');
  return rel;
}

/**
 * The UI helper routes around run and model-version artifacts (mlflow-api.md §6.4), the
 * historical LFI targets: every path goes through `ArtifactPath.parse`, every root through the
 * resolver (proxied destination, S3, or a confined local root; never another host).
 */
@Injectable()
export class UiArtifactsService {
  constructor(
    private readonly resolver: ArtifactRepositoryResolver,
    private readonly runs: RunsService,
    private readonly versions: ModelVersionsService,
  ) {}

  private async open(rootUri: string, rel: ArtifactPath): Promise<NamedContent> {
    const { repository, base } = this.resolver.resolve(rootUri);
    return { ...(await repository.open(base.join(rel))), name: rel.name };
  }

  /** `GET /get-artifact?run_id=R&path=p` (or `run_uuid`). */
  async runArtifact(runId: string | undefined, rawPath: string | undefined): Promise<NamedContent> {
    const id = required(runId, "Missing value for required parameter 'run_id'.");
    const rel = filePath(rawPath);
    validateRunId(id);
    return this.open((await this.runs.getInfo(id)).artifactUri, rel);
  }

  /** `GET /model-versions/get-artifact?name=N&version=V&path=p`: a file under the version's download URI. */
  async modelVersionArtifact(
    name: string | undefined,
    version: string | undefined,
    rawPath: string | undefined,
  ): Promise<NamedContent> {
    const n = required(name, "Missing value for required parameter 'name'.");
    const v = required(version, "Missing value for required parameter 'version'.");
    // As MLflow: the path is checked before the version is looked up (400 "Invalid path" first).
    const rel = filePath(rawPath);
    return this.open(await this.versions.downloadUri(n, v), rel);
  }

  /** `POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=R&path=p` with a raw body of at most 10 MB. */
  async upload(runUuid: string | undefined, rawPath: string | undefined, body: Readable | undefined): Promise<void> {
    const id = required(runUuid, 'Request must specify run_uuid.');
    const rel = ArtifactPath.parse(required(rawPath, 'Request must specify path.'));
    if (rel.isRoot) throw MlflowError.invalid('Request must specify path.');
    const data = body
      ? await readBytes(body, UI_UPLOAD_LIMIT, 'Artifact size is too large. Max size is 10MB.')
      : Buffer.alloc(0);
    if (data.length === 0) throw MlflowError.invalid('Request must specify data.');
    validateRunId(id);
    const { repository, base } = this.resolver.resolve((await this.runs.getInfo(id)).artifactUri);
    await repository.write(base.join(rel), Readable.from([data]));
  }
}
