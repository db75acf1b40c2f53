import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { setModelCheck } from '../common/http/model-check';
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
/** Scoring creates nothing. */
const NO_CREATIONS: Creations = { experimentNames: [], modelNames: [] };

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
    if (rule.access === 'scoring') return this.scoring(req, rule);
    const principal = await this.auth.authenticate(parseAuthorization(req.headers.authorization));
    if (principal.kind === 'scoring') throw permissionDenied();
    const user = requireUser(principal);
    const ctx: AuthContext = { user, rule, creations: { experimentNames: [], modelNames: [] } };
    (req as unknown as { [CONTEXT]: AuthContext })[CONTEXT] = ctx;
    await this.authorize(user, rule, view(req), ctx.creations);
    return true;
  }

  /**
   * Scoring clients (open scoring, the scoring token, any user) reach champions; the rule's
   * demands (another alias, a pinned version) need a user with READ, or the token. The same check
   * is left on the request for a model named inside a body the handler reads later.
   */
  private async scoring(req: FastifyRequest, rule: RouteRule): Promise<boolean> {
    let principal: Promise<Principal> | undefined;
    const check = async (args: Record<string, unknown>) => {
      const demands = rule.demands?.({ args, params: {}, headers: req.headers }) ?? [];
      if (demands.length === 0 && this.auth.scoringOpen) return;
      principal ??= this.auth.authenticate(parseAuthorization(req.headers.authorization));
      const caller = await principal;
      if (caller.kind === 'scoring') return;
      const user = requireUser(caller);
      if (user.isAdmin || (await this.demands.allowed(user, demands, NO_CREATIONS))) return;
      throw permissionDenied();
    };
    await check(view(req).args);
    setModelCheck(req, (model) => check({ model }));
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
