import { TrainingInputError } from '../errors';
import { naiveFamily, seasonalNaiveFamily } from './naive';
import { ensembleFamily } from './ensemble';
import { etsFamily } from './ets';
import { globalMlpFamily } from './global-mlp';
import { mstlFamily } from './mstl';
import { naive2Family } from './naive2';
import { sesFamily, thetaFamily } from './theta';
import { SeriesModelFamily } from './series-model';
import { calibratedFamily } from './calibrated';

export * from './series-model';
export { parseTransform, TRANSFORMS, transformPanel, withTransform } from './transformed';
export type { TargetTransform } from './transformed';

/** Every model family by its `model` param value, its intervals conformally calibrated (see calibrated.ts). */
export const MODEL_FAMILIES: ReadonlyMap<string, SeriesModelFamily> = new Map(
  [
    naiveFamily,
    seasonalNaiveFamily,
    naive2Family,
    sesFamily,
    etsFamily,
    thetaFamily,
    mstlFamily,
    globalMlpFamily,
    ensembleFamily((name) => modelFamily(name)),
  ].map((f) => [f.name, calibratedFamily(f)]),
);

export const MODEL_FAMILY_NAMES: readonly string[] = [...MODEL_FAMILIES.keys()];

/** The family named `name`, or a TrainingInputError listing the known ones. */
export function modelFamily(name: unknown): SeriesModelFamily {
  const family = typeof name === 'string' ? MODEL_FAMILIES.get(name) : undefined;
  if (!family)
    throw new TrainingInputError(`model must be one of ${MODEL_FAMILY_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  return family;
}
