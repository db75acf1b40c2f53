import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/**
 * The process's metrics registry, global so that serving, training and HTTP record into it
 * without importing each other; monitoring/ renders it at GET /metrics.
 */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
