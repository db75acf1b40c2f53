import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { StorageModule } from '../storage/storage.module';
import { AssessmentStore } from './assessment.store';
import { AssessmentsService } from './assessments.service';
import { AssessmentsController } from './controllers/assessments.controller';
import { OtlpController } from './controllers/otlp.controller';
import { TracesController } from './controllers/traces.controller';
import { SqlAssessmentStore } from './store/sql-assessment.store';
import { SqlTraceStore } from './store/sql-trace.store';
import { TraceArtifactsService } from './trace-artifacts.service';
import { TraceStore } from './trace.store';
import { TracesService } from './traces.service';

/** MLflow 3 tracing: trace infos, OTLP span ingest, search, tags, run links, assessments. */
@Module({
  imports: [ExperimentsModule, StorageModule],
  controllers: [TracesController, AssessmentsController, OtlpController],
  providers: [
    TracesService,
    AssessmentsService,
    TraceArtifactsService,
    { provide: TraceStore, useClass: SqlTraceStore },
    { provide: AssessmentStore, useClass: SqlAssessmentStore },
  ],
  exports: [TracesService, TraceStore],
})
export class TracingModule {}
