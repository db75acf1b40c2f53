import { f, message } from '../../common/proto/fields';
import { DATA_SOURCES } from '../../training/data/price-data.service';
import { PROMOTION_POLICIES } from '../../training/training.types';

export const MonitorDatasetMsg = message({
  ticker: f.string().required().doc('Ticker, as in training', 'MSFT'),
  source: f.enum(DATA_SOURCES).doc("'sample' (default), 'yahoo' (cached, refreshed incrementally) or 'csv'", 'sample'),
  path: f.string().doc("csv: file inside the data directory (default '<ticker>.csv')"),
});

export const ScheduleMsg = message({
  cron: f.string().required().doc('Cron expression: 5 fields, 6 with seconds first, or @daily etc.', '30 18 * * 1-5'),
  timezone: f.string().doc('IANA time zone the expression is read in (default UTC)', 'America/New_York'),
});

export const ThresholdsMsg = message({
  min_skill: f.double().doc('Retrain when live skill vs persistence falls below this (-10..1)', 0),
  max_psi: f.double().doc('Retrain when a PSI (returns, volume) exceeds this (0..10)', 0.25),
  max_ks: f.double().doc('Retrain when a Kolmogorov-Smirnov statistic exceeds this (0..1)', 0.3),
  retrain_every_days: f.int32().doc('Retrain when this many days passed since the training data ended (1..3650)', 30),
  max_new_days: f.int32().doc('Retrain once this many days after the training end were scored (1..10000)'),
  min_scored_days: f.int32().doc('The skill rule waits for this many scored days (1..1000, default 5)', 5),
  skill_window_days: f.int32().doc('Live skill over the last N scored days (1..1000, default 20)', 20),
  drift_window_days: f.int32().doc('Recent window of the drift statistics, in bars (10..1000, default 60)', 60),
  cooldown_days: f.int32().doc('Days after a retrain before another may be submitted (0..3650, default 7)', 7),
});

export const RetrainMsg = message({
  experiment_name: f.string().doc('Experiment of the retraining runs (default: the monitor name)', 'lstm-msft'),
  params: f.json().doc('Hyperparameters, as in a training run', { seq_length: 20, epochs: 5 }),
  grid: f.json().doc('Optional grid (param → values); absent: a single candidate', { units: [16, 32] }),
  metric: f.string().doc('Selection metric of the grid (default val_mae)', 'val_mae'),
  cleaning: f.enum(['interpolate', 'drop'] as const).doc('Missing-close rows (default interpolate)'),
  policy: f.enum(PROMOTION_POLICIES).doc('Promotion of the best candidate (default if_better)', 'if_better'),
  lookback_days: f.int32().doc('Train on this many calendar days up to the check date (default: all history)', 1460),
});

export const CreateMonitorReq = message({
  name: f.string().required().doc('Unique monitor name', 'msft-daily'),
  model_name: f.string().required().doc('Registered model whose champion is monitored', 'msft-lstm'),
  dataset: f.message(MonitorDatasetMsg).required(),
  schedule: f.message(ScheduleMsg).required(),
  thresholds: f.message(ThresholdsMsg),
  retrain: f.message(RetrainMsg),
  paused: f.bool().doc('Created paused (no scheduled checks)', false),
});

export const UpdateMonitorReq = message({
  name: f.string(),
  dataset: f.message(MonitorDatasetMsg),
  schedule: f.message(ScheduleMsg),
  thresholds: f.message(ThresholdsMsg),
  retrain: f.message(RetrainMsg),
  paused: f.bool().doc('Pause (true) or resume (false) scheduled checks'),
});

export const CheckReq = message({
  as_of: f
    .string()
    .doc("The check's 'today' (YYYY-MM-DD): data after it is ignored (replays); default: today", '2024-03-28'),
});
