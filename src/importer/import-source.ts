import type { Readable } from 'node:stream';
import type {
  ArtifactOwner,
  SourceDescription,
  SrcExperiment,
  SrcLoggedModel,
  SrcMetric,
  SrcRegisteredModel,
  SrcRun,
  SrcTrace,
} from './import.types';

/** One entry of an artifact listing: a path relative to the owner's root. */
export interface SourceArtifact {
  path: string;
  size: number;
}

/**
 * An MLflow store to import from: a running server over its REST API, or its database with
 * its artifact store. Every listing is complete (deleted objects included, deleted stays
 * deleted) and streamed page by page; nothing is held whole in memory.
 */
export abstract class ImportSource {
  /** Stable identity of the source (its URI without credentials), the key of the import state. */
  abstract readonly label: string;
  /** How many runs the importer may read ahead at once (a remote source hides its latency). */
  readonly readAhead: number = 1;
  /** Checks that the source is reachable and of a known kind; throws ImportError with the reason. */
  abstract describe(): Promise<SourceDescription>;
  abstract experiments(): AsyncIterable<SrcExperiment>;
  abstract runs(experimentId: string): AsyncIterable<SrcRun[]>;
  /** The full metric history of a run, in chunks. */
  abstract metricHistory(run: SrcRun): AsyncIterable<SrcMetric[]>;
  abstract registeredModels(): AsyncIterable<SrcRegisteredModel>;
  abstract loggedModels(experimentId: string): AsyncIterable<SrcLoggedModel[]>;
  abstract traces(experimentId: string): AsyncIterable<SrcTrace[]>;
  /** Every file below the owner's artifact root (recursively), or [] when it has none or they are not reachable. */
  abstract listArtifacts(owner: ArtifactOwner): AsyncIterable<SourceArtifact>;
  abstract openArtifact(owner: ArtifactOwner, path: string): Promise<Readable>;
  abstract close(): Promise<void>;
}

/** A problem with the source or the target that stops the import, said plainly. */
export class ImportError extends Error {}
