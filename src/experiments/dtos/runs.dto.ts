import { f, message } from '../../common/proto/fields';
import { RUN_STATUSES } from '../tracking.types';
import {
  DatasetInputMsg,
  KeyValueMsg,
  LoggedMetricMsg,
  MetricMsg,
  ModelLinkFields,
  RunInfoMsg,
  RunMsg,
  ViewTypeField,
} from './common.dto';

const runId = () => f.string().doc('Run id', '0a1b2c3d4e5f60718293a4b5c6d7e8f9');
const runUuid = () => f.string().doc('Deprecated alias of run_id');

export const CreateRunReq = message({
  experiment_id: f.string().numeric().doc('Experiment id (default "0")', '1'),
  user_id: f.string().doc('Deprecated; clients also send tag mlflow.user', 'alice'),
  run_name: f.string().doc('Run name; generated when absent', 'bold-fox-123'),
  start_time: f.int64().doc('Unix epoch ms (default now)', 1714000000000),
  tags: f.repeated(f.message(KeyValueMsg)),
});
export const RunRes = message({ run: f.message(RunMsg) });

export const RunIdReq = message({ run_id: runId(), run_uuid: runUuid() });

export const UpdateRunReq = message({
  run_id: runId(),
  run_uuid: runUuid(),
  status: f.enum(RUN_STATUSES).doc('New status', 'FINISHED'),
  end_time: f.int64().doc('Unix epoch ms', 1714000005000),
  run_name: f.string().doc('New run name'),
});
export const UpdateRunRes = message({ run_info: f.message(RunInfoMsg) });

export const SearchRunsReq = message({
  experiment_ids: f.repeated(f.string().numeric()).doc('Experiments to search', ['1']),
  filter: f.string().doc('Filter string', "metrics.val_mae < 5 and params.units = '32'"),
  run_view_type: ViewTypeField(),
  max_results: f.int64().doc('Page size, 1..50000 (default 1000)', 100),
  order_by: f.repeated(f.string()).doc('Order keys', ['metrics.val_mae ASC']),
  page_token: f.string().doc('Token from a previous page'),
});
export const SearchRunsRes = message({ runs: f.repeated(f.message(RunMsg)), next_page_token: f.string() });

export const LogMetricReq = message({
  run_id: runId(),
  run_uuid: runUuid(),
  key: f.string().required().doc('Metric key', 'val_loss'),
  value: f.double().required().doc('Metric value', 0.25),
  timestamp: f.int64().required().doc('Unix epoch ms', 1714000000000),
  step: f.int64().doc('Step', 3),
  ...ModelLinkFields,
});

export const LogParamReq = message({
  run_id: runId(),
  run_uuid: runUuid(),
  key: f.string().required().doc('Param key', 'units'),
  value: f.string().doc('Param value', '32'),
});

export const SetTagReq = message({
  run_id: runId(),
  run_uuid: runUuid(),
  key: f.string().required().doc('Tag key', 'team'),
  value: f.string().doc('Tag value', 'forecasting'),
});

export const DeleteTagReq = message({
  run_id: runId(),
  run_uuid: runUuid(),
  key: f.string().required().doc('Tag key', 'team'),
});

export const LogBatchReq = message({
  run_id: runId().required(),
  metrics: f.repeated(f.message(LoggedMetricMsg)),
  params: f.repeated(f.message(KeyValueMsg)),
  tags: f.repeated(f.message(KeyValueMsg)),
});

export const LogInputsReq = message({
  run_id: runId().required(),
  datasets: f.repeated(f.message(DatasetInputMsg)),
  models: f
    .repeated(f.message({ model_id: f.string().required() }))
    .doc('Logged models the run used (MLflow 3)', [{ model_id: 'm-0a1b2c3d4e5f60718293a4b5c6d7e8f9' }]),
});

export const LogOutputsReq = message({
  run_id: runId().required(),
  models: f
    .repeated(f.message({ model_id: f.string().required(), step: f.int64() }))
    .required()
    .doc('Logged models the run produced, with the step they were logged at', [
      { model_id: 'm-0a1b2c3d4e5f60718293a4b5c6d7e8f9', step: 0 },
    ]),
});

export const LogModelReq = message({
  run_id: runId().required(),
  model_json: f.string().required().doc('JSON of the MLmodel summary'),
});

export const GetHistoryReq = message({
  run_id: runId(),
  run_uuid: runUuid(),
  metric_key: f.string().required().doc('Metric key', 'loss'),
  max_results: f.int64().doc('Page size (default 25000)', 25000),
  page_token: f.string(),
});
export const GetHistoryRes = message({ metrics: f.repeated(f.message(MetricMsg)), next_page_token: f.string() });

export const BulkIntervalReq = message({
  run_ids: f.repeated(f.string()).required().doc('At most 100 run ids'),
  metric_key: f.string().required().doc('Metric key', 'loss'),
  start_step: f.int64(),
  end_step: f.int64(),
  max_results: f.int32().doc('1..2500 (default 2500)', 2500),
});
export const BulkIntervalRes = message({
  metrics: f.repeated(f.message({ ...MetricMsg, run_id: f.string() })),
});
