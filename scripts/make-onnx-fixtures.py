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
        if os.path.exists(os.path.join(d, EXTERNAL_DATA)):  # onnx appends to an existing data file
            os.remove(os.path.join(d, EXTERNAL_DATA))
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


def classifier_zipmap(name, cases):
    """A logistic-regression classifier built as skl2onnx exports scikit-learn classifiers: an int64
    `output_label` and `output_probability`, a sequence of {class: probability} maps (ZipMap), which
    ONNX Runtime for Node cannot return. Hand-built with onnx.helper; expected values from numpy."""
    import numpy as np
    import onnx
    from onnx import TensorProto, TypeProto, ValueInfoProto, helper, numpy_helper

    w = np.array([[0.5, -1.0], [1.5, 0.25], [-0.75, 0.5]], dtype=np.float32)
    b = np.array([0.1, -0.2], dtype=np.float32)
    probability = TypeProto()
    probability.sequence_type.elem_type.map_type.key_type = TensorProto.INT64
    probability.sequence_type.elem_type.map_type.value_type.tensor_type.elem_type = TensorProto.FLOAT
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["float_input", "coef"], ["z0"]),
            helper.make_node("Add", ["z0", "intercept"], ["z"]),
            helper.make_node("Softmax", ["z"], ["p"], axis=1),
            helper.make_node("ArgMax", ["p"], ["output_label"], axis=1, keepdims=0),
            helper.make_node("ZipMap", ["p"], ["output_probability"], domain="ai.onnx.ml", classlabels_int64s=[0, 1]),
        ],
        "classifier",
        [helper.make_tensor_value_info("float_input", TensorProto.FLOAT, [None, 3])],
        [
            helper.make_tensor_value_info("output_label", TensorProto.INT64, [None]),
            ValueInfoProto(name="output_probability", type=probability),
        ],
        [numpy_helper.from_array(w, "coef"), numpy_helper.from_array(b, "intercept")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("ai.onnx.ml", 1)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    onnx.save_model(model, os.path.join(d, "model.onnx"))
    with open(os.path.join(d, "MLmodel"), "w") as f:
        f.write(mlmodel())
    out = []
    for x in cases:
        z = np.array(x, dtype=np.float32) @ w + b
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        out.append({
            "inputs": {"float_input": x},
            "outputs": {
                "output_label": p.argmax(axis=1).tolist(),
                "output_probability": [{0: float(r[0]), 1: float(r[1])} for r in p],
            },
        })
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"framework": "numpy " + np.__version__, "cases": out}, f, indent=1)


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

    classifier_zipmap("classifier_zipmap", [rows(g, 3, 3)])


if __name__ == "__main__":
    main()
