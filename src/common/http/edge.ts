import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpConfig } from '../../config/app-config';
import { ErrorCode, MlflowError } from '../mlflow-error';
import { repeatedSingleValuedHeader } from './duplicate-headers';
import { hostMatcher, originMatcher } from './host-check';

function send(reply: FastifyReply, error: MlflowError, close = false): FastifyReply {
  if (close) reply.header('connection', 'close');
  return reply.code(error.status).type('application/json').send(error.toJSON());
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host.toLowerCase() === (host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The edge checks every request passes before routing: Host allow-list (DNS rebinding), CORS
 * (allowed origins get the headers; other origins may not change state), and draining during
 * shutdown (a clean MLflow 503, never Fastify's own shape).
 */
export class HttpEdge {
  private inflight = 0;
  private draining = false;
  private idle: (() => void)[] = [];
  private largeBodies = 0;

  constructor(private readonly config: HttpConfig) {}

  install(fastify: FastifyInstance, isBuffered: (req: FastifyRequest) => boolean): void {
    const hostOk = hostMatcher(this.config.allowedHosts);
    const originOk = originMatcher(this.config.corsOrigins);
    fastify.addHook('preClose', async () => {
      this.draining = true;
    });
    fastify.addHook('onRequest', async (req, reply) => {
      if (this.draining)
        return send(reply, new MlflowError(ErrorCode.TEMPORARILY_UNAVAILABLE, 'Server is shutting down; retry.'), true);
      const repeated = repeatedSingleValuedHeader(req.raw.rawHeaders);
      if (repeated !== undefined) return send(reply, MlflowError.invalid(`Header '${repeated}' must be sent once.`));
      if (!hostOk(req.headers.host))
        return send(
          reply,
          new MlflowError(ErrorCode.PERMISSION_DENIED, 'Invalid Host header: not in the allowed hosts.'),
        );
      const origin = req.headers.origin;
      if (origin !== undefined && !sameOrigin(origin, req.headers.host)) {
        if (originOk(origin)) {
          reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
          if (req.method === 'OPTIONS') {
            return reply
              .code(204)
              .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
              .header(
                'access-control-allow-headers',
                req.headers['access-control-request-headers'] ?? 'content-type, authorization',
              )
              .header('access-control-max-age', '600')
              .send();
          }
        } else if (!SAFE.has(req.method)) {
          return send(
            reply,
            new MlflowError(ErrorCode.PERMISSION_DENIED, 'Cross-origin request blocked: origin not allowed.'),
          );
        }
      }
      this.track(req, reply);
      if (isBuffered(req) && this.isLarge(req)) this.admitLarge(reply);
      return undefined;
    });
  }

  private track(req: FastifyRequest, reply: FastifyReply): void {
    this.inflight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inflight--;
      if (this.inflight === 0) for (const resolve of this.idle.splice(0)) resolve();
    };
    reply.raw.once('finish', finish);
    reply.raw.once('close', finish);
    req.raw.once('error', () => undefined);
  }

  private isLarge(req: FastifyRequest): boolean {
    const declared = Number(req.headers['content-length'] ?? 0);
    return declared >= this.config.largeBodyBytes || req.headers['transfer-encoding'] !== undefined;
  }

  /** Bodies read into memory are capped in number, so concurrent large uploads cannot exhaust it. */
  private admitLarge(reply: FastifyReply): void {
    if (this.largeBodies >= this.config.maxConcurrentLargeBodies) {
      reply.header('retry-after', '1').header('connection', 'close');
      throw new MlflowError(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        `Too many large request bodies at once (at most ${this.config.maxConcurrentLargeBodies}); retry shortly.`,
      );
    }
    this.largeBodies++;
    let released = false;
    const release = () => {
      if (!released) this.largeBodies--;
      released = true;
    };
    reply.raw.once('finish', release);
    reply.raw.once('close', release);
  }

  /** New requests get 503 from now on; resolves when the ones in flight are answered (or after `timeoutMs`). */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    if (this.inflight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
