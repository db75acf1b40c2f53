import { Controller, Get, Header, HttpCode, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TrackingStore } from '../experiments/tracking.store';
import { ChampionModelHolder } from '../serving/champion-model.holder';

@ApiTags('Service')
@Controller()
export class HealthController {
  constructor(
    private readonly store: TrackingStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly champions: ChampionModelHolder,
  ) {}

  @Get('health')
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({
    summary: 'Liveness: OK when the backend store is reachable (503 otherwise)',
    description:
      'When a champion model failed to load, still 200 (the previous champion keeps serving) but the body starts with DEGRADED and names each failure.',
  })
  @ApiOkResponse({ schema: { type: 'string', example: 'OK' } })
  async health(): Promise<string> {
    try {
      await this.store.ping();
    } catch (err) {
      throw new MlflowError(ErrorCode.TEMPORARILY_UNAVAILABLE, `Backend store unreachable: ${(err as Error).message}`);
    }
    // A failed model load is reported, not fatal: restarting would not fix the model files.
    const failures = this.champions.status().filter((m) => m.last_failure);
    if (failures.length === 0) return 'OK';
    const lines = failures.map((m) => {
      const f = m.last_failure!;
      const serving = m.version ? `serving version ${m.version}` : 'nothing served';
      const what = f.servable ? 'failed to load' : 'cannot be served';
      return `model '${m.name}': champion version ${f.version} ${what} at ${new Date(f.at).toISOString()} (${serving}): ${f.message}`;
    });
    return ['DEGRADED', ...lines].join('\n');
  }

  @Get('version')
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'The MLflow version this server is compatible with (a plain PEP 440 version)' })
  @ApiOkResponse({ schema: { type: 'string', example: '3.6.0' } })
  version(): string {
    return this.config.mlflowVersion;
  }
}
