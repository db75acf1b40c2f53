import { f, message } from '../common/proto/fields';

const TRACE_ID = 'tr-de9951df7861dd31cd0be00e5902989c';

export const TraceLocationMsg = message({
  type: f.string().doc('MLFLOW_EXPERIMENT (INFERENCE_TABLE locations are not stored)', 'MLFLOW_EXPERIMENT'),
  mlflow_experiment: f.message({ experiment_id: f.string().numeric().doc('Experiment id', '1') }),
  inference_table: f.json(),
});

export const TraceInfoV3Msg = message({
  trace_id: f.string().required().doc('tr- + 32 hex (client-generated)', TRACE_ID),
  client_request_id: f.string(),
  trace_location: f.message(TraceLocationMsg),
  request_time: f.string().doc('RFC 3339 timestamp', '2026-11-30T06:56:39.616Z'),
  execution_duration: f.string().doc('Seconds with an s suffix', '0.012s'),
  state: f.json().doc('STATE_UNSPECIFIED | OK | ERROR | IN_PROGRESS', 'OK'),
  request_preview: f.string(),
  response_preview: f.string(),
  trace_metadata: f.json().doc('Object of strings (immutable)'),
  tags: f.json().doc('Object of strings (mutable)'),
});

export const StartTraceReq = message({
  trace: f.message({ trace_info: f.message(TraceInfoV3Msg).required(), spans: f.json() }).required(),
});
export const TraceInfoRes = message({ trace: f.message({ trace_info: f.message(TraceInfoV3Msg) }) });
export const TraceRes = message({ trace: f.message({ trace_info: f.message(TraceInfoV3Msg), spans: f.json() }) });

export const TraceIdReq = message({ trace_id: f.string().doc('Ignored on path routes: the path is authoritative') });
export const GetTraceReq = message({
  trace_id: f.string().required().doc('Trace id', TRACE_ID),
  allow_partial: f.bool().doc('Return traces whose spans are not all stored yet'),
});
export const BatchGetTracesReq = message({
  trace_ids: f.repeated(f.string()).required().doc('Trace ids (repeat the key)'),
});
export const BatchGetTracesRes = message({ traces: f.json() });

export const SearchTracesReq = message({
  locations: f.repeated(f.message(TraceLocationMsg)).doc('Experiments to search'),
  filter: f.string().doc('Filter string', "status = 'OK' AND tags.env = 'prod'"),
  max_results: f.int32().doc('1..500 (default 100)', 100),
  order_by: f.repeated(f.string()).doc('Order keys', ['timestamp_ms DESC']),
  page_token: f.string(),
});
export const SearchTracesRes = message({ traces: f.repeated(f.message(TraceInfoV3Msg)), next_page_token: f.string() });

export const DeleteTracesReq = message({
  experiment_id: f.string().numeric().required().doc('Experiment id', '1'),
  max_timestamp_millis: f.int64().doc('Delete traces started at or before (oldest first)'),
  max_traces: f.int32().doc('At most this many (with max_timestamp_millis)'),
  request_ids: f.repeated(f.string()).doc('Trace ids (at most 100 per call)'),
});
export const DeleteTracesRes = message({ traces_deleted: f.int32() });

export const SetTraceTagReq = message({ key: f.string().required().doc('Tag key', 'env'), value: f.string() });
export const DeleteTraceTagReq = message({ key: f.string().required().doc('Tag key', 'env') });
export const LinkTracesReq = message({
  trace_ids: f.repeated(f.string()).required().doc('At most 100 trace ids'),
  run_id: f.string().required().doc('Run id'),
});
export const GetTraceArtifactReq = message({ request_id: f.string().required().doc('Trace id', TRACE_ID) });
