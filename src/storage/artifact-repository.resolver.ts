import { Inject, Injectable } from '@nestjs/common';
import type { S3Client } from '@aws-sdk/client-s3';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ArtifactRepository } from './artifact-repository';
import { parseUri } from './artifact-uri';
import { LocalArtifactRepository } from './local-artifact.repository';
import { LocalArtifactRoots } from './local-roots';
import { createS3Client } from './s3/s3-client';
import { S3ArtifactRepository } from './s3/s3-artifact.repository';
import { ArtifactPath, invalidPath } from './safe-path';

/** Where an artifact URI lives: a repository and the (validated) path of the URI inside it. */
export interface ResolvedArtifactRoot {
  repository: ArtifactRepository;
  base: ArtifactPath;
}

/** `http(s)://host[/prefix]/api/2.0/mlflow-artifacts/artifacts/<path>` denotes the proxied object `<path>` (§6.1). */
export const PROXY_URL_PATH = /^(?:\/.*)?\/api\/2\.0\/mlflow-artifacts\/artifacts(?:\/(.*))?$/;

/** The subset of the configuration the resolver needs (tests build it directly). */
export type ResolverConfig = Pick<AppConfig, 'localArtifactRoots' | 's3'>;

/**
 * Picks the repository for a run's, experiment's or model version's artifact URI by scheme,
 * as MLflow's server does: `mlflow-artifacts:` (and proxy URLs) → the proxy's destination;
 * `s3:` → the bucket, with the server's S3 credentials; `file:` and absolute paths → a local
 * repository, only inside the configured local roots. URIs are taken apart structurally
 * (scheme, authority, path, query) and their paths pass the safe-path check: stored URIs are
 * user-controlled (experiments/create, model-versions/create).
 */
@Injectable()
export class ArtifactRepositoryResolver {
  private readonly localRoots: LocalArtifactRoots;
  private s3Client?: S3Client;
  private readonly buckets = new Map<string, S3ArtifactRepository>();

  constructor(
    private readonly proxied: ArtifactRepository,
    @Inject(APP_CONFIG) private readonly config: ResolverConfig,
  ) {
    this.localRoots = LocalArtifactRoots.fromConfig(config);
  }

  resolve(uri: string): ResolvedArtifactRoot {
    const parts = parseUri(uri);
    switch (parts.scheme) {
      case 'mlflow-artifacts':
        if (parts.query !== undefined || parts.fragment !== undefined) throw invalidPath();
        return { repository: this.proxied, base: relative(parts.path) };
      case 'http':
      case 'https': {
        const m = PROXY_URL_PATH.exec(parts.path);
        if (m && parts.fragment === undefined) return { repository: this.proxied, base: ArtifactPath.parse(m[1]) };
        break;
      }
      case 's3':
        return this.s3(parts.authority, parts.path, parts.query ?? parts.fragment);
      case 'file':
      case undefined:
        return { repository: new LocalArtifactRepository(this.localRoots.confine(uri)), base: ArtifactPath.ROOT };
    }
    throw new MlflowError(
      ErrorCode.NOT_IMPLEMENTED,
      `Artifact roots with scheme '${parts.scheme}' cannot be served by this server; access them directly.`,
    );
  }

  private s3(bucket: string | undefined, keyPath: string, extra: string | undefined): ResolvedArtifactRoot {
    if (!bucket || extra !== undefined) throw invalidPath();
    let repository = this.buckets.get(bucket);
    if (!repository) {
      this.s3Client ??= createS3Client(this.config.s3);
      repository = new S3ArtifactRepository(this.s3Client, bucket, '', {
        partBytes: this.config.s3.multipartPartBytes,
      });
      this.buckets.set(bucket, repository);
    }
    return { repository, base: relative(keyPath) };
  }
}

/** A URI path component as a path relative to its repository (leading slashes are the URI's, not the path's). */
function relative(uriPath: string): ArtifactPath {
  return ArtifactPath.parse(uriPath.replace(/^\/+/, ''));
}
