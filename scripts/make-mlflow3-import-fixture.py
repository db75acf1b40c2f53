"""Makes the MLflow 3.x store that test/import-mlflow3-db.e2e.ts imports (run by hand, output
committed under test/fixtures/mlflow-import/: mlflow-3.db and mlartifacts-3/).

    python3 scripts/make-mlflow3-import-fixture.py [OUT_DIR]

No MLflow 3 server can run here (no PyPI), so this writes the database the way MLflow 3.6's SQL
store leaves it: alembic head bf29a5ff90ea (add jobs table; the next revision, 1bd49d398cd23
"add secrets tables", is dated 2025-11-20, after 3.6), and the tables the importer reads with
the columns, types and keys of MLflow's schema (mlflow/mlflow tests/db/schemas/sqlite.sql, which
MLflow's CI checks against its migrations, read at a commit one revision later whose only
addition is the secrets tables; spans from a1b2c3d4e5f6, assessments from 770bee3ae1dd, the 3.x
trace_info columns from cbc13b556ace, logged models from 400f98739977, inputs.step from
6953534de441), and rows shaped as its SQL store writes them:

- trace_info with the 3.x columns (request_id is the trace id `tr-<32 hex>`, status holds the
  v3 state, client_request_id, request/response previews), trace_tags, trace_request_metadata;
- spans (MLflow >= 3.2: one row per span, `content` = the span's Span.to_dict() JSON as in the
  recorded 3.6 session: base64 ids, attribute values JSON-encoded, status {code, message});
- assessments (feedback with rationale and metadata, feedback with an error, an expectation,
  one feedback overriding another, which is then valid = 0);
- a trace of a client that kept its spans as a traces.json artifact (no spans rows);
- logged models with params, tags and model-linked metrics; inputs/input_tags with a dataset
  input, a model input and a model output (step); a registered model whose version comes from a
  logged model (models:/m-...), alias champion; a deleted experiment; NaN and +inf metrics.

Tables the importer does not read (webhooks, scorers, jobs, secrets, evaluation datasets,
entity_associations) are left out; the importer reads the schema by introspection.
"""

import base64
import json
import math
import os
import sqlite3
import sys

HEAD = "bf29a5ff90ea"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "test", "fixtures", "mlflow-import")
DB = os.path.join(OUT, "mlflow-3.db")
ART = os.path.join(OUT, "mlartifacts-3")
MAX_DOUBLE = 1.7976931348623157e308

SCHEMA = """
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE experiments (
	experiment_id INTEGER NOT NULL,
	name VARCHAR(256) NOT NULL,
	artifact_location VARCHAR(256),
	lifecycle_stage VARCHAR(32),
	creation_time BIGINT,
	last_update_time BIGINT,
	CONSTRAINT experiment_pk PRIMARY KEY (experiment_id),
	UNIQUE (name),
	CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted'))
);
CREATE TABLE experiment_tags (
	key VARCHAR(250) NOT NULL,
	value VARCHAR(5000),
	experiment_id INTEGER NOT NULL,
	CONSTRAINT experiment_tag_pk PRIMARY KEY (key, experiment_id),
	FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)
);
CREATE TABLE runs (
	run_uuid VARCHAR(32) NOT NULL,
	name VARCHAR(250),
	source_type VARCHAR(20),
	source_name VARCHAR(500),
	entry_point_name VARCHAR(50),
	user_id VARCHAR(256),
	status VARCHAR(9),
	start_time BIGINT,
	end_time BIGINT,
	source_version VARCHAR(50),
	lifecycle_stage VARCHAR(20),
	artifact_uri VARCHAR(200),
	experiment_id INTEGER,
	deleted_time BIGINT,
	CONSTRAINT run_pk PRIMARY KEY (run_uuid),
	FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
	CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
	CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT')),
	CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED'))
);
CREATE TABLE metrics (
	key VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	step BIGINT DEFAULT '0' NOT NULL,
	is_nan BOOLEAN DEFAULT '0' NOT NULL,
	CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid),
	CHECK (is_nan IN (0, 1))
);
CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid);
CREATE TABLE latest_metrics (
	key VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT,
	step BIGINT NOT NULL,
	is_nan BOOLEAN NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT latest_metric_pk PRIMARY KEY (key, run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid),
	CHECK (is_nan IN (0, 1))
);
CREATE TABLE params (
	key VARCHAR(250) NOT NULL,
	value VARCHAR(8000) NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT param_pk PRIMARY KEY (key, run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
);
CREATE TABLE tags (
	key VARCHAR(250) NOT NULL,
	value VARCHAR(8000),
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
);
CREATE TABLE datasets (
	dataset_uuid VARCHAR(36) NOT NULL,
	experiment_id INTEGER NOT NULL,
	name VARCHAR(500) NOT NULL,
	digest VARCHAR(36) NOT NULL,
	dataset_source_type VARCHAR(36) NOT NULL,
	dataset_source TEXT NOT NULL,
	dataset_schema TEXT,
	dataset_profile TEXT,
	CONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest),
	CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE
);
CREATE TABLE inputs (
	input_uuid VARCHAR(36) NOT NULL,
	source_type VARCHAR(36) NOT NULL,
	source_id VARCHAR(36) NOT NULL,
	destination_type VARCHAR(36) NOT NULL,
	destination_id VARCHAR(36) NOT NULL,
	step BIGINT DEFAULT '0' NOT NULL,
	CONSTRAINT inputs_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)
);
CREATE TABLE input_tags (
	input_uuid VARCHAR(36) NOT NULL,
	name VARCHAR(255) NOT NULL,
	value VARCHAR(500) NOT NULL,
	CONSTRAINT input_tags_pk PRIMARY KEY (input_uuid, name)
);
CREATE TABLE logged_models (
	model_id VARCHAR(36) NOT NULL,
	experiment_id INTEGER NOT NULL,
	name VARCHAR(500) NOT NULL,
	artifact_location VARCHAR(1000) NOT NULL,
	creation_timestamp_ms BIGINT NOT NULL,
	last_updated_timestamp_ms BIGINT NOT NULL,
	status INTEGER NOT NULL,
	lifecycle_stage VARCHAR(32),
	model_type VARCHAR(500),
	source_run_id VARCHAR(32),
	status_message VARCHAR(1000),
	CONSTRAINT logged_models_pk PRIMARY KEY (model_id),
	CONSTRAINT fk_logged_models_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE,
	CONSTRAINT logged_models_lifecycle_stage_check CHECK (lifecycle_stage IN ('active', 'deleted'))
);
CREATE TABLE logged_model_metrics (
	model_id VARCHAR(36) NOT NULL,
	metric_name VARCHAR(500) NOT NULL,
	metric_timestamp_ms BIGINT NOT NULL,
	metric_step BIGINT NOT NULL,
	metric_value FLOAT,
	experiment_id INTEGER NOT NULL,
	run_id VARCHAR(32) NOT NULL,
	dataset_uuid VARCHAR(36),
	dataset_name VARCHAR(500),
	dataset_digest VARCHAR(36),
	CONSTRAINT logged_model_metrics_pk PRIMARY KEY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id),
	CONSTRAINT fk_logged_model_metrics_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
	CONSTRAINT fk_logged_model_metrics_model_id FOREIGN KEY(model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE,
	CONSTRAINT fk_logged_model_metrics_run_id FOREIGN KEY(run_id) REFERENCES runs (run_uuid) ON DELETE CASCADE
);
CREATE TABLE logged_model_params (
	model_id VARCHAR(36) NOT NULL,
	experiment_id INTEGER NOT NULL,
	param_key VARCHAR(255) NOT NULL,
	param_value TEXT NOT NULL,
	CONSTRAINT logged_model_params_pk PRIMARY KEY (model_id, param_key),
	CONSTRAINT fk_logged_model_params_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
	CONSTRAINT fk_logged_model_params_model_id FOREIGN KEY(model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE
);
CREATE TABLE logged_model_tags (
	model_id VARCHAR(36) NOT NULL,
	experiment_id INTEGER NOT NULL,
	tag_key VARCHAR(255) NOT NULL,
	tag_value TEXT NOT NULL,
	CONSTRAINT logged_model_tags_pk PRIMARY KEY (model_id, tag_key),
	CONSTRAINT fk_logged_model_tags_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
	CONSTRAINT fk_logged_model_tags_model_id FOREIGN KEY(model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE
);
CREATE TABLE registered_models (
	name VARCHAR(256) NOT NULL,
	creation_time BIGINT,
	last_updated_time BIGINT,
	description VARCHAR(5000),
	CONSTRAINT registered_model_pk PRIMARY KEY (name),
	UNIQUE (name)
);
CREATE TABLE registered_model_tags (
	key VARCHAR(250) NOT NULL,
	value VARCHAR(5000),
	name VARCHAR(256) NOT NULL,
	CONSTRAINT registered_model_tag_pk PRIMARY KEY (key, name),
	FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE CASCADE
);
CREATE TABLE registered_model_aliases (
	alias VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	name VARCHAR(256) NOT NULL,
	CONSTRAINT registered_model_alias_pk PRIMARY KEY (name, alias),
	CONSTRAINT registered_model_alias_name_fkey FOREIGN KEY(name) REFERENCES registered_models (name) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE model_versions (
	name VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	creation_time BIGINT,
	last_updated_time BIGINT,
	description VARCHAR(5000),
	user_id VARCHAR(256),
	current_stage VARCHAR(20),
	source VARCHAR(500),
	run_id VARCHAR(32),
	status VARCHAR(20),
	status_message VARCHAR(500),
	run_link VARCHAR(500),
	storage_location VARCHAR(500),
	CONSTRAINT model_version_pk PRIMARY KEY (name, version),
	FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE CASCADE
);
CREATE TABLE model_version_tags (
	key VARCHAR(250) NOT NULL,
	value TEXT,
	name VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	CONSTRAINT model_version_tag_pk PRIMARY KEY (key, name, version),
	FOREIGN KEY(name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE
);
CREATE TABLE trace_info (
	request_id VARCHAR(50) NOT NULL,
	experiment_id INTEGER NOT NULL,
	timestamp_ms BIGINT NOT NULL,
	execution_time_ms BIGINT,
	status VARCHAR(50) NOT NULL,
	client_request_id VARCHAR(50),
	request_preview VARCHAR(1000),
	response_preview VARCHAR(1000),
	CONSTRAINT trace_info_pk PRIMARY KEY (request_id),
	CONSTRAINT fk_trace_info_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)
);
CREATE INDEX index_trace_info_experiment_id_timestamp_ms ON trace_info (experiment_id, timestamp_ms);
CREATE TABLE trace_tags (
	key VARCHAR(250) NOT NULL,
	value VARCHAR(8000),
	request_id VARCHAR(50) NOT NULL,
	CONSTRAINT trace_tag_pk PRIMARY KEY (key, request_id),
	CONSTRAINT fk_trace_tags_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE TABLE trace_request_metadata (
	key VARCHAR(250) NOT NULL,
	value VARCHAR(8000),
	request_id VARCHAR(50) NOT NULL,
	CONSTRAINT trace_request_metadata_pk PRIMARY KEY (key, request_id),
	CONSTRAINT fk_trace_request_metadata_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE TABLE assessments (
	assessment_id VARCHAR(50) NOT NULL,
	trace_id VARCHAR(50) NOT NULL,
	name VARCHAR(250) NOT NULL,
	assessment_type VARCHAR(20) NOT NULL,
	value TEXT NOT NULL,
	error TEXT,
	created_timestamp BIGINT NOT NULL,
	last_updated_timestamp BIGINT NOT NULL,
	source_type VARCHAR(50) NOT NULL,
	source_id VARCHAR(250),
	run_id VARCHAR(32),
	span_id VARCHAR(50),
	rationale TEXT,
	overrides VARCHAR(50),
	valid BOOLEAN NOT NULL,
	assessment_metadata TEXT,
	CONSTRAINT assessments_pk PRIMARY KEY (assessment_id),
	CONSTRAINT fk_assessments_trace_id FOREIGN KEY(trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE INDEX index_assessments_trace_id_created_timestamp ON assessments (trace_id, created_timestamp);
CREATE TABLE spans (
	trace_id VARCHAR(50) NOT NULL,
	experiment_id INTEGER NOT NULL,
	span_id VARCHAR(50) NOT NULL,
	parent_span_id VARCHAR(50),
	name TEXT,
	type VARCHAR(500),
	status VARCHAR(50) NOT NULL,
	start_time_unix_nano BIGINT NOT NULL,
	end_time_unix_nano BIGINT,
	duration_ns BIGINT GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED,
	content TEXT NOT NULL,
	CONSTRAINT spans_pk PRIMARY KEY (trace_id, span_id),
	CONSTRAINT fk_spans_trace_id FOREIGN KEY(trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE,
	CONSTRAINT fk_spans_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)
);
CREATE INDEX index_spans_experiment_id ON spans (experiment_id);
"""

T0 = 1_796_021_790_000  # ms, the time of the recorded 3.6 session
RUN = "a4ced19b5e2f4c0f9d1e6b7a8c9d0e1f"
RUN2 = "5be2fedc99e54309843c438ed4406c32"
MODEL = "m-d3e268478fcb440592caf8d5d9d1c5a2"
MODEL2 = "m-0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def b64(hexid):
    return base64.b64encode(bytes.fromhex(hexid)).decode()


def attrs(d):
    """MLflow keeps span attribute values JSON-encoded (Span.to_dict)."""
    return {k: json.dumps(v) for k, v in d.items()}


def span(trace_hex, span_hex, parent_hex, name, start_ns, end_ns, span_type, a, status="OK", message="", events=()):
    return {
        "trace_id": b64(trace_hex),
        "span_id": b64(span_hex),
        "parent_span_id": b64(parent_hex) if parent_hex else None,
        "name": name,
        "start_time_unix_nano": start_ns,
        "end_time_unix_nano": end_ns,
        "events": list(events),
        "status": {"code": f"STATUS_CODE_{status}", "message": message},
        "attributes": attrs({"mlflow.traceRequestId": f"tr-{trace_hex}", "mlflow.spanType": span_type, **a}),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    if os.path.exists(DB):
        os.remove(DB)
    db = sqlite3.connect(DB)
    db.executescript(SCHEMA)
    x = db.execute
    x("INSERT INTO alembic_version VALUES (?)", (HEAD,))
    for eid, name, stage in [(0, "Default", "active"), (1, "genai assistant ☃", "active"), (2, "old prompts", "deleted")]:
        x("INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?)", (eid, name, f"mlflow-artifacts:/{eid}", stage, T0, T0 + 5))
    x("INSERT INTO experiment_tags VALUES ('mlflow.experimentKind', 'genai_development', 1)")

    # Runs: an evaluation run that produced a logged model, and a run of the deleted experiment.
    for rid, eid, name in [(RUN, 1, "eval ünï"), (RUN2, 2, "old")]:
        x(
            "INSERT INTO runs VALUES (?, ?, 'LOCAL', '', '', 'root', 'FINISHED', ?, ?, '', ?, ?, ?, ?)",
            (rid, name, T0, T0 + 900, "active" if eid == 1 else "deleted", f"mlflow-artifacts:/{eid}/{rid}/artifacts",
             eid, None if eid == 1 else T0 + 1000),
        )
        x("INSERT INTO tags VALUES ('mlflow.runName', ?, ?)", (name, rid))
    x("INSERT INTO tags VALUES ('mlflow.user', 'root', ?)", (RUN,))
    x("INSERT INTO params VALUES ('temperature', '0.2', ?)", (RUN,))
    points = [("accuracy", 0.5 + s / 10, T0 + s, s, 0) for s in range(5)]
    points += [("odd", 0.0, T0 + 10, 0, 1), ("odd", MAX_DOUBLE, T0 + 11, 1, 0)]
    for k, v, ts, step, nan in points:
        x("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)", (k, v, ts, RUN, step, nan))
    x("INSERT INTO latest_metrics VALUES ('accuracy', 0.9, ?, 4, 0, ?)", (T0 + 4, RUN))
    x("INSERT INTO latest_metrics VALUES ('odd', ?, ?, 1, 0, ?)", (MAX_DOUBLE, T0 + 11, RUN))

    # Dataset input, a model input and a model output (MLflow 3 keeps all three in `inputs`).
    x("INSERT INTO datasets VALUES ('d-1', 1, 'questions', '8c1f2e3a', 'local', '{\"uri\": \"/data/q.json\"}', NULL, NULL)")
    x("INSERT INTO inputs VALUES ('i-1', 'DATASET', 'd-1', 'RUN', ?, 0)", (RUN,))
    x("INSERT INTO input_tags VALUES ('i-1', 'mlflow.data.context', 'eval')")
    x("INSERT INTO inputs VALUES ('i-2', 'RUN_INPUT', ?, 'MODEL_INPUT', ?, 0)", (RUN, MODEL2))
    x("INSERT INTO inputs VALUES ('i-3', 'RUN_OUTPUT', ?, 'MODEL_OUTPUT', ?, 3)", (RUN, MODEL))

    # Logged models (status 2 = LOGGED_MODEL_READY) with params, tags and model-linked metrics.
    for mid, name in [(MODEL, "assistant"), (MODEL2, "retriever")]:
        x(
            "INSERT INTO logged_models VALUES (?, 1, ?, ?, ?, ?, 2, 'active', 'agent', ?, NULL)",
            (mid, name, f"mlflow-artifacts:/1/models/{mid}/artifacts", T0 + 100, T0 + 200, RUN),
        )
        x("INSERT INTO logged_model_tags VALUES (?, 1, 'mlflow.user', 'root')", (mid,))
    x("INSERT INTO logged_model_params VALUES (?, 1, 'prompt', 'Answer briefly: {question}')", (MODEL,))
    x("INSERT INTO logged_model_metrics VALUES (?, 'accuracy', ?, 4, 0.9, 1, ?, 'd-1', 'questions', '8c1f2e3a')",
      (MODEL, T0 + 4, RUN))

    # Registry: a version from the logged model, alias champion.
    x("INSERT INTO registered_models VALUES ('assistant', ?, ?, 'the agent')", (T0 + 300, T0 + 400))
    x(
        "INSERT INTO model_versions VALUES ('assistant', 1, ?, ?, '', NULL, 'None', ?, ?, 'READY', NULL, '', ?)",
        (T0 + 300, T0 + 300, f"models:/{MODEL}", RUN, f"mlflow-artifacts:/1/models/{MODEL}/artifacts"),
    )
    x("INSERT INTO registered_model_aliases VALUES ('champion', 1, 'assistant')")

    traces(x)
    db.commit()
    db.close()
    artifacts()
    print(f"wrote {DB} and {ART}")


def trace_info(x, trace_hex, ts, dur, state, client_id, req, resp, tags, meta):
    tid = f"tr-{trace_hex}"
    x("INSERT INTO trace_info VALUES (?, 1, ?, ?, ?, ?, ?, ?)", (tid, ts, dur, state, client_id, req, resp))
    tags = {"mlflow.artifactLocation": f"mlflow-artifacts:/1/traces/{tid}/artifacts", **tags}
    for k, v in tags.items():
        x("INSERT INTO trace_tags VALUES (?, ?, ?)", (k, v, tid))
    meta = {"mlflow.trace_schema.version": "3", "mlflow.user": "root", "mlflow.source.type": "LOCAL",
            "mlflow.source.name": "/data/agent.py", **meta}
    for k, v in meta.items():
        x("INSERT INTO trace_request_metadata VALUES (?, ?, ?)", (k, v, tid))
    return tid


def spans_rows(x, trace_hex, spans):
    for s in spans:
        d = s
        x(
            "INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, "
            "start_time_unix_nano, end_time_unix_nano, content) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
            (f"tr-{trace_hex}", base64.b64decode(d["span_id"]).hex(),
             base64.b64decode(d["parent_span_id"]).hex() if d["parent_span_id"] else None, d["name"],
             json.loads(d["attributes"]["mlflow.spanType"]), d["status"]["code"].replace("STATUS_CODE_", ""),
             d["start_time_unix_nano"], d["end_time_unix_nano"], json.dumps(d)),
        )


def traces(x):
    ns = T0 * 1_000_000
    # 1. An agent trace kept in the tracking store: root CHAIN, a RETRIEVER and a CHAT_MODEL child.
    t1 = "de9951df7861dd31cd0be00e5902989c"
    q = {"question": "What is MLflow? ☃"}
    answer = "An open source platform for the ML lifecycle."
    s1 = [
        span(t1, "1a2b3c4d5e6f7081", None, "answer", ns, ns + 900_000_000, "CHAIN",
             {"mlflow.spanFunctionName": "answer", "mlflow.spanInputs": q, "mlflow.spanOutputs": answer}),
        span(t1, "2b3c4d5e6f708192", "1a2b3c4d5e6f7081", "retrieve", ns + 10_000_000, ns + 200_000_000, "RETRIEVER",
             {"mlflow.spanInputs": {"query": q["question"]},
              "mlflow.spanOutputs": [{"page_content": "MLflow is ...", "metadata": {"doc_uri": "docs/index.md"}}]}),
        span(t1, "3c4d5e6f708192a3", "1a2b3c4d5e6f7081", "chat", ns + 210_000_000, ns + 880_000_000, "CHAT_MODEL",
             {"mlflow.spanInputs": {"messages": [{"role": "user", "content": q["question"]}], "temperature": 0.2},
              "mlflow.spanOutputs": {"choices": [{"message": {"role": "assistant", "content": answer}}]},
              "mlflow.chat.tokenUsage": {"input_tokens": 12, "output_tokens": 9, "total_tokens": 21},
              "mlflow.message.format": "openai"}),
    ]
    tid1 = trace_info(
        x, t1, T0 + 1000, 900, "OK", "req-42", json.dumps(q, ensure_ascii=False), json.dumps(answer),
        {"mlflow.traceName": "answer", "mlflow.trace.spansLocation": "TRACKING_STORE", "team": "genai"},
        {"mlflow.sourceRun": RUN, "mlflow.modelId": MODEL,
         "mlflow.trace.tokenUsage": json.dumps({"input_tokens": 12, "output_tokens": 9, "total_tokens": 21}),
         "mlflow.trace.sizeStats": json.dumps({"total_size_bytes": 2811, "num_spans": 3, "max": 1201, "p25": 640,
                                               "p50": 970, "p75": 1201}),
         "mlflow.traceInputs": json.dumps(q, ensure_ascii=False), "mlflow.traceOutputs": json.dumps(answer)},
    )
    spans_rows(x, t1, s1)
    a = "INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    x(a, ("a-0f1e2d3c4b5a69788796a5b4c3d2e1f0", tid1, "relevance", "feedback", json.dumps(0.4), None, T0 + 2000,
          T0 + 2000, "LLM_JUDGE", "gpt-judge", RUN, None, "Partly on topic.", None, False,
          json.dumps({"judge_version": "1"})))
    x(a, ("a-1f2e3d4c5b6a79808796a5b4c3d2e1f1", tid1, "relevance", "feedback", json.dumps(0.9), None, T0 + 3000,
          T0 + 3100, "HUMAN", "ana@example.com", None, None, "Correct and concise.",
          "a-0f1e2d3c4b5a69788796a5b4c3d2e1f0", True, None))
    x(a, ("a-2f3e4d5c6b7a89908796a5b4c3d2e1f2", tid1, "expected_answer", "expectation", json.dumps(answer), None,
          T0 + 3200, T0 + 3200, "HUMAN", "ana@example.com", None, None, None, None, True, None))
    x(a, ("a-3f4e5d6c7b8a99a08796a5b4c3d2e1f3", tid1, "groundedness", "feedback", json.dumps(None),
          json.dumps({"error_code": "RATE_LIMIT_EXCEEDED", "error_message": "judge rate limited"}), T0 + 3300,
          T0 + 3300, "LLM_JUDGE", "gpt-judge", None, "2b3c4d5e6f708192", None, None, True, None))

    # 2. A failed trace: the root span ends in ERROR with an exception event.
    t2 = "0c9a7e5b3d1f2e4a6b8c0d2e4f6a8b0c"
    err_ns = ns + 5_000_000_000
    s2 = [
        span(t2, "4d5e6f708192a3b4", None, "answer", err_ns, err_ns + 40_000_000, "CHAIN",
             {"mlflow.spanInputs": {"question": ""}}, status="ERROR", message="ValueError: empty question",
             events=[{"name": "exception", "time_unix_nano": err_ns + 39_000_000,
                      "attributes": {"exception.type": "ValueError", "exception.message": "empty question",
                                     "exception.stacktrace": "Traceback (most recent call last): ...",
                                     "exception.escaped": "False"}}]),
    ]
    trace_info(x, t2, T0 + 5000, 40, "ERROR", None, json.dumps({"question": ""}), None,
               {"mlflow.traceName": "answer", "mlflow.trace.spansLocation": "TRACKING_STORE"},
               {"mlflow.trace.sizeStats": json.dumps({"total_size_bytes": 700, "num_spans": 1, "max": 700,
                                                      "p25": 700, "p50": 700, "p75": 700})})
    spans_rows(x, t2, s2)

    # 3. A trace of an older client (spans as a traces.json artifact, no spans rows).
    t3 = "7f6e5d4c3b2a19080706050403020100"
    trace_info(x, t3, T0 + 8000, 3, "OK", None, json.dumps({"a": 2, "b": 3}), "5", {"mlflow.traceName": "add"}, {})


def artifacts():
    def write(rel, data):
        path = os.path.join(ART, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    write(f"1/{RUN}/artifacts/eval_results.json", json.dumps({"accuracy": 0.9}).encode())
    write(f"1/models/{MODEL}/artifacts/MLmodel", b"artifact_path: model\nflavors:\n  python_function: {}\n")
    t3 = "7f6e5d4c3b2a19080706050403020100"
    ns = (T0 + 8000) * 1_000_000
    s = span(t3, "5e6f708192a3b4c5", None, "add", ns, ns + 3_000_000, "UNKNOWN",
             {"mlflow.spanInputs": {"a": 2, "b": 3}, "mlflow.spanOutputs": 5})
    write(f"1/traces/tr-{t3}/artifacts/traces.json", json.dumps({"spans": [s]}).encode())


if __name__ == "__main__":
    main()
