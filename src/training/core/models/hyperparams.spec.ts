import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PARAMS,
  parseParams,
  paramsToStrings,
  PARAM_NAMES,
  validateParams,
  validateParamValue,
} from './hyperparams';

describe('hyperparameter vocabulary', () => {
  it('fills the documented defaults', () => {
    const r = validateParams({});
    expect(r).toEqual({ ok: true, params: DEFAULT_PARAMS });
    expect(DEFAULT_PARAMS).toMatchObject({
      seq_length: 20,
      horizon: 1,
      layers: 1,
      units: 32,
      dropout: 0.2,
      learning_rate: 0.001,
      batch_size: 32,
      epochs: 10,
      patience: 5,
      loss: 'mae',
      seed: 42,
      target: 'return',
      features: ['returns'],
      exogenous: [],
      seasonal_period: 5,
      interval_levels: [0.8, 0.95],
      backtest_folds: 0,
      train_fraction: 0.7,
      val_fraction: 0.15,
      train_end: null,
      val_end: null,
    });
  });

  it('keeps the level target as an explicit option (close by default) and checks features per target', () => {
    expect(parseParams({ target: 'level' }).features).toEqual(['close']);
    expect(validateParams({ features: 'close' })).toEqual({
      ok: false,
      errors: ['features close do not fit target return; allowed: returns, range, volume_change, weekday, month'],
    });
    expect(validateParams({ target: 'level', exogenous: '^BVSP' })).toEqual({
      ok: false,
      errors: ['exogenous inputs need target return'],
    });
    expect(parseParams({ features: 'returns,range', exogenous: '^BVSP' })).toMatchObject({
      features: ['returns', 'range'],
      exogenous: ['^BVSP'],
    });
  });

  it('validates interval levels in (0, 1) and the seasonal period', () => {
    expect(parseParams({ interval_levels: '0.95,0.5' }).interval_levels).toEqual([0.5, 0.95]);
    expect(parseParams({ interval_levels: 0.9 }).interval_levels).toEqual([0.9]);
    for (const bad of ['0,0.8', '1', [1.5], [], 'x']) {
      const r = validateParamValue('interval_levels', bad);
      expect(r, JSON.stringify(bad)).toHaveProperty('error');
      expect((r as { error: string }).error).toMatch(/strictly between 0 and 1/);
    }
    expect(validateParamValue('seasonal_period', 0)).toHaveProperty('error');
    expect(validateParamValue('exogenous', ['bad ticker!'])).toHaveProperty('error');
  });

  it('accepts JSON numbers and MLflow-style strings', () => {
    const p = parseParams({
      target: 'level',
      seq_length: '60',
      units: 50,
      dropout: '0',
      learning_rate: 1,
      loss: 'huber',
      features: 'close,volume,returns',
    });
    expect(p).toMatchObject({
      seq_length: 60,
      units: 50,
      dropout: 0,
      learning_rate: 1,
      loss: 'huber',
      features: ['close', 'volume', 'returns'],
    });
  });

  it('names the allowed range of out-of-range values, and collects every error', () => {
    const r = validateParams({ seq_length: 1, dropout: 1, learning_rate: 0, batch_size: 2.5, horizon: 31, loss: 'l1' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      'seq_length must be an integer in [2, 500], got 1',
      'dropout must be a number in [0, 1), got 1',
      'learning_rate must be a number in (0, 1], got 0',
      'batch_size must be an integer in [1, 4096], got 2.5',
      'horizon must be an integer in [1, 30], got 31',
      'loss must be one of mae, mse, huber, got "l1"',
    ]);
  });

  it('rejects unknown names with the list of allowed ones', () => {
    const r = validateParams({ window: 30 });
    expect(!r.ok && r.errors[0]).toBe(`unknown parameter "window"; allowed: ${PARAM_NAMES.join(', ')}`);
    expect(PARAM_NAMES).toContain('seq_length');
  });

  it('validates features, split fractions and split dates', () => {
    expect(validateParamValue('features', ['close', 'vwap'])).toEqual({
      error:
        'features: unknown feature(s) vwap; allowed: returns, range, volume_change, weekday, month, close, open, high, low, volume',
    });
    expect(validateParamValue('features', [])).toHaveProperty('error');
    expect(validateParamValue('features', ['close', 'close'])).toHaveProperty('error');
    expect(validateParamValue('units', 'abc')).toEqual({ error: 'units must be an integer in [1, 512], got "abc"' });
    const split = validateParams({ train_fraction: 0.8, val_fraction: 0.2, train_end: '2020-01-01' });
    expect(!split.ok && split.errors).toEqual([
      'train_fraction + val_fraction must be < 1 so the test part is not empty, got 0.8 + 0.2',
      'train_end and val_end must be given together',
    ]);
    expect(() => parseParams({ train_end: '2021-01-01', val_end: '2020-01-01' })).toThrow(
      'train_end (2021-01-01) must be before val_end (2020-01-01)',
    );
  });

  it('selects the engine (fused by default) and rejects unknown engines and shapes fused cannot hold', () => {
    expect(DEFAULT_PARAMS.engine).toBe('fused');
    expect(parseParams({ engine: 'tfjs' }).engine).toBe('tfjs');
    expect(validateParamValue('engine', 'torch')).toEqual({ error: 'engine must be one of fused, tfjs, got "torch"' });
    const huge = { seq_length: 500, units: 512, layers: 4, batch_size: 4096 };
    const r = validateParams(huge);
    expect(!r.ok && r.errors).toEqual([
      expect.stringMatching(/^engine fused: batch_size 4096 x seq_length 500 x units 512/),
    ]);
    expect(validateParams({ ...huge, engine: 'tfjs' }).ok).toBe(true);
  });

  it('converts params to MLflow strings', () => {
    expect(paramsToStrings({ ...DEFAULT_PARAMS, features: ['close', 'volume'] })).toMatchObject({
      seq_length: '20',
      features: 'close,volume',
      dropout: '0.2',
    });
    expect(paramsToStrings(DEFAULT_PARAMS)).not.toHaveProperty('train_end');
  });
});
