#!/usr/bin/env python3
"""Labelled document-attack sets for `ekyc eval alarms`.

    python tools/alarms/generate.py OUT_DIR --split tune|holdout [--per-attack 30] [--clean 60]

Sources: the real specimens in DATA/documents (file names split in two halves: tune uses the
first half, holdout the second; d019 is not a document, and the black-and-white d001 and
d020 are left out) and synthetic TD3 pages rendered with a
random MRZ in OCR-B and a portrait from DATA/faces (identities split in two halves the same way).
Each image is a clean control or one attack at severity 1..3 (see attacks.py), photographed
by the capture simulation in capture.py. Writes OUT_DIR/labels.csv:
file,attack,severity,variant,source (attack = clean|covered|photocopy|screen|tampered|glare|blur).
Deterministic for a given split and seed."""

import argparse
import csv
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attacks  # noqa: E402
from capture import capture  # noqa: E402
from render_doc import render  # noqa: E402

ATTACKS = ["covered", "photocopy", "screen", "tampered", "glare", "blur"]
SEEDS = {"tune": 1001, "holdout": 2002}
NOT_DOCUMENTS = {"d019.jpg"}
# Black-and-white reproductions (a TD1 back printed black on white, a grey card back): any
# photo of them looks like a photocopy, so as clean controls they would be mislabelled. They
# are dropped after the split, so the tune/holdout halves keep the same files as before.
BLACK_AND_WHITE = {"d001.jpg", "d020.png"}


def sources(data, split):
    docs_dir = os.path.join(data, "documents")
    docs = sorted(f for f in os.listdir(docs_dir)
                  if f.lower().endswith((".jpg", ".png")) and f not in NOT_DOCUMENTS)
    half = len(docs) // 2
    docs = docs[:half] if split == "tune" else docs[half:]
    docs = [d for d in docs if d not in BLACK_AND_WHITE]
    ids = {}
    with open(os.path.join(data, "faces", "identities.csv")) as fh:
        for row in csv.DictReader(fh):
            ids.setdefault(row["identity"], []).append(os.path.join(data, "faces", row["file"]))
    names = sorted(ids)
    half = len(names) // 2
    names = names[:half] if split == "tune" else names[half:]
    faces = [f for n in names for f in ids[n]]
    return [os.path.join(docs_dir, d) for d in docs], faces


def make(rng, attack, severity, docs, faces):
    """One labelled image: (PIL image, variant, source name)."""
    synthetic = rng.random() < 0.5
    info = None
    if synthetic:
        face = faces[rng.integers(len(faces))]
        doc, info = render(rng, face, px_per_mm=rng.uniform(6, 10))
        source = "synthetic:" + os.path.basename(face)
    else:
        path = docs[rng.integers(len(docs))]
        doc = Image.open(path).convert("RGB")
        source = os.path.basename(path)
    other_face = faces[rng.integers(len(faces))]
    if attack == "clean":
        variant, params, hooks = attacks.clean(rng)
    elif attack == "tampered":
        variant, params, hooks = attacks.tampered(rng, severity, info, other_face)
    else:
        variant, params, hooks = getattr(attacks, attack)(rng, severity)
    img, _, _ = capture(doc, rng, params, hooks)
    return img, variant, source


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--split", choices=sorted(SEEDS), required=True)
    ap.add_argument("--per-attack", type=int, default=30)
    ap.add_argument("--clean", type=int, default=60)
    ap.add_argument("--data", default=os.environ.get("EKYC_TEST_DATA", "../shared/data"))
    ap.add_argument("--seed", type=int, help="override the split's seed")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else SEEDS[args.split]
    rng = np.random.default_rng(seed)
    docs, faces = sources(args.data, args.split)
    os.makedirs(args.out, exist_ok=True)
    jobs = [("clean", 0)] * args.clean
    for a in ATTACKS:
        jobs += [(a, 1 + i % 3) for i in range(args.per_attack)]
    rows = []
    for i, (attack, severity) in enumerate(jobs):
        img, variant, source = make(rng, attack, severity, docs, faces)
        name = f"{args.split}_{i:04d}.jpg"
        img.save(os.path.join(args.out, name), quality=95)
        rows.append((name, attack, severity, variant, source))
        print(f"[{i + 1}/{len(jobs)}] {name} {attack} s{severity} {variant} {source}", file=sys.stderr)
    with open(os.path.join(args.out, "labels.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "attack", "severity", "variant", "source"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
