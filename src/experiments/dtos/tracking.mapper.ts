import { compact, wireDouble } from '../../common/wire';
import type { DatasetInput, Experiment, KeyValue, Metric, MetricWithRunId, Run, RunInfo } from '../tracking.types';

const kv = (items: KeyValue[]) => items.map(({ key, value }) => ({ key, value }));

export function experimentToWire(e: Experiment) {
  return compact({
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime || undefined,
    creation_time: e.creationTime || undefined,
    tags: kv(e.tags),
  });
}

export function metricToWire(m: Metric) {
  return { key: m.key, value: wireDouble(m.value), timestamp: m.timestamp, step: m.step };
}

export function metricWithRunIdToWire(m: MetricWithRunId) {
  return { ...metricToWire(m), run_id: m.runId };
}

export function runInfoToWire(i: RunInfo) {
  return compact({
    run_id: i.runId,
    run_uuid: i.runId,
    run_name: i.runName || undefined,
    experiment_id: i.experimentId,
    user_id: i.userId,
    status: i.status,
    start_time: i.startTime,
    end_time: i.endTime ?? undefined,
    artifact_uri: i.artifactUri || undefined,
    lifecycle_stage: i.lifecycleStage,
  });
}

function datasetInputToWire(d: DatasetInput) {
  return compact({
    tags: kv(d.tags),
    dataset: compact({
      name: d.dataset.name,
      digest: d.dataset.digest,
      source_type: d.dataset.sourceType,
      source: d.dataset.source,
      schema: d.dataset.schema,
      profile: d.dataset.profile,
    }),
  });
}

export function runToWire(r: Run) {
  return {
    info: runInfoToWire(r.info),
    data: compact({ metrics: r.data.metrics.map(metricToWire), params: kv(r.data.params), tags: kv(r.data.tags) }),
    inputs: compact({
      dataset_inputs: r.inputs.datasetInputs.map(datasetInputToWire),
      model_inputs: r.inputs.modelInputs.map((id) => ({ model_id: id })),
    }),
    outputs: compact({ model_outputs: r.outputs.modelOutputs.map((o) => ({ model_id: o.modelId, step: o.step })) }),
  };
}
