import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildOpenApi } from '../src/common/http/swagger';
import { loadConfig } from '../src/config/app-config';
import { createApp } from '../src/main';

/**
 * Writes openapi.json (the Swagger document of every route) at the repository root, or with
 * --check fails when the committed file is stale.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const target = path.join(root, 'openapi.json');
  const config = loadConfig(
    {
      MLFLOW_BACKEND_STORE_URI: 'sqlite://',
      LOG_LEVEL: 'error',
      MLFLOW_ARTIFACTS_DESTINATION: path.join(root, 'artifacts'),
      // The auth app's routes are documented too (they exist only in basic-auth mode).
      TSFLOW_APP_NAME: 'basic-auth',
      TSFLOW_ADMIN_PASSWORD: 'openapi-generation',
    },
    root,
  );
  const app = await createApp(config);
  await app.init();
  const doc = `${JSON.stringify(sortKeys(buildOpenApi(app)), null, 2)}\n`;
  await app.close();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (current !== doc) {
      console.error('openapi.json is stale: run `npm run openapi` and commit the result.');
      process.exit(1);
    }
    console.log('openapi.json is up to date.');
    return;
  }
  fs.writeFileSync(target, doc);
  console.log(`wrote ${target}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
