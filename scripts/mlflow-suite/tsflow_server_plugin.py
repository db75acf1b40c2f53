"""pytest plugin: runs MLflow 2.12's REST test files against `tsflow server` (or, with
TSFLOW_SUITE_TARGET=mlflow, against MLflow itself) on the sqlalchemy backend only.

Loaded with `-p tsflow_server_plugin` (see run.sh). It replaces the fixture helpers that start
`mlflow server` (`integration_test_utils._init_server`, `test_mlflow_artifacts._launch_server`)
with ones that start tsflow on a fresh sqlite database, artifact root and random port.
"""

import contextlib
import os
import socket
import subprocess
import tempfile
import time

TSFLOW_BIN = os.environ.get("TSFLOW_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "bin", "tsflow.js"))
TARGET = os.environ.get("TSFLOW_SUITE_TARGET", "tsflow")
LOCALHOST = "127.0.0.1"


def _free_port():
    with socket.socket() as s:
        s.bind((LOCALHOST, 0))
        return s.getsockname()[1]


def _wait_up(port, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"tsflow exited with {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            if s.connect_ex((LOCALHOST, port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"tsflow did not listen on {port} within {timeout} s")


def _spawn(host, port, backend_uri, default_root, destination, env=None, auth=False):
    cmd = ["node", TSFLOW_BIN, "server", "--host", host, "--port", str(port)]
    cmd += ["--backend-store-uri", backend_uri, "--default-artifact-root", default_root]
    cmd += ["--artifacts-destination", destination]
    env = {**os.environ, **(env or {})}
    if auth:  # MLflow's basic_auth.ini defaults: admin / password, READ without a grant
        cmd += ["--app-name", "basic-auth"]
        env.update(TSFLOW_ADMIN_USERNAME="admin", TSFLOW_ADMIN_PASSWORD="password", TSFLOW_DEFAULT_PERMISSION="READ")
    log = open(os.path.join(tempfile.mkdtemp(prefix="tsflow-suite-log-"), "server.log"), "wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    _wait_up(port, proc)
    return proc


@contextlib.contextmanager
def _init_server(backend_uri, root_artifact_uri, extra_env=None, app="mlflow.server:app"):
    import mlflow

    mlflow.set_tracking_uri(None)
    scratch = tempfile.mkdtemp(prefix="tsflow-suite-")
    # A test that points a second server at the first one (backend and root = its http URL)
    # gets a fresh sqlite store and root instead: tsflow has no REST-backed store.
    if not backend_uri.startswith(("sqlite:", "postgresql:")):
        backend_uri = f"sqlite:///{scratch}/backend.db"
    if root_artifact_uri.startswith("http"):
        root_artifact_uri = os.path.join(scratch, "artifacts")
    port = _free_port()
    destination = os.path.join(scratch, "mlartifacts")
    proc = _spawn(LOCALHOST, port, backend_uri, root_artifact_uri, destination, extra_env, auth="auth" in app)
    try:
        yield f"http://{LOCALHOST}:{port}"
    finally:
        proc.terminate()
        proc.wait()


def _launch_server(host, port, backend_store_uri, default_artifact_root, artifacts_destination):
    return _spawn(host, port, backend_store_uri, default_artifact_root, artifacts_destination)


def pytest_configure(config):
    if TARGET != "tsflow":
        return
    from tests.tracking import integration_test_utils

    integration_test_utils._init_server = _init_server


def pytest_collection_modifyitems(config, items):
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        (dropped if "file" in (params.get("mlflow_client"), params.get("client")) else kept).append(item)
        if TARGET == "tsflow" and hasattr(item.module, "_launch_server"):
            item.module._launch_server = _launch_server
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept
