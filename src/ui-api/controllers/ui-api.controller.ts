import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { runToWire } from '../../experiments/dtos/tracking.mapper';
import { GatewayProxyService } from '../gateway-proxy.service';
import { parsePromptlabRequest } from '../promptlab';
import { PromptlabService } from '../promptlab.service';

const PREFIX = 'ajax-api/2.0/mlflow';

/** MLflow UI helper routes served under /ajax-api only, as MLflow serves them. */
@ApiTags('MLflow UI helpers')
@Controller()
export class UiApiController {
  constructor(
    private readonly promptlab: PromptlabService,
    private readonly gateway: GatewayProxyService,
  ) {}

  @Post(`${PREFIX}/runs/create-promptlab-run`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a prompt-lab evaluation as a finished run (eval table and model artifacts)' })
  @ApiBody({
    schema: {
      type: 'object',
      example: {
        experiment_id: '1',
        prompt_template: 'Answer {{question}}',
        prompt_parameters: [{ key: 'question', value: 'Why?' }],
        model_route: 'chat',
        model_input: 'Answer Why?',
        model_output: 'Because.',
        mlflow_version: '2.12.1',
      },
    },
  })
  async createPromptlabRun(@Body() body: unknown) {
    return { run: runToWire(await this.promptlab.create(parsePromptlabRequest(body))) };
  }

  @Get(`${PREFIX}/gateway-proxy`)
  @ApiOperation({ summary: 'Forward to the AI gateway (MLFLOW_DEPLOYMENTS_TARGET); {"endpoints": []} without one' })
  gatewayGet(@Query() query: Record<string, unknown>) {
    return this.gateway.forward('GET', query);
  }

  @Post(`${PREFIX}/gateway-proxy`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Forward to the AI gateway: {"gateway_path": ..., "json_data": {...}}' })
  @ApiBody({ schema: { type: 'object', example: { gateway_path: 'api/2.0/endpoints/', json_data: {} } } })
  gatewayPost(@Body() body: unknown) {
    const args = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    return this.gateway.forward('POST', args);
  }
}
