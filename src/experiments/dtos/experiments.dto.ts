import { f, message } from '../../common/proto/fields';
import { ExperimentMsg, KeyValueMsg, ViewTypeField } from './common.dto';

const experimentId = () => f.string().numeric().required().doc('Experiment id', '1');

export const CreateExperimentReq = message({
  name: f.string().required().doc('Unique experiment name (<= 500 chars)', 'lstm-msft'),
  artifact_location: f.string().doc('Artifact root; default <default-artifact-root>/<experiment_id>'),
  tags: f.repeated(f.message(KeyValueMsg)),
});
export const CreateExperimentRes = message({ experiment_id: f.string().doc('New experiment id', '1') });

export const GetExperimentReq = message({ experiment_id: experimentId() });
export const GetExperimentByNameReq = message({
  experiment_name: f.string().required().doc('Exact, case-sensitive name', 'lstm-msft'),
});
export const ExperimentRes = message({ experiment: f.message(ExperimentMsg) });

export const SearchExperimentsReq = message({
  max_results: f.int64().doc('Page size, 1..50000 (default 1000)', 100),
  page_token: f.string().doc('Token from a previous page'),
  filter: f.string().doc("Filter, e.g. name LIKE 'lstm-%' AND tags.team = 'ds'", "name LIKE 'lstm-%'"),
  order_by: f
    .repeated(f.string())
    .doc('Order keys: name, experiment_id, creation_time, last_update_time [ASC|DESC]', ['name ASC']),
  view_type: ViewTypeField(),
});
export const SearchExperimentsRes = message({
  experiments: f.repeated(f.message(ExperimentMsg)),
  next_page_token: f.string(),
});

export const UpdateExperimentReq = message({
  experiment_id: experimentId(),
  new_name: f.string().required().doc('New unique name', 'lstm-msft-v2'),
});
export const ExperimentIdReq = message({ experiment_id: experimentId() });
export const SetExperimentTagReq = message({
  experiment_id: experimentId(),
  key: f.string().required().doc('Tag key', 'mlflow.note.content'),
  value: f.string().doc('Tag value (<= 5000 chars)', 'LSTM experiments on MSFT'),
});
export const DeleteExperimentTagReq = message({
  experiment_id: experimentId(),
  key: f.string().required().doc('Tag key', 'mlflow.note.content'),
});
export const EmptyRes = message({});
