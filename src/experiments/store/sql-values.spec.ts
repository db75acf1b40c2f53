import { describe, expect, it } from 'vitest';
import { encodeMetricValue, metricFromRow, runInfoFromRow } from './sql-values';

const MAX = 1.7976931348623157e308;

describe('encodeMetricValue', () => {
  it('stores NaN as 0 with the flag and clamps ±Infinity to ±max double', () => {
    expect(encodeMetricValue(NaN)).toEqual({ value: 0, isNan: 1 });
    expect(encodeMetricValue(Infinity)).toEqual({ value: MAX, isNan: 0 });
    expect(encodeMetricValue(-Infinity)).toEqual({ value: -MAX, isNan: 0 });
    expect(encodeMetricValue(0)).toEqual({ value: 0, isNan: 0 });
    expect(encodeMetricValue(-1.25)).toEqual({ value: -1.25, isNan: 0 });
  });
});

describe('metricFromRow', () => {
  const row = (value: unknown, is_nan: unknown) => ({ key: 'm', value, is_nan, timestamp: 5, step: 2 }) as never;

  it.each([0, 1.5, -2, 5e-324, MAX, -MAX, 123456789.123, NaN])('round-trips %d through the SQL encoding', (v) => {
    const { value, isNan } = encodeMetricValue(v);
    expect(metricFromRow(row(value, isNan))).toEqual({ key: 'm', value: v, timestamp: 5, step: 2 });
  });

  it('reads ±Infinity back as ±max double (MLflow SQL store semantics)', () => {
    for (const [v, back] of [
      [Infinity, MAX],
      [-Infinity, -MAX],
    ]) {
      const { value, isNan } = encodeMetricValue(v);
      expect(metricFromRow(row(value, isNan)).value).toBe(back);
    }
  });

  it('coerces driver strings (bigint / numeric columns) to numbers', () => {
    expect(
      metricFromRow({ key: 'k', value: '2.5', is_nan: '0', timestamp: '1714000000000', step: '-3' } as never),
    ).toEqual({
      key: 'k',
      value: 2.5,
      timestamp: 1714000000000,
      step: -3,
    });
    expect(metricFromRow({ key: 'k', value: '0', is_nan: '1', timestamp: '1', step: '0' } as never).value).toBeNaN();
  });
});

describe('row helpers', () => {
  it('runInfoFromRow keeps a null end_time null and stringifies the experiment id', () => {
    const info = runInfoFromRow({
      run_uuid: 'r',
      name: 'n',
      experiment_id: 7,
      user_id: 'u',
      status: 'RUNNING',
      start_time: '10' as never,
      end_time: null,
      lifecycle_stage: 'active',
      artifact_uri: 'a',
    });
    expect(info).toEqual({
      runId: 'r',
      runName: 'n',
      experimentId: '7',
      userId: 'u',
      status: 'RUNNING',
      startTime: 10,
      endTime: null,
      artifactUri: 'a',
      lifecycleStage: 'active',
    });
  });
});
