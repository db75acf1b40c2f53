import {
  applyDecorators,
  createParamDecorator,
  Delete,
  ExecutionContext,
  Get,
  HttpCode,
  Patch,
  Post,
} from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { MlflowError } from '../mlflow-error';
import { MessageSpec } from './fields';
import { fieldSchema, messageSchema } from './openapi';
import { normaliseQuery, parseMessage } from './parse';

export type RpcMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export const MLFLOW_PREFIXES = ['api/2.0', 'ajax-api/2.0'] as const;

export const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    error_code: { type: 'string', example: 'INVALID_PARAMETER_VALUE' },
    message: { type: 'string', example: "Missing value for required parameter 'run_id'." },
  },
  required: ['error_code', 'message'],
};

const ROUTE = { GET: Get, POST: Post, PATCH: Patch, DELETE: Delete } as const;

export interface RpcOptions {
  method: RpcMethod;
  /** Path below the service prefix, e.g. `runs/create`. */
  path: string;
  request: MessageSpec;
  response?: MessageSpec;
  summary: string;
  description?: string;
  /** Service base path (`mlflow` or `mlflow-artifacts`). */
  service?: string;
  /** API versions routed (default `2.0`); MLflow 3's trace routes live under `3.0`. */
  versions?: readonly ('2.0' | '3.0')[];
}

function requestDocs(opts: RpcOptions): MethodDecorator[] {
  if (opts.method === 'GET') {
    return Object.entries(opts.request).map(([name, field]) =>
      ApiQuery({
        name,
        required: field.def.required,
        schema: fieldSchema(field.def),
        isArray: field.def.repeated,
        description: field.def.description,
      }),
    );
  }
  return [ApiBody({ schema: messageSchema(opts.request) })];
}

/**
 * One MLflow RPC: routed under both `/api/2.0` and `/ajax-api/2.0`, answering HTTP 200 with
 * a JSON object, documented in Swagger from the same message spec that validates it.
 */
export function MlflowRpc(opts: RpcOptions): MethodDecorator {
  const service = opts.service ?? 'mlflow';
  const prefixes = (opts.versions ?? ['2.0']).flatMap((v) => MLFLOW_PREFIXES.map((p) => p.replace('2.0', v)));
  const paths = prefixes.map((p) => `${p}/${service}/${opts.path}`);
  return applyDecorators(
    ROUTE[opts.method](paths),
    HttpCode(200),
    ApiTags(`MLflow ${service === 'mlflow' ? opts.path.split('/')[0] : service}`),
    ApiOperation({ summary: opts.summary, description: opts.description }),
    ...requestDocs(opts),
    ApiOkResponse({ schema: messageSchema(opts.response ?? {}) }),
    ApiResponse({ status: 400, description: 'Invalid request (MLflow error body)', schema: ERROR_SCHEMA }),
    ApiResponse({ status: 404, description: 'Unknown resource (MLflow error body)', schema: ERROR_SCHEMA }),
  );
}

interface RequestLike {
  method: string;
  query?: Record<string, unknown>;
  body?: unknown;
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  throw MlflowError.invalid('Invalid request body: expected a JSON object.');
}

const hasKeys = (o: object | undefined): o is Record<string, unknown> => !!o && Object.keys(o).length > 0;

/** Where MLflow reads arguments from, per HTTP method (mlflow-api.md §1.2). */
export function requestArgs(spec: MessageSpec, req: RequestLike): Record<string, unknown> {
  const method = req.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') {
    return hasKeys(req.query) ? normaliseQuery(spec, req.query) : asObject(req.body);
  }
  if (method === 'DELETE' || method === 'PATCH') {
    const body = asObject(req.body);
    return hasKeys(body) ? body : normaliseQuery(spec, req.query ?? {});
  }
  return asObject(req.body);
}

/** Parameter decorator: the request's arguments, validated against `spec`. */
export const RpcArgs = createParamDecorator((spec: MessageSpec, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<RequestLike>();
  return parseMessage(spec, requestArgs(spec, req));
});
