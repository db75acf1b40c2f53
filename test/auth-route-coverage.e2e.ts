import { describe, expect, it } from 'vitest';
import { ROUTE_RULES, ruleFor, ruleKey } from '../src/auth/rules/route-rules';
import { loadConfig } from '../src/config/app-config';
import { createApp } from '../src/main';

/** Every route the app registers, as `METHOD /url`, collected while Nest registers them. */
async function registeredRoutes(env: Record<string, string>): Promise<string[]> {
  const config = loadConfig({ MLFLOW_BACKEND_STORE_URI: 'sqlite://', LOG_LEVEL: 'error', ...env });
  const app = await createApp(config);
  const routes: string[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (r: { method: string | string[]; url: string }) => {
      for (const m of ([] as string[]).concat(r.method)) routes.push(`${m} ${r.url}`);
    });
  await app.init();
  await app.close();
  return routes;
}

describe('auth route coverage', () => {
  it('auth off mounts no auth route (and so no guard)', async () => {
    const routes = await registeredRoutes({});
    expect(routes.filter((r) => /\/users\/|\/permissions\/|\/auth\/tokens/.test(r))).toEqual([]);
  }, 60_000);

  it('every registered route has a line in src/auth/rules/route-rules.ts', async () => {
    const routes = await registeredRoutes({ TSFLOW_APP_NAME: 'basic-auth', TSFLOW_ADMIN_PASSWORD: 'coverage-pass' });
    expect(routes.length).toBeGreaterThan(100);
    const missing = routes
      .filter((r) => !r.startsWith('OPTIONS '))
      .filter((r) => {
        const [method, url] = r.split(' ');
        return !ruleFor(method, url);
      });
    // A new route needs a rule: add `'<METHOD> <path>': ...` to ROUTE_RULES (see its doc comment).
    expect(missing).toEqual([]);
  }, 60_000);

  it('has no stale rules (each rule names a registered route)', async () => {
    const routes = await registeredRoutes({ TSFLOW_APP_NAME: 'basic-auth', TSFLOW_ADMIN_PASSWORD: 'coverage-pass' });
    const keys = new Set(routes.map((r) => ruleKey(r.split(' ')[0], r.split(' ')[1])));
    expect(Object.keys(ROUTE_RULES).filter((k) => !keys.has(k))).toEqual([]);
  }, 60_000);
});
