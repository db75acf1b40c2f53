import { MlflowError } from '../common/mlflow-error';
import { checkLength, LIMITS, validateKey } from '../common/validation';
import type { LogBatch } from './tracking.store';
import type { KeyValue, Metric } from './tracking.types';

/** MLflow's per-entity checks for metrics, params and run tags (mlflow-api.md §7.1-7.2). */
export function validateMetric(m: Metric, path = ''): Metric {
  validateKey(m.key, path ? `${path}.name` : 'key');
  const ts = path ? `${path}.timestamp` : 'timestamp';
  if (m.timestamp < 0) {
    throw MlflowError.invalid(
      `Invalid value ${m.timestamp} for parameter '${ts}' supplied: Timestamp must be a nonnegative long (64-bit integer)`,
    );
  }
  return { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? 0 };
}

export function validateParam(p: KeyValue, path = ''): KeyValue {
  validateKey(p.key, path ? `${path}.key` : 'key');
  return { key: p.key, value: checkLength(p.value ?? '', LIMITS.paramValue, 'Param value', true) };
}

export function validateRunTag(t: KeyValue, path = ''): KeyValue {
  validateKey(t.key, path ? `${path}.key` : 'key');
  return { key: t.key, value: checkLength(t.value ?? '', LIMITS.runTagValue, 'Tag value', true) };
}

function limit(count: number, max: number, what: string): void {
  if (count > max) {
    throw MlflowError.invalid(
      `A batch logging request can contain at most ${max} ${what}. Got ${count} ${what}. ` +
        `Please split up ${what} across multiple requests and try again.`,
    );
  }
}

export function validateBatch(batch: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }): LogBatch {
  const metrics = batch.metrics ?? [];
  const params = batch.params ?? [];
  const tags = batch.tags ?? [];
  limit(metrics.length, LIMITS.batchMetrics, 'metrics');
  limit(params.length, LIMITS.batchParams, 'params');
  limit(tags.length, LIMITS.batchTags, 'tags');
  limit(metrics.length + params.length + tags.length, LIMITS.batchTotal, 'metrics, params, and tags');
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const p of params) (seen.has(p.key) ? dupes : seen).add(p.key);
  if (dupes.size) {
    throw MlflowError.invalid(
      `Duplicate parameter keys have been submitted: [${[...dupes].map((k) => `'${k}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`,
    );
  }
  return {
    metrics: metrics.map((m, i) => validateMetric(m, `metrics[${i}]`)),
    params: params.map((p, i) => validateParam(p, `params[${i}]`)),
    tags: tags.map((t, i) => validateRunTag(t, `tags[${i}]`)),
  };
}
