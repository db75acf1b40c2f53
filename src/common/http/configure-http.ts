import type { Readable } from 'node:stream';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/app-config';
import { ErrorCode, MlflowError } from '../mlflow-error';
import { MlflowExceptionFilter } from '../mlflow-exception.filter';
import { parseJsonBody, readText, setBodyIdleTimeout } from './body';
import { HttpEdge } from './edge';

/** Route config flag (via `@RouteConfig({ rawBody: true })`): the handler gets the body stream. */
export interface RawBodyRouteConfig {
  rawBody?: boolean;
  /** A raw body the handler still reads into memory (CSV upload): it counts as a large body. */
  buffered?: boolean;
}

type HttpOptions = Pick<AppConfig, 'maxBodyBytes' | 'http'>;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function isRaw(req: FastifyRequest): boolean {
  return (req.routeOptions?.config as RawBodyRouteConfig | undefined)?.rawBody === true;
}

function mediaType(header: string): string {
  return header.split(';')[0].trim().toLowerCase();
}

function isBuffered(req: FastifyRequest): boolean {
  const config = req.routeOptions?.config as RawBodyRouteConfig | undefined;
  return config?.rawBody !== true || config.buffered === true;
}

export function createHttpAdapter(options: HttpOptions): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: options.maxBodyBytes,
    // `//model-versions/get-artifact` reaches its route, as in MLflow (Werkzeug merges slashes).
    routerOptions: { maxParamLength: 4096, ignoreDuplicateSlashes: true },
    // Artifact transfers may take long: the whole-request deadline is generous (1 h by default),
    // but a connection that sends nothing for a while is cut (JSON bodies: the idle timeout).
    requestTimeout: options.http.requestTimeoutMs,
    connectionTimeout: 4 * options.http.bodyIdleTimeoutMs,
    keepAliveTimeout: 65_000,
    // Draining answers MLflow-shaped 503s itself (HttpEdge), not Fastify's.
    return503OnClosing: false,
    // After the drain (HttpEdge), close: connections still open then (a stalled upload) are cut.
    forceCloseConnections: true,
    // Fastify refuses malformed URLs (bad % escapes) before routing: answer in MLflow's shape, echo nothing.
    frameworkErrors: (error: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const badUrl = error.code === 'FST_ERR_BAD_URL';
      reply
        .code(400)
        .type('application/json')
        .send({ error_code: ErrorCode.INVALID_PARAMETER_VALUE, message: badUrl ? 'Invalid path' : 'Bad request.' });
    },
  });
}

/** MLflow's CSRF defence (CVE-2023-43472): JSON POST/PUT must say application/json. Never echo the header. */
function checkContentType(req: FastifyRequest): void {
  if ((req.method !== 'POST' && req.method !== 'PUT') || isRaw(req) || req.is404) return;
  const header = req.headers['content-type'];
  if (!header) throw MlflowError.invalid('Bad Request. Content-Type header is missing.');
  if (mediaType(header) !== 'application/json') {
    throw MlflowError.invalid("Bad Request. Content-Type must be one of ['application/json'].");
  }
}

function checkMethod(fastify: FastifyInstance, req: FastifyRequest): void {
  if (!req.is404) return;
  const url = req.url.split('?')[0];
  if (METHODS.some((method) => method !== req.method && fastify.hasRoute({ url, method }))) {
    throw new MlflowError(ErrorCode.METHOD_NOT_ALLOWED, `The method ${req.method} is not allowed for ${url}.`);
  }
}

/** A NUL byte in a path parameter is never a valid name or id (and Postgres cannot even compare it). */
function checkParams(req: FastifyRequest): void {
  const params = (req.params ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string' || !value.includes('\u0000')) continue;
    // Artifact paths answer exactly as the path validation does.
    throw MlflowError.invalid(name === '*' ? 'Invalid path' : `Invalid value for path parameter '${name}': NUL byte.`);
  }
}

function hasBody(req: FastifyRequest): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Body handling for the whole API: JSON routes parse (leniently, like MLflow) with a size
 * limit; raw routes (artifact upload, scoring input) receive the untouched stream; GET with
 * an empty query string may carry its arguments as a JSON body.
 */
export function configureHttp(app: NestFastifyApplication, options: HttpOptions): HttpEdge {
  const { maxBodyBytes } = options;
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  setBodyIdleTimeout(options.http.bodyIdleTimeoutMs);
  const edge = new HttpEdge(options.http);
  edge.install(fastify, isBuffered);
  fastify.removeAllContentTypeParsers();
  const parser = (req: FastifyRequest, payload: Readable, done: (err: Error | null, body?: unknown) => void) => {
    if (isRaw(req)) return done(null, payload);
    // Unknown routes answer 404 ENDPOINT_NOT_FOUND whatever the body: never parse it (Node drains it).
    if (req.is404) return done(null, undefined);
    readText(payload, maxBodyBytes)
      .then(parseJsonBody)
      .then(
        (body) => done(null, body),
        (err) => done(err),
      );
  };
  fastify.addContentTypeParser('application/json', parser);
  fastify.addContentTypeParser('*', parser);
  fastify.addHook('onRequest', async (req) => {
    checkMethod(fastify, req);
    checkContentType(req);
    checkParams(req);
  });
  fastify.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'GET' || req.body !== undefined || isRaw(req) || req.is404 || !hasBody(req)) return;
    if (Object.keys((req.query as object) ?? {}).length > 0) return;
    try {
      req.body = parseJsonBody(await readText(req.raw, maxBodyBytes));
    } catch (err) {
      // As fastify does for parser errors: an unread body rest would be parsed as the next
      // request on this keep-alive connection and hang it.
      reply.header('connection', 'close');
      throw err;
    }
  });
  app.useGlobalFilters(new MlflowExceptionFilter());
  return edge;
}
