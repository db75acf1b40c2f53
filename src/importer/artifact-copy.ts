import type { ArtifactRepository } from '../storage/artifact-repository';
import { ArtifactPath } from '../storage/safe-path';
import type { ImportSource } from './import-source';
import type { ArtifactOwner } from './import.types';

/**
 * Streams every file of a source owner's artifacts into the target repository below `base`.
 * A file already there with the same size is skipped (a resumed import does not copy twice);
 * each write is atomic in the target, so a killed import leaves no partial file.
 */
export async function copyArtifacts(
  source: ImportSource,
  owner: ArtifactOwner,
  target: ArtifactRepository,
  base: ArtifactPath,
  onFile?: () => void,
): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const listed = new Map<string, Map<string, number>>();
  for await (const file of source.listArtifacts(owner)) {
    const rel = ArtifactPath.parse(file.path);
    const dest = base.join(rel);
    const slash = file.path.lastIndexOf('/');
    const dir = slash < 0 ? '' : file.path.slice(0, slash);
    let existing = listed.get(dir);
    if (!existing) {
      const entries = await target.list(dir ? base.join(ArtifactPath.parse(dir)) : base);
      existing = new Map(entries.filter((e) => !e.isDir).map((e) => [e.name, e.size ?? -1]));
      listed.set(dir, existing);
    }
    if (existing.get(file.path.slice(slash + 1)) === file.size) continue;
    await target.write(dest, await source.openArtifact(owner, file.path));
    files++;
    bytes += file.size;
    onFile?.();
  }
  return { files, bytes };
}
