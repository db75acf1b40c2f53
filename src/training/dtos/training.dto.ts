import { f, message } from '../../common/proto/fields';
import { JOB_STATES } from '../jobs/job.types';
import { DATA_SOURCES } from '../data/price-data.service';
import { PROMOTION_POLICIES } from '../training.types';
import { SEARCH_STRATEGY_NAMES } from '../core/search/strategy';

export const DatasetMsg = message({
  ticker: f.string().doc('Price history: ticker (Yahoo symbol), e.g. MSFT, PETR4.SA, BTC-USD', 'MSFT'),
  name: f
    .string()
    .doc(
      "Series dataset: the name of a dataset uploaded with PUT /api/v1/training/datasets/{name} (instead of 'ticker'); params then take 'model' (a family), 'horizon' (steps), 'interval_levels', 'validation_steps', 'test_steps' and the family's own params",
      'store-sales',
    ),
  source: f
    .enum(DATA_SOURCES)
    .doc(
      "'sample' = bundled files in data/ (default), 'yahoo' = Yahoo Finance (cached), 'csv' = a CSV in the data directory",
      'sample',
    ),
  start_date: f.string().doc('First date (YYYY-MM-DD)', '2015-01-01'),
  end_date: f.string().doc('Last date (YYYY-MM-DD)', '2024-06-30'),
  path: f.string().doc("csv: file inside the data directory (default '<ticker>.csv')"),
});

const PARAMS_EXAMPLE = {
  seq_length: 20,
  horizon: 1,
  layers: 1,
  units: 32,
  dropout: 0.2,
  learning_rate: 0.001,
  batch_size: 32,
  epochs: 2,
  patience: 5,
  loss: 'mae',
  seed: 42,
};

export const TrainingRunReq = message({
  experiment_name: f.string().doc('Experiment (created when missing); default "Default"', 'lstm-msft'),
  dataset: f.message(DatasetMsg).required(),
  params: f
    .json()
    .doc('Hyperparameters; every one optional with a default (see GET /api/v1/training/params)', PARAMS_EXAMPLE),
  cleaning: f
    .enum(['ffill', 'drop', 'interpolate'] as const)
    .doc(
      "Missing-close rows: ffill (default: carry the last close forward, never reading later days) or drop; 'interpolate' is a legacy alias of ffill",
      'ffill',
    ),
  run_name: f.string().doc('MLflow run name (generated when absent)'),
});

export const GridSearchReq = message({
  ...TrainingRunReq,
  grid: f
    .json()
    .required()
    .doc(
      'The search space: param name → list of values (choices), or a numeric range {min, max, log} (random, halving and bayesian only). Strategy grid trains the cartesian product (at most 1000 candidates). On a series dataset a `model` list searches across families; params a family does not use are ignored by it',
      { units: [16, 32], seq_length: [10, 20] },
    ),
  strategy: f
    .enum(SEARCH_STRATEGY_NAMES)
    .doc(
      "grid (default): every combination; random: n_candidates sampled from the space; halving: the grid (or n_candidates sampled) with successive halving on per-epoch val_loss, stopping weak candidates early; bayesian (alias tpe): n_candidates trials submitted one after another, each suggested by a TPE sampler (as Optuna) from the finished trials' selection metric (failed trials count as worst), then the best is selected and promoted as for the other strategies",
      'grid',
    ),
  n_candidates: f
    .int32()
    .doc(
      'random (required) and halving: how many candidates to sample; bayesian (required): the trial budget, exactly this many trials run; 1..1000',
      16,
    ),
  n_startup: f
    .int32()
    .doc(
      'bayesian: the first trials are random draws before TPE models the history (0..n_candidates; default min(10, n_candidates/2), at least 1)',
      4,
    ),
  parallelism: f
    .int32()
    .doc(
      "bayesian: trials in flight at once, 1..64 (default: the queue's workers — the embedded driver's concurrency, or the BullMQ workers connected — or 2 when none is known). More runs faster; each trial then sees fewer finished ones",
      2,
    ),
  search_seed: f
    .int64()
    .doc(
      'Seed of the sampler (default 0): the same request samples the same candidates; bayesian: the same finished trials give the same next trial',
      0,
    ),
  halving: f.message({
    eta: f.double().doc('Reduction factor (>= 2, default 3): about 1/eta of the candidates at a rung go on', 3),
    min_resource: f.int32().doc('Epochs before the first rung (default 1); rungs at min_resource·eta^k', 1),
    max_resource: f.int32().doc('Epochs of every candidate (sets params.epochs; default: params.epochs)', 27),
  }),
  metric: f
    .string()
    .doc(
      'Selection metric, validation only: val_mae (default), val_rmse, val_mape, val_skill (test_* is refused: it would leak the test period into the choice)',
      'val_mae',
    ),
  promote: f.message({
    model_name: f.string().required().doc('Registered model whose champion alias may move', 'msft-lstm'),
    policy: f
      .enum(PROMOTION_POLICIES)
      .doc('never (report only), if_better (beat the champion on the same data), always', 'if_better'),
  }),
});

export const SubmittedRes = message({
  job_id: f.string().doc('Job id'),
  run_id: f.string().doc('MLflow run of the job'),
});

export const JobStatusRes = message({
  job_id: f.string(),
  state: f.enum(JOB_STATES),
  progress: f.double().doc('0..1'),
  run_id: f.string(),
  error: f.string(),
  metrics: f.json(),
  created_at: f.int64(),
  updated_at: f.int64(),
});

export const GridSubmittedRes = message({
  job_id: f.string(),
  parent_run_id: f.string(),
  candidates: f.repeated(
    f.message({ job_id: f.string(), run_id: f.string(), params: f.json(), state: f.enum(JOB_STATES) }),
  ),
});
