import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { f, message } from '../../common/proto/fields';
import { DATA_SOURCES } from '../../training/data/price-data.service';
import { DEFAULT_PARAMS, windowRows } from '../../training/core/models/hyperparams';

/**
 * Example prices, as many as a model trained with the default parameters needs (derived, not
 * written: a changed default seq_length or target keeps the examples valid).
 */
export const EXAMPLE_PRICES: readonly number[] = Array.from(
  { length: windowRows(DEFAULT_PARAMS) },
  (_, i) => Math.round((410 + 4 * Math.sin(i / 2) + i * 0.3) * 10) / 10,
);

export const PredictReq = message({
  model: f
    .string()
    .doc(
      'Registered model whose champion answers (default: TSFLOW_DEFAULT_MODEL, else the only model served)',
      'lstm-msft',
    ),
  values: f
    .json()
    .doc(
      'Form 1: the last prices, oldest first (at least seq_length + 1 for return models, seq_length for level models; rows of the input columns for multi-column models)',
      EXAMPLE_PRICES,
    ),
  ticker: f.string().doc('Date forms: the ticker (default: the one the model was trained on)', 'MSFT'),
  source: f.enum(DATA_SOURCES).doc("Date forms: price data source (default: the model's training source)", 'sample'),
  start_date: f.string().doc('Form 2: first date of a rolling forecast (YYYY-MM-DD)', '2024-06-03'),
  end_date: f.string().doc('Form 2: last date of a rolling forecast (YYYY-MM-DD)', '2024-06-28'),
  date: f.string().doc('Form 3: the date to forecast from the history before it (YYYY-MM-DD)', '2024-06-28'),
  series_id: f
    .string()
    .doc(
      "Series models: the series to forecast from the end of its data (one champion answers for every series of its panel); with 'horizon' (default: the model's)",
      'store-1',
    ),
  known: f
    .json()
    .doc(
      "Series models whose champion reads known-in-advance covariates (e.g. a declared 'promo' column): their future values by name, one per forecast step",
      { promo: [0, 1, 0] },
    ),
  horizon: f
    .int32()
    .doc(
      "Steps to forecast (default 1; > 1 = recursive multi-step forecast; at most TSFLOW_MAX_HORIZON, or a series model's own horizon when longer)",
      1,
    ),
});

const MODEL_INFO: SchemaObject = {
  type: 'object',
  properties: {
    name: { type: 'string', example: 'lstm-msft' },
    version: { type: 'string', example: '3' },
    run_id: { type: 'string', nullable: true, example: '0a1b2c3d4e5f60718293a4b5c6d7e8f9' },
    backend: { type: 'string', example: 'tfjs-wasm' },
  },
};

const INTERVALS: SchemaObject = {
  type: 'array',
  description: 'Split-conformal prediction intervals, one per level the model was trained with (default 0.8 and 0.95)',
  items: {
    type: 'object',
    properties: {
      level: { type: 'number', example: 0.8 },
      lower: { type: 'number', example: 409.1 },
      upper: { type: 'number', example: 421.7 },
    },
    required: ['level', 'lower', 'upper'],
  },
};

export const PREDICT_RESPONSE: SchemaObject = {
  type: 'object',
  properties: {
    model: MODEL_INFO,
    predictions: {
      type: 'array',
      description:
        'values form: the forecast values; date forms: { date, predicted, actual? } (actual when the data has the day)',
      items: {
        oneOf: [
          { type: 'number' },
          {
            type: 'object',
            properties: {
              date: { type: 'string' },
              predicted: { type: 'number' },
              actual: { type: 'number' },
              intervals: INTERVALS,
            },
            required: ['date', 'predicted'],
          },
        ],
      },
    },
    intervals: {
      type: 'array',
      description: 'values form: the intervals of each forecast (absent for models trained without intervals)',
      items: INTERVALS,
    },
  },
  required: ['model', 'predictions'],
};

export const PREDICT_EXAMPLES = {
  values: { summary: 'Next value from the last prices', value: { values: EXAMPLE_PRICES } },
  valuesHorizon: {
    summary: 'Next 5 values (recursive)',
    value: { values: EXAMPLE_PRICES, horizon: 5 },
  },
  range: {
    summary: 'Rolling one-step forecasts with actuals',
    value: { ticker: 'MSFT', start_date: '2024-06-03', end_date: '2024-06-28' },
  },
  date: { summary: 'Forecast for one date', value: { date: '2024-06-28' } },
};

export const SERVING_STATUS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    models: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          status: { type: 'string', enum: ['loading', 'ready', 'no_champion', 'load_failed', 'registry_error'] },
          version: { type: 'string', nullable: true },
          run_id: { type: 'string', nullable: true },
          backend: { type: 'string', nullable: true },
          loaded_at: { type: 'integer', nullable: true },
          draining: { type: 'integer' },
          last_failure: {
            type: 'object',
            nullable: true,
            properties: { version: { type: 'string' }, message: { type: 'string' }, at: { type: 'integer' } },
          },
        },
      },
    },
  },
};
