"""Makes the MLflow store that test/import-mlflow-db.e2e.ts imports: run by hand against a real
MLflow server (not by the tests), output committed under test/fixtures/mlflow-import/.

    mlflow server --backend-store-uri sqlite:///$OUT/mlflow.db --artifacts-destination $OUT/mlartifacts \
        --host 127.0.0.1 --port 5931 &
    MLFLOW_TRACKING_URI=http://127.0.0.1:5931 python3 scripts/make-mlflow-import-fixture.py

It covers every entity the importer carries from an MLflow 2.x store: experiments (one deleted,
one with tags), nested runs, a deleted run, NaN and +-inf metrics, a metric history of 500
steps, unicode names and values, params, tags, dataset inputs with tags, artifacts in nested
directories, a registered model with three versions (stages, tags, descriptions, aliases
including champion) and a deleted registered model.
"""

import math
import os

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag

client = MlflowClient()

exp = client.create_experiment("forecasting ☃", tags={"team": "demand", "ünï": "cødé"})
old = client.create_experiment("retired")
client.create_run(old, run_name="old run")
client.delete_experiment(old)

parent = client.create_run(exp, run_name="parent", start_time=1_700_000_000_000, tags={"mlflow.user": "ana"})
pid = parent.info.run_id
client.log_batch(
    pid,
    metrics=[Metric("loss", 1.0 / (s + 1), 1_700_000_000_000 + s, s) for s in range(500)]
    + [
        Metric("odd", math.nan, 1_700_000_001_000, 0),
        Metric("odd", math.inf, 1_700_000_001_001, 1),
        Metric("odd", -math.inf, 1_700_000_001_002, 2),
        Metric("ünïcode metric", 3.5, 1_700_000_001_003, 0),
    ],
    params=[Param("lr", "0.001"), Param("layers", "2"), Param("ünï", "cødé")],
    tags=[RunTag("note", "emoji 🚀 and newline\nsecond line")],
)
dataset = Dataset(
    name="sales",
    digest="d41d8cd9",
    source_type="local",
    source='{"uri": "/data/sales.csv"}',
    schema='{"mlflow_colspec": [{"type": "double", "name": "y"}]}',
    profile='{"num_rows": 365}',
)
client.log_inputs(pid, [DatasetInput(dataset, tags=[InputTag("mlflow.data.context", "training")])])

here = os.path.dirname(os.path.abspath(__file__))
work = os.path.join("/tmp", "mlflow-fixture-files")
os.makedirs(os.path.join(work, "model", "data"), exist_ok=True)
with open(os.path.join(work, "model", "MLmodel"), "w") as f:
    f.write("artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n")
with open(os.path.join(work, "model", "data", "weights.bin"), "wb") as f:
    f.write(bytes(range(256)) * 8)
with open(os.path.join(work, "notes ü.txt"), "w") as f:
    f.write("imported from MLflow 2.12\n")
client.log_artifacts(pid, os.path.join(work, "model"), "model")
client.log_artifact(pid, os.path.join(work, "notes ü.txt"))
client.set_terminated(pid, "FINISHED", end_time=1_700_000_100_000)

for i in range(3):
    child = client.create_run(exp, run_name=f"child {i}", tags={"mlflow.parentRunId": pid})
    client.log_metric(child.info.run_id, "loss", 0.5 - i * 0.1, step=i)
    client.set_terminated(child.info.run_id, "FAILED" if i == 2 else "FINISHED")
gone = client.create_run(exp, run_name="gone")
client.delete_run(gone.info.run_id)

client.create_registered_model("demand", tags={"owner": "ops"}, description="# Demand\n\nweekly")
for i in range(3):
    client.create_model_version(
        "demand",
        f"{parent.info.artifact_uri}/model",
        run_id=pid,
        tags={"candidate": str(i)},
        description=f"version {i + 1}",
    )
client.transition_model_version_stage("demand", "1", "Archived")
client.transition_model_version_stage("demand", "2", "Production")
client.set_registered_model_alias("demand", "champion", "3")
client.set_registered_model_alias("demand", "previous", "2")
client.set_model_version_tag("demand", "3", "validated", "true")
client.create_registered_model("scratch")
client.delete_registered_model("scratch")
print("experiment", exp, "parent run", pid)
