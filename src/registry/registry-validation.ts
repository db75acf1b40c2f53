import { MlflowError } from '../common/mlflow-error';
import { missingValue } from '../common/proto/parse';
import type { Clause } from '../common/search';
import { checkLength, LIMITS, validateKey } from '../common/validation';
import { versionNotFound } from './registry-errors';
import { KeyValue, PROMPT_TAG, Stage, STAGES } from './registry.types';

/** Registry input rules (mlflow-api.md §5, §7.3). Pure functions: services call them before any I/O. */

const ALIAS_CHARS = /^[\p{L}\p{N}\p{M}_-]+$/u;
const VERSION_ALIAS = /^[vV]\d+$/;
const INTEGER = /^\s*[+-]?\d+\s*$/;
const MAX_ALIAS_LENGTH = 255;

/**
 * Registered model names (hardening adopted from MLflow 3.x and the file store): no `/`, `\`
 * or `:` (names were used as paths: CVE-2023-1176), no `%` (URL-encoded twins of other names:
 * CVE-2024-3099), no control characters, and nothing that path normalisation would change.
 */
export function validateModelName(name: string | undefined, param = 'name'): string {
  if (name === undefined || name === '') throw missingValue(param);
  const bad = (why: string) => MlflowError.invalid(`Invalid model name '${name}' for parameter '${param}': ${why}`);
  if (/[/\\:%]/.test(name)) throw bad("names cannot contain '/', '\\', ':' or '%'.");
  if (/[\u0000-\u001f\u007f]/.test(name)) throw bad('names cannot contain control characters.');
  if (name === '.' || name === '..' || name.trim() !== name) {
    throw bad('names must be normalized (no surrounding whitespace, not "." or "..").');
  }
  return checkLength(name, LIMITS.registeredModelName, param);
}

/** Version arguments are integer strings (`"3"`); MLflow's exact message (`_validate_model_version`) otherwise. */
export function parseVersion(version: string | number | undefined, param = 'version'): number {
  if (version === undefined || version === '') throw missingValue(param);
  const text = String(version);
  if (!INTEGER.test(text)) throw MlflowError.invalid(`Model version must be an integer, got '${text}'`);
  return Number(text.trim());
}

/** True when the number can name a stored version (callers answer 404 otherwise). */
export const isStorableVersion = (v: number) => Number.isSafeInteger(v) && v >= 1;

/** A version argument of model `name` as a number; numbers no version can have are "not found". */
export function versionNumber(name: string, version: string | number | undefined): number {
  const n = parseVersion(version);
  if (!isStorableVersion(n)) throw versionNotFound(name, String(version).trim());
  return n;
}

/** Stage names are case-insensitive on input and canonicalised. */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.trim().toLowerCase());
  if (!found) {
    throw MlflowError.invalid(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  }
  return found;
}

export function validateAlias(alias: string | undefined): string {
  if (alias === undefined || alias === '') throw MlflowError.invalid('Registered model alias name cannot be empty.');
  if (!ALIAS_CHARS.test(alias)) {
    throw MlflowError.invalid(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.length > MAX_ALIAS_LENGTH) {
    throw MlflowError.invalid(
      `'Registered model alias name' exceeds the maximum length of ${MAX_ALIAS_LENGTH} characters`,
    );
  }
  if (alias.toLowerCase() === 'latest')
    throw MlflowError.invalid("'latest' alias name (case insensitive) is reserved.");
  if (VERSION_ALIAS.test(alias)) throw MlflowError.invalid(`Version alias name '${alias}' is reserved.`);
  return alias;
}

/**
 * Registry tags (models and versions): key rules of §7.1, value <= 5000 characters. An absent
 * value is empty, except where MLflow insists on one (model-version set-tag, R19).
 */
export function validateRegistryTag(tag: { key: string; value?: string }, path = '', requireValue = false): KeyValue {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  validateKey(tag.key, at('key'));
  if (requireValue && (tag.value === undefined || tag.value === null)) throw missingValue(at('value'));
  return { key: tag.key, value: checkLength(tag.value ?? '', LIMITS.registryTagValue, at('value')) };
}

export function validateRegistryTags(tags: { key: string; value?: string }[] | undefined): KeyValue[] {
  return (tags ?? []).map((t, i) => validateRegistryTag(t, `tags[${i}]`));
}

/** max_results of search-registered-models (default 100, at most 1000) and search-model-versions. */
export function registryMaxResults(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (value < 1)
    throw MlflowError.invalid(`Invalid value for max_results. It must be a positive integer, but got ${value}`);
  if (value > max) {
    throw MlflowError.invalid(
      `Invalid value for request parameter max_results. It must be at most ${max}, but got value ${value}`,
    );
  }
  return value;
}

/** The filter asks for prompts explicitly (`= 'true'` or `!= 'false'` on the prompt tag). */
export function wantsPrompts(clauses: Clause[]): boolean {
  return clauses.some(
    (c) =>
      c.entity === 'tag' &&
      c.key === PROMPT_TAG &&
      ((c.comparator === '=' && c.value === 'true') || (c.comparator === '!=' && c.value === 'false')),
  );
}
