#!/usr/bin/env python3
"""Measure where CenterFace's 5 landmarks land in dlib's 150x150 face chip (padding 0.25).

The descriptor net was trained on chips dlib cuts with `get_face_chip_details(shape, 150, 0.25)`
from its own 5-point shape predictor. We align with CenterFace's points instead, so the
template of `crates/ekyc-face/src/align.rs` is measured with this script:

  1. `cargo run -p ekyc-face --release --example dump_faces -- IMAGES... > faces.jsonl`
     (the Rust detector's largest face per image, exactly as the pipeline sees it);
  2. for each image, dlib (frontal detector + `shape_predictor_5_face_landmarks.dat`) gives
     the chip details; cutting images of the x and y coordinates with the same details and
     fitting an affine map to them recovers dlib's exact chip -> image mapping;
  3. CenterFace's points are mapped into chip coordinates; the per-point mean is the template.

A development tool only (never run by the product): needs `dlib-bin`, `numpy`, `Pillow`, and
`shape_predictor_5_face_landmarks.dat` (CC0) from PyPI `face_recognition_models`.

Usage: fit_chip_template.py faces.jsonl shape_predictor_5_face_landmarks.dat
"""

from __future__ import annotations

import json
import sys

import dlib
import numpy as np
from PIL import Image

CHIP = 150
PADDING = 0.25


def chip_to_image(image: np.ndarray, details) -> np.ndarray:
    """2x3 affine A with image_xy = A @ (col, row, 1), recovered from coordinate ramps."""
    h, w = image.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    cx = dlib.extract_image_chip(np.ascontiguousarray(xs), details)
    cy = dlib.extract_image_chip(np.ascontiguousarray(ys), details)
    r, c = np.mgrid[0:CHIP, 0:CHIP]
    # Stay off the border, where dlib's zero padding bends the ramps.
    inner = (r > 10) & (r < CHIP - 10) & (c > 10) & (c < CHIP - 10)
    design = np.stack([c[inner], r[inner], np.ones(inner.sum())], 1)
    target = np.stack([cx[inner], cy[inner]], 1)
    solution, *_ = np.linalg.lstsq(design, target, rcond=None)
    return solution.T


def main(faces_jsonl: str, predictor_path: str) -> int:
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(predictor_path)
    points = []
    for line in open(faces_jsonl, encoding="utf-8"):
        row = json.loads(line)
        if not row.get("face"):
            print(f"skip {row['file']}: no CenterFace face", file=sys.stderr)
            continue
        image = np.array(Image.open(row["file"]).convert("RGB"))
        dets = detector(image, 1) or detector(image, 2)
        if not dets:
            print(f"skip {row['file']}: dlib finds no face", file=sys.stderr)
            continue
        landmarks = np.array(row["face"]["landmarks"], dtype=np.float64)
        # dlib's face nearest to CenterFace's (group photos).
        det = min(dets, key=lambda d: np.hypot(d.center().x - landmarks[:, 0].mean(),
                                               d.center().y - landmarks[:, 1].mean()))
        details = dlib.get_face_chip_details(predictor(image, det), CHIP, PADDING)
        affine = np.vstack([chip_to_image(image, details), [0, 0, 1]])
        to_chip = np.linalg.inv(affine)[:2]
        points.append((to_chip @ np.hstack([landmarks, np.ones((5, 1))]).T).T)
    pts = np.array(points)
    print(f"{len(pts)} faces")
    print("template (x, y per point):")
    for mean, std in zip(pts.mean(0), pts.std(0)):
        print(f"    [{mean[0]:.3f}, {mean[1]:.3f}],  // spread {std[0]:.1f}, {std[1]:.1f} px")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
