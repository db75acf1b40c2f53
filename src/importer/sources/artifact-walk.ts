import type { ArtifactRepository } from '../../storage/artifact-repository';
import { ArtifactPath } from '../../storage/safe-path';
import type { SourceArtifact } from '../import-source';

/** Every file below `base` in a repository, depth first, as paths relative to `base`. */
export async function* walkArtifacts(
  repository: ArtifactRepository,
  base: ArtifactPath,
  prefix = '',
): AsyncIterable<SourceArtifact> {
  const dir = prefix ? base.join(ArtifactPath.parse(prefix)) : base;
  for (const entry of await repository.list(dir)) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDir) yield* walkArtifacts(repository, base, rel);
    else yield { path: rel, size: entry.size ?? 0 };
  }
}
