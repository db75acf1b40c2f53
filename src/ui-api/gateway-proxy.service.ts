import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

const TIMEOUT_MS = 60_000;

/**
 * MLflow's `/ajax-api/2.0/mlflow/gateway-proxy` (the prompt lab's route to the AI gateway at
 * MLFLOW_DEPLOYMENTS_TARGET). Without a target it answers as an empty gateway, as MLflow does;
 * with one, `gateway_path` is required and is forwarded below the target only (never to
 * another origin), `json_data` as the JSON body.
 */
@Injectable()
export class GatewayProxyService {
  private readonly target?: URL;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'deploymentsTarget'>) {
    this.target = config.deploymentsTarget ? new URL(config.deploymentsTarget) : undefined;
  }

  async forward(method: 'GET' | 'POST', args: Record<string, unknown>): Promise<unknown> {
    if (!this.target) return { endpoints: [] };
    const gatewayPath = args.gateway_path;
    if (typeof gatewayPath !== 'string' || gatewayPath === '') {
      throw MlflowError.invalid('Deployments proxy request must specify a gateway_path.');
    }
    const url = this.urlOf(gatewayPath);
    const jsonData = args.json_data;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: jsonData === undefined ? {} : { 'content-type': 'application/json' },
        body: jsonData === undefined || method === 'GET' ? undefined : JSON.stringify(jsonData),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'manual',
      });
    } catch (err) {
      throw new MlflowError(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        `Deployments proxy request to ${this.target.origin} failed: ${(err as Error).message}`,
      );
    }
    const text = await res.text();
    if (res.status !== 200) {
      throw new MlflowError(
        res.status >= 500 ? ErrorCode.TEMPORARILY_UNAVAILABLE : ErrorCode.INVALID_PARAMETER_VALUE,
        `Deployments proxy request failed with error code ${res.status}. Error message: ${text.slice(0, 1000)}`,
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new MlflowError(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        'Deployments proxy request: the gateway answered non-JSON.',
      );
    }
  }

  private urlOf(gatewayPath: string): URL {
    const target = this.target as URL;
    const base = target.href.replace(/\/+$/, '');
    const url = new URL(`${base}/${gatewayPath.replace(/^\/+/, '')}`);
    if (url.origin !== target.origin || gatewayPath.split(/[\\/]/).includes('..')) {
      throw MlflowError.invalid(`Invalid gateway_path '${gatewayPath.slice(0, 200)}'.`);
    }
    return url;
  }
}
