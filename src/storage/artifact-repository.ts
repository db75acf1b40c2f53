import type { Readable } from 'node:stream';
import type { ArtifactPath } from './safe-path';

/** One entry of a directory listing: a basename, never a path. */
export interface ArtifactEntry {
  name: string;
  isDir: boolean;
  /** Bytes; absent for directories. */
  size?: number;
}

/** An opened artifact: a byte stream of known length, to be consumed or destroyed by the caller. */
export interface ArtifactContent {
  stream: Readable;
  size: number;
}

/**
 * Artifact storage contract (MLflow's `ArtifactRepository`). A repository stores bytes under
 * one root; every method takes an `ArtifactPath`, which only `ArtifactPath.parse` (the
 * safe-path check) can produce, and implementations must additionally keep every access
 * inside their root (symlinks included). Errors are `MlflowError`s:
 * `INVALID_PARAMETER_VALUE` ("Invalid path") for paths that escape or are reserved,
 * `RESOURCE_DOES_NOT_EXIST` for a missing file on `open`.
 *
 * Used as the DI token for the repository behind the `mlflow-artifacts` proxy; repositories
 * for other roots (a run's `artifact_uri`) come from `ArtifactRepositoryResolver`, chosen by
 * URI scheme.
 */
export abstract class ArtifactRepository {
  /** A human-readable location of the root, for logs. */
  abstract readonly location: string;

  /**
   * Immediate children of `dir`, sorted by name. A missing path or a path that names a file
   * yields `[]` (the MLflow client tells files from directories by an empty listing).
   */
  abstract list(dir: ArtifactPath): Promise<ArtifactEntry[]>;

  /** Open a file for streaming. Missing → RESOURCE_DOES_NOT_EXIST; a directory → INVALID_PARAMETER_VALUE. */
  abstract open(file: ArtifactPath): Promise<ArtifactContent>;

  /**
   * Store `body` (undefined = empty file) at `file`, creating parent directories and
   * replacing an existing file. Atomic: readers see the old content or the complete new
   * content, never a partial file; if `body` fails (client disconnect) nothing is left
   * behind. Concurrent writers to one path: the last to complete wins.
   */
  abstract write(file: ArtifactPath, body: Readable | undefined): Promise<void>;

  /** Delete a file or a directory recursively. Deleting a missing path is not an error. */
  abstract delete(target: ArtifactPath): Promise<void>;
}
