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
      'Per key, the runs\' histories reduced to what a chart `points` pixels wide can show, as one `application/octet-stream` frame. By step (no `timestamps`) and above 50,000 stored points per key, from pre-sampled summaries kept on the write path: every run on one shared step grid (steps sent once per key), each bucket drawn as its first point, its minimum and maximum in step order and its last point, with fewer buckets per run as runs grow (about 400,000 values per key). Otherwise every point is read and each series keeps the first, last, minimum and maximum of points/4 buckets (NaN and ±Infinity kept). Layout: "TSH2", u32 LE header length, JSON header `{timestamps, groups: [{key, shared, f32, series: [{run_id, points, total}]}]}`, padding to 8 bytes, then per group: with `shared` > 0, float64 steps[shared] then per series values[shared]; otherwise per series float64 steps, float64 timestamps (with `timestamps`) and values, padded to 8 bytes; each group padded to 8 bytes. Values are float32 when `f32` (every value of the key fits one), else float64. Runs without the key are left out. The MLflow endpoints (get-history, get-history-bulk-interval) are unchanged.',
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
