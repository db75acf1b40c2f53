import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { MetricsService } from '../common/metrics/metrics.service';

@ApiTags('Service')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'HTTP latency per route, prediction latency, champion version per model, model loads, training jobs by state, queue depth, and the Node.js process metrics.',
  })
  @ApiOkResponse({ schema: { type: 'string', example: 'tsflow_champion_version{model="lstm-msft"} 3' } })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.header('content-type', this.metrics.contentType());
    return this.metrics.metrics();
  }
}
