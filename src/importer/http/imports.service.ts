import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, MlflowError } from '../../common/mlflow-error';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { Db } from '../../database/db';
import { ArtifactRepositoryResolver } from '../../storage/artifact-repository.resolver';
import { openSource } from '../import.cli';
import { ImportError } from '../import-source';
import { ImportTarget } from '../import-target';
import { Importer } from '../importer';
import type { ImportSummary } from '../import.types';
import { Progress } from '../progress';

export interface ImportJob {
  importId: string;
  from: string;
  status: 'RUNNING' | 'FINISHED' | 'FAILED';
  startedAt: number;
  endedAt?: number;
  /** Counts so far (while running) or the final summary. */
  summary?: ImportSummary;
  error?: string;
}

/**
 * Imports started over HTTP by an admin: the same importer as `tsflow import`, run in this
 * process against this server's store, with progress kept in memory (one import at a time).
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);
  private readonly jobs = new Map<string, ImportJob>();

  constructor(
    private readonly db: Db,
    private readonly resolver: ArtifactRepositoryResolver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(req: {
    from: string;
    artifacts_root?: string;
    dry_run?: boolean;
    artifacts?: boolean;
    username?: string;
    password?: string;
    token?: string;
  }): Promise<ImportJob> {
    if ([...this.jobs.values()].some((j) => j.status === 'RUNNING')) {
      throw new MlflowError(ErrorCode.RESOURCE_ALREADY_EXISTS, 'An import is already running; wait for it to finish.');
    }
    let source;
    try {
      source = await openSource(req.from, req.artifacts_root, this.config, {
        username: req.username,
        password: req.password,
        token: req.token,
      });
      await source.describe();
    } catch (err) {
      await source?.close();
      if (err instanceof ImportError) throw new MlflowError(ErrorCode.INVALID_PARAMETER_VALUE, err.message);
      throw err;
    }
    const job: ImportJob = {
      importId: randomUUID().replace(/-/g, ''),
      from: source.label,
      status: 'RUNNING',
      startedAt: Date.now(),
    };
    this.jobs.set(job.importId, job);
    const progress = new Progress(false, () => undefined);
    const original = progress.update.bind(progress);
    progress.update = (s) => {
      job.summary = s;
      original(s);
    };
    const importer = new Importer(source, new ImportTarget(this.db), this.resolver, this.config.defaultArtifactRoot);
    void importer
      .run({ dryRun: req.dry_run, artifacts: req.artifacts, progress })
      .then((summary) => {
        job.summary = summary;
        job.status = 'FINISHED';
        this.logger.log(
          `import ${job.importId} from ${job.from}: ${summary.runs.imported} runs, ${summary.metricPoints} metric points`,
        );
      })
      .catch((err: Error) => {
        job.status = 'FAILED';
        job.error = err.message;
        this.logger.warn(`import ${job.importId} from ${job.from} failed: ${err.message}`);
      })
      .finally(() => {
        job.endedAt = Date.now();
        void source.close();
      });
    return job;
  }

  get(importId: string): ImportJob {
    const job = this.jobs.get(importId);
    if (!job) throw MlflowError.notFound(`Import '${importId}' not found.`);
    return job;
  }

  list(): ImportJob[] {
    return [...this.jobs.values()].sort((a, b) => b.startedAt - a.startedAt);
  }
}
