import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config';
import { CONFIG_ENV, configFromEnv, envWithConfig } from './config-handoff';

describe('configuration handed to job processes (TSFLOW_CONFIG_JSON)', () => {
  const config = loadConfig({ REDIS_URL: 'redis://h:6379', TSFLOW_WORKER_CONCURRENCY: '2' }, '/srv');

  it('round-trips through the environment of a child process', () => {
    const env = envWithConfig(config, {});
    expect(configFromEnv(env)).toEqual(config);
  });

  it("is checked with the server's schema: same limits, no unknown or missing keys", () => {
    const tampered = (patch: (c: Record<string, any>) => void) => {
      const c = JSON.parse(JSON.stringify(config));
      patch(c);
      return () => configFromEnv({ [CONFIG_ENV]: JSON.stringify(c) });
    };
    expect(tampered((c) => (c.jobs.concurrency = 0))).toThrow(/jobs\.concurrency/);
    expect(tampered((c) => (c.port = 'x'))).toThrow(/port/);
    expect(tampered((c) => (c.database = { type: 'mysql', url: 'm' }))).toThrow(ConfigError);
    expect(tampered((c) => delete c.jobs.attempts)).toThrow(/jobs\.attempts/);
    expect(tampered((c) => (c.extra = true))).toThrow(ConfigError);
    expect(() => configFromEnv({ [CONFIG_ENV]: '{not json' })).toThrow(/TSFLOW_CONFIG_JSON is not JSON/);
  });

  it('falls back to the environment when nothing is handed over', () => {
    expect(configFromEnv({ TSFLOW_JOB_ATTEMPTS: '5' }).jobs.attempts).toBe(5);
  });
});
