import { Controller, Get, Header, HttpCode, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TrackingStore } from '../experiments/tracking.store';

@ApiTags('Service')
@Controller()
export class HealthController {
  constructor(
    private readonly store: TrackingStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('health')
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'Liveness: answers OK when the backend store is reachable (503 otherwise)' })
  @ApiOkResponse({ schema: { type: 'string', example: 'OK' } })
  async health(): Promise<string> {
    try {
      await this.store.ping();
    } catch (err) {
      throw new MlflowError(ErrorCode.TEMPORARILY_UNAVAILABLE, `Backend store unreachable: ${(err as Error).message}`);
    }
    return 'OK';
  }

  @Get('version')
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'The MLflow version this server is compatible with (a plain PEP 440 version)' })
  @ApiOkResponse({ schema: { type: 'string', example: '2.22.0' } })
  version(): string {
    return this.config.mlflowVersion;
  }
}
