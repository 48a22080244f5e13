#!/usr/bin/env python3
"""Side-by-side speed of the Python `face_recognition` package (dlib) on the image
`ekyc bench faces` uses; that command runs this script with `--dlib-python PY` and adds the rows
to its table. Not run in CI.

Separate venv, wheels only (nothing compiles; face-recognition-models is a data-only sdist):

    python3 -m venv .venv-dlib
    .venv-dlib/bin/pip install --only-binary=:all: dlib-bin==20.0.1.post1 numpy pillow click
    .venv-dlib/bin/pip install --no-deps face-recognition==1.3.0 face-recognition-models==0.3.0
    .venv-dlib/bin/python tools/faces/bench_dlib.py --image selfie.jpg --runs 20

Timed like ekyc's rows (median and p90 in ms over `--runs` after one warm-up run):
- detect: dlib's HOG detector (face_recognition's default, 1 upsample);
- detect + embed: HOG, 5-point shape predictor, ResNet descriptor (1 jitter);
- full compare: decode the JPEG twice, describe both, Euclidean distance.
Prints JSON rows {name, median, p90} with `--json`, else a table."""

import argparse
import json
import math
import time

import face_recognition
import numpy as np


def timed(runs, fn):
    fn()
    ms = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    # Same order statistics as ekyc's bench: element n/2 and element ceil(0.9 n) - 1.
    return ms[len(ms) // 2], ms[min(len(ms), math.ceil(0.9 * len(ms))) - 1]


def describe(image):
    boxes = face_recognition.face_locations(image)
    if not boxes:
        raise SystemExit("no face found by dlib's HOG detector")
    largest = max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))
    return face_recognition.face_encodings(image, [largest])[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--image", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    image = face_recognition.load_image_file(args.image)

    def compare():
        a = describe(face_recognition.load_image_file(args.image))
        b = describe(face_recognition.load_image_file(args.image))
        return float(np.linalg.norm(a - b))

    rows = []
    for name, fn in [
        ("dlib (face_recognition 1.3.0): detect (HOG)",
         lambda: face_recognition.face_locations(image)),
        ("dlib (face_recognition 1.3.0): detect + landmarks + embed", lambda: describe(image)),
        ("dlib (face_recognition 1.3.0): full compare: decode 2 JPEGs + 2 × describe", compare),
    ]:
        median, p90 = timed(args.runs, fn)
        rows.append({"name": name, "median": median, "p90": p90})
    if args.json:
        print(json.dumps(rows))
    else:
        for r in rows:
            print(f"| {r['name']} | {r['median']:.1f} | {r['p90']:.1f} |")


if __name__ == "__main__":
    main()
