import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { StorageModule } from '../storage/storage.module';
import { OtlpController } from './controllers/otlp.controller';
import { TracesController } from './controllers/traces.controller';
import { SqlTraceStore } from './store/sql-trace.store';
import { TraceArtifactsService } from './trace-artifacts.service';
import { TraceStore } from './trace.store';
import { TracesService } from './traces.service';

/** MLflow 3 tracing: trace infos, OTLP span ingest, search, tags, run links. */
@Module({
  imports: [ExperimentsModule, StorageModule],
  controllers: [TracesController, OtlpController],
  providers: [TracesService, TraceArtifactsService, { provide: TraceStore, useClass: SqlTraceStore }],
  exports: [TracesService, TraceStore],
})
export class TracingModule {}
