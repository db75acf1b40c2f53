import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { MODEL_FILES } from '../training/core/predictor';

/**
 * Refuses, with the reason in words, a model directory that is not a tsflow forecaster (a
 * sklearn or pyfunc model registered as champion), instead of failing on a missing file.
 */
export async function assertTsflowModel(dir: string, uri: string): Promise<void> {
  const has = (file: string) =>
    fs.access(path.join(dir, file)).then(
      () => true,
      () => false,
    );
  if (await has(MODEL_FILES.preprocessing)) return;
  let flavors: string[] = [];
  try {
    const doc = yaml.load(await fs.readFile(path.join(dir, MODEL_FILES.mlmodel), 'utf8')) as {
      flavors?: Record<string, unknown>;
    };
    flavors = Object.keys(doc?.flavors ?? {});
  } catch {
    // No readable MLmodel: the message says so.
  }
  const what = flavors.length ? `its MLmodel flavors are ${flavors.join(', ')}` : 'it has no readable MLmodel';
  throw new Error(
    `${uri} is not a tsflow model (${what}, and no ${MODEL_FILES.preprocessing}): this server serves the ` +
      'forecasters its own training logs; register one of those as champion',
  );
}
