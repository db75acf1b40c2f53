import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, logLevels } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ExperimentsModule } from './experiments/experiments.module';
import { PARAM_SPECS } from './training/core';
import { InlineJobQueue } from './training/execution/inline.queue';
import { TrainingExecutionModule } from './training/execution/training-execution.module';
import { TrainingExecutor } from './training/execution/training.executor';
import { JobSubmission } from './training/job-submission.service';
import { JobQueue } from './training/jobs/job-queue';
import { TrainingRunsService } from './training/training-runs.service';

const USAGE = `Usage: tsflow train --ticker MSFT [--source sample|yahoo|csv] [--start 2015-01-01] [--end 2024-06-30]
                   [--experiment lstm-msft] [--run-name NAME] [--path file.csv] [--cleaning ffill|drop]
                   [--<param> value ...]   params: ${PARAM_SPECS.map((p) => p.name.replace(/_/g, '-')).join(', ')}
Trains one model in this process against the configured store (same options and variables as
\`tsflow server\`, e.g. --backend-store-uri) and prints the run id and metrics.`;

function numberOrString(v: string): unknown {
  return /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v) ? Number(v) : v.includes(',') ? v.split(',') : v;
}

/** Flags → the same request body as POST /api/v1/training/runs. */
export function trainRequest(argv: string[]) {
  const paramOptions = Object.fromEntries(
    PARAM_SPECS.map((p) => [p.name.replace(/_/g, '-'), { type: 'string' as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    options: {
      ticker: { type: 'string' },
      source: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      experiment: { type: 'string' },
      'run-name': { type: 'string' },
      path: { type: 'string' },
      cleaning: { type: 'string' },
      'backend-store-uri': { type: 'string' },
      'artifacts-destination': { type: 'string' },
      help: { type: 'boolean' },
      ...paramOptions,
    },
    strict: true,
  });
  const params: Record<string, unknown> = {};
  for (const p of PARAM_SPECS) {
    const v = values[p.name.replace(/_/g, '-') as keyof typeof values];
    if (typeof v === 'string') params[p.name] = p.name === 'features' ? v.split(',') : numberOrString(v);
  }
  return {
    values,
    body: {
      experiment_name: values.experiment,
      run_name: values['run-name'],
      cleaning: values.cleaning,
      dataset: {
        ticker: values.ticker,
        source: values.source,
        start_date: values.start,
        end_date: values.end,
        path: values.path,
      },
      params,
    },
  };
}

export async function train(argv: string[]): Promise<void> {
  const { values, body } = trainRequest(argv);
  if (values.help || !values.ticker) {
    process.stdout.write(`${USAGE}\n`);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const env = { ...process.env };
  if (values['backend-store-uri']) env.MLFLOW_BACKEND_STORE_URI = values['backend-store-uri'];
  if (values['artifacts-destination']) env.MLFLOW_ARTIFACTS_DESTINATION = values['artifacts-destination'];
  const config = loadConfig(env);

  @Module({
    imports: [ConfigModule.forRoot(config), DatabaseModule, ExperimentsModule, TrainingExecutionModule],
    providers: [
      { provide: JobQueue, useFactory: (e: TrainingExecutor) => new InlineJobQueue(e), inject: [TrainingExecutor] },
      JobSubmission,
      TrainingRunsService,
    ],
  })
  class TrainCliModule {}

  const ctx = await NestFactory.createApplicationContext(TrainCliModule, { logger: logLevels(config.logLevel) });
  try {
    const runs = ctx.get(TrainingRunsService);
    const { job_id } = await runs.submit(body as never);
    const job = await runs.get(job_id);
    process.stdout.write(
      `${JSON.stringify({ job_id, state: job.state, run_id: job.runId, error: job.error ?? undefined, metrics: job.result?.metrics }, null, 2)}\n`,
    );
    if (job.state !== 'completed') process.exitCode = 1;
  } finally {
    await ctx.close();
  }
}
