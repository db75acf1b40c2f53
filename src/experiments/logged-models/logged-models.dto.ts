import { f, message } from '../../common/proto/fields';
import { KeyValueMsg, MetricMsg, ModelLinkFields } from '../dtos/common.dto';
import { LOGGED_MODEL_STATUSES } from './logged-model.types';

const MODEL_ID_EXAMPLE = 'm-d3e268478fcb440592caf8d5d9d1c5a2';
/** Enum numbers as in MLflow's proto: PENDING = 1 (UNSPECIFIED, 0, is never a valid request value). */
const STATUS = f.enum(LOGGED_MODEL_STATUSES.slice(1));

export const LoggedModelMsg = message({
  info: f.message({
    model_id: f.string().doc('m- + 32 hex characters', MODEL_ID_EXAMPLE),
    experiment_id: f.string().doc('Experiment id', '1'),
    name: f.string().doc('Model name (not unique)', 'ridge'),
    creation_timestamp_ms: f.int64(),
    last_updated_timestamp_ms: f.int64(),
    artifact_uri: f
      .string()
      .doc('Where the model files are', `mlflow-artifacts:/1/models/${MODEL_ID_EXAMPLE}/artifacts`),
    status: f.enum(LOGGED_MODEL_STATUSES),
    model_type: f.string(),
    source_run_id: f.string(),
    tags: f.repeated(f.message(KeyValueMsg)),
  }),
  data: f.message({
    params: f.repeated(f.message(KeyValueMsg)),
    metrics: f
      .repeated(f.message({ ...MetricMsg, ...ModelLinkFields, run_id: f.string() }))
      .doc('Every linked metric point'),
  }),
});
export const LoggedModelRes = message({ model: f.message(LoggedModelMsg) });

export const CreateLoggedModelReq = message({
  experiment_id: f.string().numeric().required().doc('Experiment id', '1'),
  name: f.string().doc('Name; generated when absent; no / : . % " \'', 'ridge'),
  model_type: f.string().doc('Free-form model type', 'regressor'),
  source_run_id: f.string().doc('Run that produced the model', '0a1b2c3d4e5f60718293a4b5c6d7e8f9'),
  params: f.repeated(f.message(KeyValueMsg)),
  tags: f.repeated(f.message(KeyValueMsg)),
});

export const NoArgsReq = message({});

export const DeleteLoggedModelReq = message({ model_id: f.string().doc('Ignored: the path is authoritative') });

export const FinalizeLoggedModelReq = message({
  model_id: f.string().doc('Ignored: the path is authoritative'),
  status: STATUS.required().doc('LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED', 'LOGGED_MODEL_READY'),
});

export const SetLoggedModelTagsReq = message({ tags: f.repeated(f.message(KeyValueMsg)) });

export const LogLoggedModelParamsReq = message({
  model_id: f.string().doc('Ignored: the path is authoritative'),
  params: f.repeated(f.message(KeyValueMsg)),
});

const OrderByMsg = message({
  field_name: f.string().required().doc('Attribute or metrics.<key>', 'metrics.val_r2'),
  ascending: f.bool().doc('Default true'),
  dataset_name: f.string().doc('Metric ordering: only points of this dataset'),
  dataset_digest: f.string(),
});

export const SearchLoggedModelsReq = message({
  experiment_ids: f.repeated(f.string().numeric()).required().doc('Experiments to search', ['1']),
  filter: f.string().doc('MLflow filter string', "metrics.val_r2 > 0.5 AND name = 'ridge'"),
  datasets: f.repeated(f.message({ dataset_name: f.string(), dataset_digest: f.string() })),
  max_results: f.int64().doc('Page size, 1..1000 (default 100)', 100),
  order_by: f.repeated(f.message(OrderByMsg)).doc('Default: creation time, newest first'),
  page_token: f.string().doc('Token from a previous page'),
});
export const SearchLoggedModelsRes = message({
  models: f.repeated(f.message(LoggedModelMsg)),
  next_page_token: f.string(),
});
