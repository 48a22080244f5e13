#!/usr/bin/env python3
"""Build `face_recognition.onnx` (dlib's ResNet face descriptor net) from TFJS weights.

Inputs are the two files of the uint8-quantised TFJS port of dlib's
`dlib_face_recognition_resnet_model_v1` shipped in npm `@vladmandic/face-api`:
`model/face_recognition_model-weights_manifest.json` and `model/face_recognition_model.bin`.
The dlib weights are public domain (CC0); the packaging is MIT.

The graph is written node by node with the `onnx` package; nothing is traced or exported, so
the output bytes depend only on the weights, this script and the pinned `onnx` version
(tools/models/requirements.txt). `ekyc models fetch` runs it and checks the sha256 of the result.

Graph contract:
  input  `image`      float32 [N, 3, 150, 150], RGB 0..255, an aligned dlib-style face chip
  output `descriptor` float32 [N, 128], compared by Euclidean distance (~0.6 = same person)
The normalisation dlib applies ((pixel - channel mean) / 256) is part of the graph.

Usage:
  convert_face_recognition.py MANIFEST_JSON WEIGHTS_BIN -o OUT.onnx
  convert_face_recognition.py MANIFEST_JSON WEIGHTS_BIN --check [OUT.onnx]
`--check` runs an independent numpy forward pass (NHWC, unfused parameters, written separately
from the graph builder) on a few synthetic chips and, when onnxruntime is importable, compares it
with the ONNX graph; it exits non-zero when they disagree.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# dlib's input layer (input_rgb_image_sized<150>) subtracts these and divides by 256.
MEAN_RGB = (122.782, 117.001, 104.298)
INPUT_SCALE = 1.0 / 256.0
CHIP = 150
OPSET = 17
IR_VERSION = 8
PRODUCER = "ekyc tools/models/convert_face_recognition.py"
PRODUCER_VERSION = "1"

# (block name, kind) in network order; "down" blocks halve the resolution.
BLOCKS = [
    ("conv32_1", "same"),
    ("conv32_2", "same"),
    ("conv32_3", "same"),
    ("conv64_down", "down"),
    ("conv64_1", "same"),
    ("conv64_2", "same"),
    ("conv64_3", "same"),
    ("conv128_down", "down"),
    ("conv128_1", "same"),
    ("conv128_2", "same"),
    ("conv256_down", "down"),
    ("conv256_1", "same"),
    ("conv256_2", "same"),
    ("conv256_down_out", "down"),
]


def load_weights(manifest_path: Path, bin_path: Path) -> dict[str, np.ndarray]:
    """Decode a TFJS weights manifest + its single shard into float32 arrays by name."""
    groups = json.loads(manifest_path.read_text(encoding="utf-8"))
    data = bin_path.read_bytes()
    if len(groups) != 1:
        raise ValueError(f"expected one weight group, found {len(groups)}")
    weights: dict[str, np.ndarray] = {}
    offset = 0
    for spec in groups[0]["weights"]:
        shape = tuple(int(d) for d in spec["shape"])
        count = int(np.prod(shape, dtype=np.int64))
        quant = spec.get("quantization")
        if quant:
            if quant["dtype"] != "uint8":
                raise ValueError(f"{spec['name']}: unsupported quantisation {quant['dtype']}")
            raw = np.frombuffer(data, dtype=np.uint8, count=count, offset=offset)
            offset += count
            # TFJS dequantises as q * scale + min; float64 keeps this exact before rounding.
            values = raw.astype(np.float64) * float(quant["scale"]) + float(quant["min"])
        else:
            if spec["dtype"] != "float32":
                raise ValueError(f"{spec['name']}: unsupported dtype {spec['dtype']}")
            values = np.frombuffer(data, dtype="<f4", count=count, offset=offset)
            offset += 4 * count
        weights[spec["name"]] = values.astype(np.float32).reshape(shape)
    if offset != len(data):
        raise ValueError(f"weights use {offset} bytes but the shard has {len(data)}")
    return weights


class GraphBuilder:
    """Collects nodes and initialisers with readable, deterministic names."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: dict[str, np.ndarray] = {}

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits[name] = value
        return name

    def node(self, op: str, inputs: list[str], name: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def conv(self, x: str, w: dict[str, np.ndarray], prefix: str, conv: dict) -> str:
        """Conv + bias + dlib's affine (`scale`) layer, folded into one Conv."""
        filters = w[f"{prefix}/conv/filters"].astype(np.float64)  # HWIO
        bias = w[f"{prefix}/conv/bias"].astype(np.float64)
        gamma = w[f"{prefix}/scale/weights"].astype(np.float64)
        beta = w[f"{prefix}/scale/biases"].astype(np.float64)
        kernel = (filters * gamma).transpose(3, 2, 0, 1).astype(np.float32)  # OIHW
        folded_bias = (bias * gamma + beta).astype(np.float32)
        k_name = self.const(f"{prefix}/W", np.ascontiguousarray(kernel))
        b_name = self.const(f"{prefix}/B", folded_bias)
        size = int(kernel.shape[2])
        return self.node(
            "Conv",
            [x, k_name, b_name],
            f"{prefix}/conv",
            kernel_shape=[size, size],
            strides=[conv["stride"]] * 2,
            pads=[conv["pad"]] * 4,
        )

    def relu(self, x: str, name: str) -> str:
        return self.node("Relu", [x], name)


def residual_block(g: GraphBuilder, w: dict, x: str, block: str, kind: str, size: int) -> tuple[str, int]:
    """One dlib residual block; returns the output name and its spatial size."""
    if kind == "same":
        a = g.relu(g.conv(x, w, f"{block}/conv1", {"stride": 1, "pad": 1}), f"{block}/relu1")
        b = g.conv(a, w, f"{block}/conv2", {"stride": 1, "pad": 1})
        return g.relu(g.node("Add", [b, x], f"{block}/add"), f"{block}/out"), size
    # Down block: strided 'valid' conv on the main path, 2x2 average pool on the skip path.
    a = g.relu(g.conv(x, w, f"{block}/conv1", {"stride": 2, "pad": 0}), f"{block}/relu1")
    b = g.conv(a, w, f"{block}/conv2", {"stride": 1, "pad": 1})
    skip = g.node("AveragePool", [x], f"{block}/pool", kernel_shape=[2, 2], strides=[2, 2])
    conv_size = (size - 3) // 2 + 1
    pool_size = size // 2
    in_ch = int(w[f"{block}/conv1/conv/filters"].shape[2])
    out_ch = int(w[f"{block}/conv1/conv/filters"].shape[3])
    if conv_size != pool_size:
        # dlib adds tensors of different sizes by zero-padding the smaller one (bottom/right).
        extra = pool_size - conv_size
        pads = g.const(f"{block}/pads_hw", np.array([0, 0, 0, 0, 0, 0, extra, extra], np.int64))
        b = g.node("Pad", [b, pads], f"{block}/pad_hw")
    if in_ch != out_ch:
        # ... and the skip path's missing channels are zeros.
        pads = g.const(f"{block}/pads_c", np.array([0, 0, 0, 0, 0, out_ch - in_ch, 0, 0], np.int64))
        skip = g.node("Pad", [skip, pads], f"{block}/pad_c")
    return g.relu(g.node("Add", [skip, b], f"{block}/add"), f"{block}/out"), pool_size


def build_model(w: dict[str, np.ndarray]) -> onnx.ModelProto:
    g = GraphBuilder()
    mean = g.const("input/mean", np.array(MEAN_RGB, np.float32).reshape(1, 3, 1, 1))
    scale = g.const("input/scale", np.array(INPUT_SCALE, np.float32))
    x = g.node("Sub", ["image", mean], "input/centred")
    x = g.node("Mul", [x, scale], "input/normalised")
    x = g.relu(g.conv(x, w, "conv32_down", {"stride": 2, "pad": 0}), "conv32_down/out")
    x = g.node("MaxPool", [x], "pool", kernel_shape=[3, 3], strides=[2, 2])
    size = ((CHIP - 7) // 2 + 1 - 3) // 2 + 1
    for block, kind in BLOCKS:
        x, size = residual_block(g, w, x, block, kind, size)
    x = g.node("ReduceMean", [x], "global_mean", axes=[2, 3], keepdims=0)
    fc = g.const("fc", w["fc"])
    g.nodes.append(helper.make_node("MatMul", [x, fc], ["descriptor"], name="fc"))

    inits = [numpy_helper.from_array(g.inits[name], name) for name in sorted(g.inits)]
    graph = helper.make_graph(
        g.nodes,
        "dlib_face_recognition_resnet_v1",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, CHIP, CHIP])],
        [helper.make_tensor_value_info("descriptor", TensorProto.FLOAT, ["N", 128])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    model.producer_name = PRODUCER
    model.producer_version = PRODUCER_VERSION
    model.doc_string = (
        "dlib face recognition ResNet v1 (weights CC0/public domain, TFJS packaging by "
        "@vladmandic/face-api, MIT). Input RGB 0..255 150x150 chip, output 128-D descriptor."
    )
    onnx.checker.check_model(model)
    return model


# ---- independent numpy reference (NHWC, unfused), used by --check ----

def np_conv(x: np.ndarray, filters: np.ndarray, stride: int, pad: int) -> np.ndarray:
    """NHWC x HWIO convolution via strided windows."""
    if pad:
        x = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    kh, kw = filters.shape[:2]
    n, h, wd, c = x.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    s = x.strides
    windows = np.lib.stride_tricks.as_strided(
        x, (n, oh, ow, kh, kw, c), (s[0], s[1] * stride, s[2] * stride, s[1], s[2], s[3])
    )
    return np.tensordot(windows, filters, axes=([3, 4, 5], [0, 1, 2]))


def np_layer(x, w, prefix, stride, pad, relu):
    out = np_conv(x, w[f"{prefix}/conv/filters"], stride, pad) + w[f"{prefix}/conv/bias"]
    out = out * w[f"{prefix}/scale/weights"] + w[f"{prefix}/scale/biases"]
    return np.maximum(out, 0) if relu else out


def np_forward(chips_nhwc: np.ndarray, w: dict[str, np.ndarray]) -> np.ndarray:
    x = (chips_nhwc.astype(np.float64) - np.array(MEAN_RGB)) / 256.0
    x = np_layer(x, w, "conv32_down", 2, 0, True)
    n, h, wd, c = x.shape
    oh, ow = (h - 3) // 2 + 1, (wd - 3) // 2 + 1
    x = np.max([x[:, i : i + 2 * oh : 2, j : j + 2 * ow : 2] for i in range(3) for j in range(3)], axis=0)
    for block, kind in BLOCKS:
        if kind == "same":
            y = np_layer(x, w, f"{block}/conv1", 1, 1, True)
            y = np_layer(y, w, f"{block}/conv2", 1, 1, False)
            x = np.maximum(y + x, 0)
            continue
        y = np_layer(x, w, f"{block}/conv1", 2, 0, True)
        y = np_layer(y, w, f"{block}/conv2", 1, 1, False)
        ph, pw = x.shape[1] // 2, x.shape[2] // 2
        pooled = x[:, : 2 * ph, : 2 * pw].reshape(x.shape[0], ph, 2, pw, 2, x.shape[3]).mean(axis=(2, 4))
        summed = np.zeros((x.shape[0], ph, pw, y.shape[3]))
        summed[:, : y.shape[1], : y.shape[2], :] += y
        summed[..., : pooled.shape[3]] += pooled
        x = np.maximum(summed, 0)
    return x.mean(axis=(1, 2)) @ w["fc"].astype(np.float64)


def synthetic_chips(count: int) -> np.ndarray:
    """Smooth, face-sized random images (fixed seed) so activations look like real ones."""
    rng = np.random.default_rng(20260101)
    coarse = rng.uniform(0, 255, size=(count, 10, 10, 3))
    fine = np.repeat(np.repeat(coarse, 15, axis=1), 15, axis=2)
    return np.clip(fine + rng.normal(0, 12, size=fine.shape), 0, 255).astype(np.float32)


def check(w: dict[str, np.ndarray], model: onnx.ModelProto) -> int:
    chips = synthetic_chips(3)
    reference = np_forward(chips, w)
    print(f"numpy reference descriptor norms: {np.linalg.norm(reference, axis=1).round(4)}")
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime not importable: ONNX graph not compared")
        return 0
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    nchw = np.ascontiguousarray(chips.transpose(0, 3, 1, 2))
    (got,) = session.run(["descriptor"], {"image": nchw})
    diff = float(np.abs(got - reference).max())
    print(f"max |onnx - numpy| = {diff:.3g}")
    return 0 if diff < 1e-4 else 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manifest", type=Path)
    parser.add_argument("weights", type=Path)
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--check", action="store_true", help="compare with a numpy forward pass")
    args = parser.parse_args(argv)
    weights = load_weights(args.manifest, args.weights)
    model = build_model(weights)
    if args.output:
        args.output.write_bytes(model.SerializeToString())
    if args.check:
        return check(weights, model)
    if not args.output:
        parser.error("give -o OUT.onnx or --check")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
