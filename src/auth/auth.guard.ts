import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { AuthService, unauthenticated } from './auth.service';
import type { Principal, User } from './auth.types';
import { parseAuthorization } from './credentials';
import { permissionDenied } from './permissions';
import { Creations, DemandChecker } from './rules/demand-checker';
import { mergedArgs, one, RequestView } from './rules/request-view';
import { RouteRule, ruleFor, ruleKey } from './rules/route-rules';

/** What the guard leaves on the request for the after-hooks (grants, result filters). */
export interface AuthContext {
  user?: User;
  rule: RouteRule;
  creations: Creations;
}

const CONTEXT = Symbol('tsflow.auth');

export function authContext(req: object): AuthContext | undefined {
  return (req as { [CONTEXT]?: AuthContext })[CONTEXT];
}

function view(req: FastifyRequest): RequestView {
  const body = req.body;
  const bodyArgs = body && typeof body === 'object' && !Array.isArray(body) && !('pipe' in body) ? body : {};
  return {
    args: mergedArgs((req.query as Record<string, unknown>) ?? {}, bodyArgs as Record<string, unknown>),
    params: (req.params as Record<string, string | undefined>) ?? {},
    headers: req.headers,
  };
}

/**
 * The one global guard (basic-auth mode): authenticates the caller, looks the route up in
 * ROUTE_RULES and checks the permissions it demands. A route without a rule is refused, so a
 * forgotten line fails closed (and the route-coverage test names it).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly demands: DemandChecker,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.auth.enabled || context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const url = req.routeOptions?.url ?? '';
    const rule = ruleFor(req.method, url);
    if (!rule) throw new MlflowError(ErrorCode.PERMISSION_DENIED, `No access rule for ${ruleKey(req.method, url)}.`);
    if (rule.access === 'public') return true;
    if (rule.access === 'scoring' && this.auth.scoringOpen) return true;
    const principal = await this.auth.authenticate(parseAuthorization(req.headers.authorization));
    if (principal.kind === 'scoring') {
      if (rule.access === 'scoring') return true;
      throw permissionDenied();
    }
    const user = requireUser(principal);
    const ctx: AuthContext = { user, rule, creations: { experimentNames: [], modelNames: [] } };
    (req as unknown as { [CONTEXT]: AuthContext })[CONTEXT] = ctx;
    await this.authorize(user, rule, view(req), ctx.creations);
    return true;
  }

  private async authorize(user: User, rule: RouteRule, request: RequestView, creations: Creations): Promise<void> {
    if (rule.access === 'admin' && !user.isAdmin) throw permissionDenied();
    if (rule.access === 'self' && !user.isAdmin && one(request, 'username') !== user.username) throw permissionDenied();
    if (!rule.demands) return;
    const demands = rule.demands(request);
    if (user.isAdmin) {
      // Admins may do anything; what they create still gets its creator grant.
      await this.demands.allowed({ ...user, isAdmin: true }, demands, creations);
      return;
    }
    if (!(await this.demands.allowed(user, demands, creations))) throw permissionDenied();
  }
}

function requireUser(principal: Principal): User {
  if (principal.kind !== 'user') throw unauthenticated();
  return principal.user;
}
