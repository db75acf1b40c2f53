import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MlflowError } from '../common/mlflow-error';
import type { ArtifactRepository } from './artifact-repository';
import { ArtifactRepositoryResolver } from './artifact-repository.resolver';
import { ArtifactPath } from './safe-path';

/** Bounds of one directory download: a model directory is small; a stored URI naming a huge tree must not fill the disk. */
export interface DownloadLimits {
  maxFiles: number;
  maxBytes: number;
  maxDepth: number;
}

export const MODEL_DOWNLOAD_LIMITS: DownloadLimits = { maxFiles: 10_000, maxBytes: 4 * 1024 ** 3, maxDepth: 32 };

interface Budget {
  files: number;
  bytes: number;
}

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

  /** One small text file `<uri>/<rel>` (at most `maxBytes`: a model's JSON metadata, not its weights). */
  async readText(uri: string, rel: string, maxBytes = 1024 * 1024): Promise<string> {
    const { repository, at } = this.target(uri, rel);
    const content = await repository.open(at);
    if (content.size > maxBytes) {
      content.stream.destroy();
      throw MlflowError.invalid(`${rel} holds more than ${maxBytes} bytes.`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of content.stream) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
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

  /**
   * Downloads the directory `<uri>/<rel>` into `localDir` (recursively); returns the file count.
   * Stops with a 400 as soon as the tree exceeds `limits` (what was copied so far is the
   * caller's temporary directory to remove).
   */
  async downloadDirectory(
    uri: string,
    rel: string,
    localDir: string,
    limits: DownloadLimits = MODEL_DOWNLOAD_LIMITS,
  ): Promise<number> {
    const { repository, at } = this.target(uri, rel);
    const budget: Budget = { files: 0, bytes: 0 };
    await this.downloadTree(repository, at, localDir, limits, budget, 0);
    return budget.files;
  }

  private async downloadTree(
    repository: ArtifactRepository,
    dir: ArtifactPath,
    localDir: string,
    limits: DownloadLimits,
    budget: Budget,
    depth: number,
  ): Promise<void> {
    if (depth > limits.maxDepth) throw tooLarge(`more than ${limits.maxDepth} directory levels`);
    const entries = await repository.list(dir);
    await fs.mkdir(localDir, { recursive: true });
    for (const entry of entries) {
      const child = dir.join(ArtifactPath.parse(entry.name));
      const local = path.join(localDir, path.basename(entry.name));
      if (entry.isDir) {
        await this.downloadTree(repository, child, local, limits, budget, depth + 1);
        continue;
      }
      budget.files += 1;
      if (budget.files > limits.maxFiles) throw tooLarge(`more than ${limits.maxFiles} files`);
      const content = await repository.open(child);
      budget.bytes += content.size;
      if (budget.bytes > limits.maxBytes) {
        content.stream.destroy();
        throw tooLarge(`more than ${limits.maxBytes} bytes`);
      }
      await pipeline(content.stream, createWriteStream(local));
    }
  }
}

function tooLarge(what: string): MlflowError {
  return MlflowError.invalid(`The artifact directory holds ${what}; it is not a model directory.`);
}
