#!/bin/sh
# Runs MLflow 2.12's own REST test files against tsflow (or, with `mlflow`, against MLflow itself),
# one fresh server per test, on the sqlalchemy backend (tsflow has no file store). See the README,
# "MLflow's own REST tests".
#   scripts/mlflow-suite/run.sh [tsflow|mlflow] [pytest args; test paths default to the three REST test files]
# Env: MLFLOW_GIT_DIR (a git directory of MLflow with tag v2.12.2, to extract it once),
# MLFLOW_SRC (where it is extracted, /tmp/mlflow212), PYTHON (/usr/bin/python3 with Debian's
# python3-flask, -sqlalchemy, -alembic, -pandas, -pytest, ...). tsflow must be built (dist/).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TARGET=${1:-tsflow}
[ $# -gt 0 ] && shift
SRC=${MLFLOW_SRC:-/tmp/mlflow212}
PY=${PYTHON:-/usr/bin/python3}
TAG=v2.12.2
if [ ! -f "$SRC/tests/tracking/test_rest_tracking.py" ]; then
  : "${MLFLOW_GIT_DIR:?set MLFLOW_GIT_DIR to a git directory of MLflow with tag $TAG}"
  # `git archive` fails on the snapshot's missing LFS blobs: copy the files one by one.
  git --git-dir="$MLFLOW_GIT_DIR" ls-tree -r --name-only "$TAG" mlflow tests examples/mlflow_artifacts |
    grep -v 'pypi_package_index.json\|server/js/' | while read -r p; do
      mkdir -p "$SRC/$(dirname "$p")"
      git --git-dir="$MLFLOW_GIT_DIR" show "$TAG:$p" >"$SRC/$p"
    done
  echo '{"index_date":"2024-01-01","package_names":[]}' >"$SRC/mlflow/pypi_package_index.json"
fi
# test_mlflow_artifacts.py runs `mlflow server` (MLflow's reference run) from PATH.
BIN=$(mktemp -d)
printf '#!/bin/sh\nexec %s -m mlflow "$@"\n' "$PY" >"$BIN/mlflow"
chmod +x "$BIN/mlflow"
case " $* " in
  *" tests/"*) ;;
  *) set -- "$@" tests/tracking/test_rest_tracking.py tests/tracking/test_model_registry.py \
    tests/tracking/test_mlflow_artifacts.py ;;
esac
cd "$SRC"
PATH="$BIN:$PATH" TSFLOW_SUITE_TARGET=$TARGET PYTHONPATH="$SRC:$HERE/pystub:$HERE" \
  exec "$PY" -m pytest -p tsflow_server_plugin -p no:cacheprovider -q -rfE "$@"
