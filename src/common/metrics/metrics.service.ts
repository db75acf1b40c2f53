import { Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MonitorGaugeSource, registerMonitorGauges } from './monitor-gauges';

/**
 * Where the training gauges read their values on scrape. The training module registers them
 * (metrics depend on no domain; the domains record into metrics).
 */
export interface TrainingMetricSources {
  /** Jobs per kind and state: every combination, zeros included, so a series drops to 0 instead of vanishing. */
  jobCounts(): Promise<{ kind: string; state: string; count: number }[]>;
  queueDepth(): Promise<{ waiting: number; active: number }>;
}
/** A scrape must not hang on an unreachable Redis: queue depth is skipped after this long. */
const QUEUE_TIMEOUT_MS = 1000;
const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/**
 * Prometheus metrics of one API process, in a registry of its own (several apps may share a
 * process in tests), and every series tsflow exposes (the Grafana dashboard's contract) in one
 * place. HTTP latency is labelled with the route pattern, never the raw URL, so the number of
 * series stays bounded whatever clients send. Job counts and queue depth are read on scrape
 * from the sources the training module registers, so every replica reports the shared truth.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();

  private readonly http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });

  private readonly prediction = new Histogram({
    name: 'tsflow_prediction_duration_seconds',
    help: 'Time to compute one /predict or /invocations answer (data loading and forward passes), by model',
    labelNames: ['model'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });

  private readonly championVersion = new Gauge({
    name: 'tsflow_champion_version',
    help: 'Registered model version being served as champion (0: none loaded)',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  private readonly loads = new Counter({
    name: 'tsflow_model_loads_total',
    help: 'Champion model loads by result (success, failure)',
    labelNames: ['model', 'result'] as const,
    registers: [this.registry],
  });

  private training?: TrainingMetricSources;
  private monitors?: MonitorGaugeSource;

  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {
    collectDefaultMetrics({ register: this.registry });
    this.trainingGauges();
    registerMonitorGauges(this.registry, () => this.monitors);
  }

  /** Called once by the training module of an API process. */
  useTrainingSources(sources: TrainingMetricSources): void {
    this.training = sources;
  }

  /** Called once by the monitors module of an API process. */
  useMonitorSources(source: MonitorGaugeSource): void {
    this.monitors = source;
  }

  onModuleInit(): void {
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.addHook) return;
    fastify.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
      // Unmatched URLs share one label: raw paths would make the series count unbounded.
      const route = req.routeOptions?.url ?? 'unmatched';
      this.http.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  }

  observePrediction(model: string, seconds: number): void {
    this.prediction.observe({ model }, seconds);
  }

  setChampion(model: string, version: string | null): void {
    this.championVersion.set({ model }, version === null ? 0 : Number(version));
  }

  modelLoaded(model: string, ok: boolean): void {
    this.loads.inc({ model, result: ok ? 'success' : 'failure' });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  private trainingGauges(): void {
    const sources = () => this.training;
    const logger = this.logger;
    new Gauge({
      name: 'tsflow_training_jobs',
      help: 'Training jobs by kind (run, grid, candidate) and state, from the job records',
      labelNames: ['kind', 'state'] as const,
      registers: [this.registry],
      async collect() {
        const training = sources();
        if (!training) return;
        try {
          const rows = await training.jobCounts();
          this.reset();
          for (const row of rows) this.set({ kind: row.kind, state: row.state }, row.count);
        } catch (err) {
          this.reset();
          logger.warn(`training job counts unavailable: ${(err as Error).message}`);
        }
      },
    });
    new Gauge({
      name: 'tsflow_queue_depth',
      help: 'Trainable jobs in the queue: waiting for a worker, and active',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const training = sources();
        if (!training) return;
        try {
          const counts = await withTimeout(training.queueDepth(), QUEUE_TIMEOUT_MS);
          this.set({ state: 'waiting' }, counts.waiting);
          this.set({ state: 'active' }, counts.active);
        } catch (err) {
          this.reset();
          logger.warn(`queue depth unavailable: ${(err as Error).message}`);
        }
      },
    });
  }
}
