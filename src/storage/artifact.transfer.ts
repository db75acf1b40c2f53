import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArtifactRepositoryResolver } from './artifact-repository.resolver';
import { ArtifactPath } from './safe-path';

/**
 * Copies between local directories and artifact URIs (a run's `artifact_uri` and paths under
 * it), through the same repositories and safe-path checks as the HTTP proxy. Used by the
 * training jobs (upload a model) and by serving (download the champion).
 */
export class ArtifactTransfer {
  constructor(private readonly resolver: ArtifactRepositoryResolver) {}

  private target(uri: string, rel: string) {
    const { repository, base } = this.resolver.resolve(uri);
    return { repository, at: base.join(ArtifactPath.parse(rel)) };
  }

  async writeText(uri: string, rel: string, text: string): Promise<void> {
    const { repository, at } = this.target(uri, rel);
    await repository.write(at, Readable.from([Buffer.from(text, 'utf8')]));
  }

  /** Uploads every file below `localDir` to `<uri>/<rel>/...`, keeping the layout. */
  async uploadDirectory(uri: string, rel: string, localDir: string): Promise<number> {
    let count = 0;
    for (const entry of await fs.readdir(localDir, { withFileTypes: true })) {
      const child = `${rel ? `${rel}/` : ''}${entry.name}`;
      const local = path.join(localDir, entry.name);
      if (entry.isDirectory()) count += await this.uploadDirectory(uri, child, local);
      else if (entry.isFile()) {
        const { repository, at } = this.target(uri, child);
        await repository.write(at, createReadStream(local));
        count++;
      }
    }
    return count;
  }

  /** Downloads the directory `<uri>/<rel>` into `localDir` (recursively); returns the file count. */
  async downloadDirectory(uri: string, rel: string, localDir: string): Promise<number> {
    const { repository, at } = this.target(uri, rel);
    const entries = await repository.list(at);
    await fs.mkdir(localDir, { recursive: true });
    let count = 0;
    for (const entry of entries) {
      const childRel = `${rel ? `${rel}/` : ''}${entry.name}`;
      const local = path.join(localDir, path.basename(entry.name));
      if (entry.isDir) count += await this.downloadDirectory(uri, childRel, local);
      else {
        const content = await repository.open(this.target(uri, childRel).at);
        await pipeline(content.stream, createWriteStream(local));
        count++;
      }
    }
    return count;
  }
}
