import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable } from '@nestjs/common';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { ArtifactRepository } from './artifact-repository';
import { LocalArtifactRepository } from './local-artifact.repository';
import { ArtifactPath, invalidPath } from './safe-path';

/** Where an artifact URI lives: a repository and the (validated) path of the URI inside it. */
export interface ResolvedArtifactRoot {
  repository: ArtifactRepository;
  base: ArtifactPath;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
/** `http(s)://host[/prefix]/api/2.0/mlflow-artifacts/artifacts/<path>` denotes the proxied object `<path>` (§6.1). */
const PROXY_URL_PATH = /^[^/]*\/\/[^/]*(?:\/.*)?\/api\/2\.0\/mlflow-artifacts\/artifacts(?:\/(.*))?$/;

/**
 * Picks the repository for a run's or experiment's artifact URI by scheme, as MLflow's
 * server does for proxied roots: `mlflow-artifacts:` (and proxy URLs) → the proxy's own
 * destination; `file:` (and bare absolute paths) → a local repository rooted there. Stored
 * URIs are user-controlled (experiments/create), so their paths pass the safe-path check.
 */
@Injectable()
export class ArtifactRepositoryResolver {
  constructor(private readonly proxied: ArtifactRepository) {}

  resolve(uri: string): ResolvedArtifactRoot {
    const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
    if (scheme === 'mlflow-artifacts') return { repository: this.proxied, base: ArtifactPath.parse(proxiedPath(uri)) };
    if (scheme === 'http' || scheme === 'https') {
      const m = PROXY_URL_PATH.exec(uri.replace(/[?#].*$/, ''));
      if (m) return { repository: this.proxied, base: ArtifactPath.parse(m[1] ?? '') };
    }
    if (scheme === 'file') return { repository: new LocalArtifactRepository(localPath(uri)), base: ArtifactPath.ROOT };
    if (scheme === undefined && path.isAbsolute(uri))
      return { repository: new LocalArtifactRepository(uri), base: ArtifactPath.ROOT };
    throw new MlflowError(
      ErrorCode.NOT_IMPLEMENTED,
      `Artifact roots with scheme '${scheme ?? 'none'}' cannot be served by this server; access them directly.`,
    );
  }
}

/** `mlflow-artifacts:/p`, `mlflow-artifacts:///p`, `mlflow-artifacts://host:port/p` → `p`. */
function proxiedPath(uri: string): string {
  const rest = uri.slice('mlflow-artifacts:'.length);
  if (!rest.startsWith('//')) return rest.replace(/^\/+/, '');
  const slash = rest.indexOf('/', 2);
  return slash < 0 ? '' : rest.slice(slash + 1);
}

function localPath(uri: string): string {
  try {
    return fileURLToPath(uri);
  } catch {
    throw invalidPath(); // file://otherhost/... is not local (CVE-2023-2356)
  }
}
