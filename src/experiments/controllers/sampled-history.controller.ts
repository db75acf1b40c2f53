import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { f, Infer, message } from '../../common/proto/fields';
import { ERROR_SCHEMA, RpcArgs } from '../../common/proto/rpc.decorator';
import { FRAME_CONTENT_TYPE } from '../history/frame';
import { SampledHistoryService } from '../history/sampled-history.service';

const SampledReq = message({
  run_ids: f.repeated(f.string()).required().doc('Run ids (at most 2000)'),
  metric_keys: f.repeated(f.string()).required().doc('Metric keys (at most 50)', ['loss']),
  points: f.int32().doc('Points per series: the chart width in pixels (8..10000, default 1000)', 1000),
  timestamps: f.bool().doc('Also send each point timestamp (relative-time axis)'),
});

@ApiTags('Runs (web UI)')
@Controller('api/v1/metrics')
export class SampledHistoryController {
  constructor(private readonly sampled: SampledHistoryService) {}

  @Post('history-sampled')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Chart-ready metric histories of many runs (down-sampled, binary)',
    description:
      'Each (run, key) history reduced to about `points` points keeping its shape (first, last, minimum and maximum of every bucket of points/4 buckets; NaN and ±Infinity kept), as one `application/octet-stream` frame: "TSH1", u32 LE header length, a JSON header `{timestamps, series: [{run_id, key, points, total}]}`, padding to 8 bytes, then per series float64 LE steps, values and (with `timestamps`) timestamps. Series without points are left out. The MLflow endpoints (get-history, get-history-bulk-interval) are unchanged.',
  })
  @ApiBody({ schema: { type: 'object', example: { run_ids: ['0a1b2c3d'], metric_keys: ['loss'], points: 800 } } })
  @ApiProduces(FRAME_CONTENT_TYPE)
  @ApiResponse({ status: 200, description: 'The binary frame' })
  @ApiResponse({ status: 400, description: 'Bad request', schema: ERROR_SCHEMA })
  async sample(@RpcArgs(SampledReq) a: Infer<typeof SampledReq>, @Res() reply: FastifyReply): Promise<void> {
    const frame = await this.sampled.sample({
      runIds: a.run_ids,
      keys: a.metric_keys,
      points: a.points ?? 1000,
      timestamps: a.timestamps ?? false,
    });
    reply.header('content-type', FRAME_CONTENT_TYPE).header('cache-control', 'no-store').send(frame);
  }
}
