import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ErrorCode, MlflowError } from '../../common/mlflow-error';
import { ArtifactContent, ArtifactEntry, ArtifactRepository } from '../artifact-repository';
import { ArtifactPath, invalidPath } from '../safe-path';
import { isClientAbort, s3Failure } from './s3-errors';

export interface S3RepositoryOptions {
  /** Part size of multipart uploads; smaller bodies are one PutObject. */
  partBytes: number;
}

/** Names from a remote listing are data, not paths: one plain segment each (CVE-2023-6975). */
function safeName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[\\/\u0000]/.test(name);
}

/**
 * Artifacts as objects of one S3 bucket under a key prefix (`s3://bucket/prefix`), for any
 * S3-compatible server. Directories are key prefixes, as in MLflow's S3ArtifactRepository.
 * Uploads stream through `@aws-sdk/lib-storage` (multipart above one part; at most two parts
 * in memory), downloads stream the object body, so neither direction buffers a whole file.
 * S3 makes an object visible only when its upload completes, which gives `write` its
 * atomicity; a failed multipart upload is aborted so no parts are left behind.
 */
export class S3ArtifactRepository extends ArtifactRepository {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
    private readonly options: S3RepositoryOptions,
  ) {
    super();
  }

  get location(): string {
    return `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  private key(p: ArtifactPath): string {
    return [this.prefix, ...p.segments].filter((s) => s !== '').join('/');
  }

  private dirPrefix(p: ArtifactPath): string {
    const key = this.key(p);
    return key === '' ? '' : `${key}/`;
  }

  private fail(err: unknown): unknown {
    return s3Failure(err, this.location);
  }

  /** Fails clearly at start-up when the bucket is missing or the endpoint is down. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) throw MlflowError.notFound(`Artifact store ${this.location}: the bucket does not exist.`);
      throw this.fail(err);
    }
  }

  private async *pages(prefix: string, delimiter?: string): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await this.client
        .send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            Delimiter: delimiter,
            ContinuationToken: token,
          }),
        )
        .catch((err: unknown) => {
          throw this.fail(err);
        });
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async list(dir: ArtifactPath): Promise<ArtifactEntry[]> {
    const prefix = this.dirPrefix(dir);
    const entries = new Map<string, ArtifactEntry>();
    for await (const page of this.pages(prefix, '/')) {
      for (const p of page.CommonPrefixes ?? []) {
        const name = (p.Prefix ?? '').slice(prefix.length).replace(/\/$/, '');
        if (safeName(name)) entries.set(name, { name, isDir: true });
      }
      for (const o of page.Contents ?? []) {
        const name = (o.Key ?? '').slice(prefix.length);
        // A key equal to the prefix is a "directory marker" object, not a child.
        if (safeName(name) && !entries.has(name)) entries.set(name, { name, isDir: false, size: o.Size ?? 0 });
      }
    }
    return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async open(file: ArtifactPath): Promise<ArtifactContent> {
    if (file.isRoot) throw MlflowError.invalid(`Artifact '' is a directory; list it instead.`);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(file) }));
      return { stream: out.Body as Readable, size: out.ContentLength ?? 0 };
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name !== 'NoSuchKey' && name !== 'NotFound') throw this.fail(err);
    }
    const children = await this.list(file);
    if (children.length > 0) throw MlflowError.invalid(`Artifact '${file}' is a directory; list it instead.`);
    throw MlflowError.notFound(`Artifact '${file}' does not exist.`);
  }

  async write(file: ArtifactPath, body: Readable | undefined): Promise<void> {
    if (file.isRoot) throw invalidPath();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.key(file), Body: body ?? Buffer.alloc(0) },
      partSize: this.options.partBytes,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      // Let the rest of the request body drain so the error response reaches the client.
      if (body && !body.readableEnded) body.resume();
      if (isClientAbort(err))
        throw new MlflowError(ErrorCode.BAD_REQUEST, 'The upload was interrupted before the body was complete.');
      throw this.fail(err);
    }
  }

  async delete(target: ArtifactPath): Promise<void> {
    if (target.isRoot) throw invalidPath();
    const keys = [this.key(target)];
    for await (const page of this.pages(this.dirPrefix(target))) {
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    }
    for (let i = 0; i < keys.length; i += 1000) {
      const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      await this.client
        .send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }))
        .catch((err: unknown) => {
          throw this.fail(err);
        });
    }
  }
}
