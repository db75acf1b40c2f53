import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { AuthGuard } from './auth.guard';
import type { AuthService } from './auth.service';
import type { Principal } from './auth.types';
import type { Demand } from './rules/demand';
import type { DemandChecker } from './rules/demand-checker';

/**
 * Scoring exposes champions to every scoring client; naming another alias or a pinned version
 * needs READ on the model (issue 21: no walk-around for a user without grants).
 */
function guard(opts: { open: boolean; principal: Principal; readable: string[] }) {
  const seen: Demand[][] = [];
  const auth = {
    enabled: true,
    scoringOpen: opts.open,
    authenticate: async () => opts.principal,
  } as unknown as AuthService;
  const checker = {
    allowed: async (_user: unknown, demands: Demand[]) => {
      seen.push(demands);
      return demands.every((d) => d.kind === 'model' && d.ids.every((id) => opts.readable.includes(id as string)));
    },
  } as unknown as DemandChecker;
  return { guard: new AuthGuard(auth, checker), seen };
}

function context(method: string, url: string, query: Record<string, unknown>, body?: unknown): ExecutionContext {
  const req = { method, routeOptions: { url }, query, body, params: {}, headers: {} };
  return { getType: () => 'http', switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
}

const errorCode = async (p: Promise<unknown>) =>
  p.then(
    () => 'allowed',
    (e: unknown) => (e instanceof MlflowError ? e.code : String(e)),
  );

const mallory: Principal = { kind: 'user', user: { id: 2, username: 'mallory', isAdmin: false } };
const rita: Principal = { kind: 'user', user: { id: 3, username: 'rita', isAdmin: false } };
const CHAMPION_REFS = ['m', 'm@champion', undefined];
const OTHER_REFS = ['m@staging', 'm/3', 'm@Champion'];

const requests = (ref: string | undefined) => [
  context('POST', '/invocations', ref === undefined ? {} : { model: ref }, { inputs: [[1]] }),
  context('POST', '/invocations', {}, ref === undefined ? { inputs: [[1]] } : { model: ref, inputs: [[1]] }),
  context('POST', '/predict', {}, ref === undefined ? { values: [1] } : { model: ref, values: [1] }),
  context('GET', '/ping', ref === undefined ? {} : { model: ref }),
];

describe('AuthGuard on scoring routes', () => {
  it('open scoring serves champions to anyone; another alias or version asks for a user', async () => {
    for (const ref of CHAMPION_REFS)
      for (const ctx of requests(ref)) {
        const { guard: g } = guard({ open: true, principal: { kind: 'anonymous' }, readable: [] });
        expect(await errorCode(g.canActivate(ctx)), String(ref)).toBe('allowed');
      }
    for (const ref of OTHER_REFS)
      for (const ctx of requests(ref)) {
        const { guard: g } = guard({ open: true, principal: { kind: 'anonymous' }, readable: [] });
        expect(await errorCode(g.canActivate(ctx)), ref).toBe(ErrorCode.UNAUTHENTICATED);
      }
  });

  it('a user without READ on the model gets champions only; with READ every alias and version', async () => {
    for (const open of [true, false]) {
      for (const ref of CHAMPION_REFS)
        for (const ctx of requests(ref)) {
          const { guard: g } = guard({ open, principal: mallory, readable: [] });
          expect(await errorCode(g.canActivate(ctx)), String(ref)).toBe('allowed');
        }
      for (const ref of OTHER_REFS)
        for (const ctx of requests(ref)) {
          const denied = guard({ open, principal: mallory, readable: [] });
          expect(await errorCode(denied.guard.canActivate(ctx)), ref).toBe(ErrorCode.PERMISSION_DENIED);
          expect(denied.seen.at(-1)).toEqual([{ kind: 'model', ability: 'read', ids: ['m'] }]);
          const allowed = guard({ open, principal: rita, readable: ['m'] });
          expect(await errorCode(allowed.guard.canActivate(ctx)), ref).toBe('allowed');
        }
    }
  });

  it('the scoring token reaches every alias and version (an application credential of the admin)', async () => {
    for (const ref of [...CHAMPION_REFS, ...OTHER_REFS])
      for (const ctx of requests(ref)) {
        const { guard: g } = guard({ open: false, principal: { kind: 'scoring' }, readable: [] });
        expect(await errorCode(g.canActivate(ctx)), String(ref)).toBe('allowed');
      }
  });

  it('a model named differently in the query and the body is a 400 before any permission', async () => {
    const { guard: g } = guard({ open: true, principal: { kind: 'anonymous' }, readable: [] });
    const ctx = context('POST', '/invocations', { model: 'm' }, { model: 'm@staging', inputs: [[1]] });
    expect(await errorCode(g.canActivate(ctx))).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
  });
});
