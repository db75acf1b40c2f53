import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { ArtifactRepositoryResolver } from '../storage/artifact-repository.resolver';
import { ArtifactPath } from '../storage/safe-path';
import { tracesJson } from './traces.mapper';
import { TracesService } from './traces.service';
import { ARTIFACT_LOCATION_TAG } from './tracing.types';

/**
 * A trace's span data as `traces.json` (§8.3): rendered from the stored OTLP spans, or (mode A:
 * clients of a server answering /version < 3.4) the file the client uploaded itself.
 */
@Injectable()
export class TraceArtifactsService {
  constructor(
    private readonly traces: TracesService,
    private readonly resolver: ArtifactRepositoryResolver,
  ) {}

  async tracesJson(traceId: string): Promise<string | Readable> {
    const info = await this.traces.getInfo(traceId);
    const spans = await this.traces.spansOf(traceId);
    if (spans.length > 0) return JSON.stringify(tracesJson(spans));
    const location = info.tags[ARTIFACT_LOCATION_TAG];
    if (!location) throw MlflowError.notFound(`Trace with ID '${traceId}' has no span data.`);
    const { repository, base } = this.resolver.resolve(location);
    return (await repository.open(base.join(ArtifactPath.parse('traces.json')))).stream;
  }
}
