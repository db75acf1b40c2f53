#!/usr/bin/env python3
"""Builds the ONNX serving fixtures under test/fixtures/onnx/ with real PyTorch exports.

Each fixture is an MLflow model directory as `mlflow.onnx.log_model` writes it (MLmodel with
the `onnx` and `python_function` flavors, `model.onnx`) plus `expected.json`: fixed inputs and
PyTorch's own outputs for them, which the tests compare tsflow's answers with.

Needs Debian's python3-torch and python3-onnx (`apt-get install -y python3-torch python3-onnx`;
onnx writes the external data file of mlp_external); run with /usr/bin/python3:
    /usr/bin/python3 scripts/make-onnx-fixtures.py
Deterministic (fixed seeds); the files are small and committed.
"""
import json
import os

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "onnx")
OPSET = 13
try:
    import onnx

    ONNX_VERSION = onnx.__version__
except ImportError:  # torch exports without it; MLmodel then names the opset's release
    ONNX_VERSION = "1.12.0"


def mlmodel(signature=None):
    lines = [
        "flavors:",
        "  onnx:",
        "    code: null",
        "    data: model.onnx",
        "    onnx_version: %s" % ONNX_VERSION,
        "    providers:",
        "    - CUDAExecutionProvider",
        "    - CPUExecutionProvider",
        "  python_function:",
        "    data: model.onnx",
        "    env:",
        "      conda: conda.yaml",
        "      virtualenv: python_env.yaml",
        "    loader_module: mlflow.onnx",
        "    python_version: 3.11.2",
        "mlflow_version: 3.6.0",
        "model_size_bytes: 0",
        "model_uuid: 00000000000000000000000000000000",
    ]
    if signature:
        lines += [
            "signature:",
            "  inputs: '%s'" % json.dumps(signature["inputs"]),
            "  outputs: '%s'" % json.dumps(signature["outputs"]),
            "  params: null",
        ]
    lines.append("utc_time_created: '2026-12-07 13:00:00.000000'")
    return "\n".join(lines) + "\n"


# mlflow.onnx.save_model's own call, onnx.save_model(model, path, save_as_external_data=True), moves
# every initializer of 1 KiB or more into one side file that onnx names uuid1() (no location given):
# a real client uploads model.onnx plus that file. Fixed here so the fixture is reproducible.
EXTERNAL_DATA = "6f0d3c2e-d4a1-11f0-8de9-0242ac120002"


def export(name, model, example, input_names, output_names, dynamic_batch, signature, cases, external_data=False):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    model.eval()
    axes = None
    if dynamic_batch:
        axes = {n: {0: "batch"} for n in input_names + output_names}
    torch.onnx.export(
        model,
        example,
        os.path.join(d, "model.onnx"),
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=axes,
        opset_version=OPSET,
    )
    if external_data:
        import onnx

        path = os.path.join(d, "model.onnx")
        onnx.save_model(onnx.load(path), path, save_as_external_data=True, location=EXTERNAL_DATA)
    with open(os.path.join(d, "MLmodel"), "w") as f:
        f.write(mlmodel(signature))
    out = []
    with torch.no_grad():
        for case in cases:
            args = [torch.tensor(case[n], dtype=torch.float32) for n in input_names]
            res = model(*args)
            res = res if isinstance(res, tuple) else (res,)
            out.append(
                {
                    "inputs": {n: case[n] for n in input_names},
                    "outputs": {n: r.tolist() for n, r in zip(output_names, res)},
                }
            )
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"framework": "torch " + torch.__version__, "cases": out}, f, indent=1)


class Mlp2(torch.nn.Module):
    """Shared hidden layer, two heads: a regression value and class logits."""

    def __init__(self):
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 8), torch.nn.Tanh())
        self.value = torch.nn.Linear(8, 1)
        self.logits = torch.nn.Linear(8, 3)

    def forward(self, x):
        h = self.body(x)
        return self.value(h), self.logits(h)


class Tabular(torch.nn.Module):
    """Four named dataframe columns in one [batch, 4] input; one score per row."""

    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))

    def forward(self, features):
        return self.net(features)


def rows(g, n, k):
    return torch.randn(n, k, generator=g).round(decimals=4).tolist()


def main():
    torch.manual_seed(23)
    g = torch.Generator().manual_seed(7)

    linear_signature = {
        "inputs": [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}],
        "outputs": [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}}],
    }
    export(
        "linear",
        torch.nn.Linear(3, 1),
        (torch.zeros(2, 3),),
        ["x"],
        ["y"],
        True,
        linear_signature,
        [{"x": rows(g, 1, 3)}, {"x": rows(g, 5, 3)}],
    )

    export("mlp2", Mlp2(), (torch.zeros(2, 4),), ["x"], ["value", "logits"], True, None,
           [{"x": rows(g, 1, 4)}, {"x": rows(g, 6, 4)}])

    cols = ["x1", "x2", "x3", "x4"]
    export(
        "tabular",
        Tabular(),
        (torch.zeros(2, 4),),
        ["features"],
        ["score"],
        True,
        {
            "inputs": [{"type": "double", "name": c, "required": True} for c in cols],
            "outputs": [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}}],
        },
        [{"features": rows(g, 3, 4)}],
    )

    # The same architecture with other weights: the next version in the hot-swap tests.
    export("linear_b", torch.nn.Linear(3, 1), (torch.zeros(2, 3),), ["x"], ["y"], True, linear_signature,
           [{"x": rows(g, 1, 3)}])

    # A fixed batch dimension of 1 (exported without dynamic axes): served, never micro-batched.
    export("fixed_batch", torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid()), (torch.zeros(1, 2),),
           ["x"], ["p"], False, None, [{"x": rows(g, 1, 2)}])

    # A wider MLP saved as mlflow.onnx.log_model saves it: its weights live in an external data file.
    export(
        "mlp_external",
        torch.nn.Sequential(torch.nn.Linear(4, 64), torch.nn.ReLU(), torch.nn.Linear(64, 32), torch.nn.ReLU(),
                            torch.nn.Linear(32, 1)),
        (torch.zeros(2, 4),),
        ["x"],
        ["y"],
        True,
        {
            "inputs": [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}],
            "outputs": [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}}],
        },
        [{"x": rows(g, 4, 4)}],
        external_data=True,
    )


if __name__ == "__main__":
    main()
