import { AppConfig, checkedConfig, ConfigError, loadConfig } from './app-config';

/**
 * How a parent process (the API with its embedded driver, a worker) hands its configuration to
 * the job processes it forks: it may come from CLI flags, not only from the environment.
 */
export const CONFIG_ENV = 'TSFLOW_CONFIG_JSON';

/** The handed-over configuration, validated with the server's schema; else the environment's. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const json = env[CONFIG_ENV];
  if (!json) return loadConfig(env);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${CONFIG_ENV} is not JSON (${(err as Error).message})`);
  }
  return checkedConfig(value);
}

export function envWithConfig(config: AppConfig, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, [CONFIG_ENV]: JSON.stringify(config) };
}
