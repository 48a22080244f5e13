#!/usr/bin/env python3
"""Labelled phone-like photos of MRZ documents for `ekyc eval documents`.

    python tools/documents/generate.py OUT_DIR --seed 7 --count 500 [--data ../shared/data]
        [--max-side PX]

Each image is a synthetic TD3 passport page, TD2 or TD1 card (render_card.py; some TD3 pages
from tools/alarms/render_doc.py) with a random check-digit-valid MRZ, or a card front without
an MRZ (about 4 %), photographed by the camera simulation of tools/alarms/capture.py: clutter on
the table, rotation up to +-20 degrees, perspective, uneven light, blur, noise, JPEG; then the
whole photo is turned by 0, 90, 180 or 270 degrees (a phone held any way). A few are flat scans.
Writes OUT_DIR/labels.csv: file,doc_type,mrz,variant,source (MRZ lines joined with '|', empty
when the image has none), and OUT_DIR/viz.csv for the TD3 pages of render_card.py, which carry a
labelled visual zone (viz_fields.py): file,surname,given_names,passport_id,date_of_birth,
date_of_issuance,date_of_expiration,birth_place,issue_place,consistent,date_style (dates
DD/MM/YYYY; consistent=0 when the printed zone disagrees with the MRZ on purpose). Deterministic for a given seed; tune on one seed, report on another."""

import argparse
import csv
import os
import sys

# One BLAS thread: numpy's threads only fight each other (and the reader) on a small box.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "alarms"))
import render_card  # noqa: E402
import render_doc  # noqa: E402
from capture import capture  # noqa: E402

CLUTTER_FONTS = [render_doc.SANS, render_doc.SANS_BOLD, render_doc.SERIF]
WORDS = ["RECEIPT", "TOTAL", "Boarding pass", "GATE 12", "Invoice 2024-118", "Notes:",
         "Meeting at 10:30", "COFFEE 3.50", "Seat 14C", "www.example.org", "Tel 0123 456 789"]


def faces_of(data):
    with open(os.path.join(data, "faces", "identities.csv")) as fh:
        return [os.path.join(data, "faces", row["file"]) for row in csv.DictReader(fh)]


VIZ_COLUMNS = ["surname", "given_names", "passport_id", "date_of_birth", "date_of_issuance",
               "date_of_expiration", "birth_place", "issue_place", "consistent", "date_style"]


def page(rng, faces, viz):
    """(page image, doc_type, MRZ lines, source); `viz` receives a TD3 page's visual zone."""
    face = faces[int(rng.integers(len(faces)))]
    px_per_mm = rng.uniform(6, 11)
    r = rng.random()
    if r < 0.04:
        img, _ = render_card.render(rng, "TD1", face, px_per_mm, with_mrz=False)
        return img, "none", [], "card front"
    if r < 0.16:
        img, info = render_doc.render(rng, face, px_per_mm)
        return img, "TD3", info["mrz"], "render_doc"
    fmt = "TD3" if r < 0.50 else ("TD1" if r < 0.78 else "TD2")
    img, lines = render_card.render(rng, fmt, face, px_per_mm, viz=viz)
    return img, fmt, lines, "render_card"


def clutter(rng):
    """A `scene` hook painting objects on the table around (never over) the document."""
    def hook(img, corners):
        h, w = img.shape[:2]
        layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        for _ in range(int(rng.integers(0, 7))):
            colour = tuple(int(c) for c in rng.integers(0, 256, size=3)) + (255,)
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            kind = rng.random()
            if kind < 0.35:
                s = rng.uniform(0.03, 0.12) * w
                d.ellipse((x, y, x + s, y + s), fill=colour)
            elif kind < 0.6:
                d.line((x, y, x + rng.uniform(-0.4, 0.4) * w, y + rng.uniform(-0.4, 0.4) * h),
                       fill=colour, width=int(rng.integers(2, 12)))
            else:
                # Printed text (a receipt, a ticket): dark words on a light slip.
                size = int(rng.uniform(0.012, 0.03) * w)
                font = ImageFont.truetype(CLUTTER_FONTS[int(rng.integers(3))], max(size, 8))
                rows = [WORDS[int(rng.integers(len(WORDS)))] for _ in range(int(rng.integers(1, 5)))]
                bw = max(font.getlength(t) for t in rows) + size
                d.rectangle((x, y, x + bw, y + size * 1.4 * len(rows) + size), fill=(240, 238, 230, 255))
                for i, t in enumerate(rows):
                    d.text((x + size / 2, y + size / 2 + i * size * 1.4), t, font=font, fill=(30, 30, 30, 255))
        # Keep the document itself clear.
        mask = Image.new("L", (w, h), 255)
        ImageDraw.Draw(mask).polygon([tuple(p) for p in corners], fill=0)
        alpha = np.asarray(layer, np.float32)[..., 3:] / 255 * (np.asarray(mask, np.float32)[..., None] / 255)
        rgb = np.asarray(layer, np.float32)[..., :3]
        return img * (1 - alpha) + rgb * alpha
    return hook


def photograph(rng, doc):
    """(photo, variant description)."""
    if rng.random() < 0.08:
        params = {"scan": True, "scan_margin": rng.uniform(0.0, 0.3)}
        img, _, _ = capture(doc, rng, params)
        variant = "scan"
    else:
        params = {"max_rot": 20, "persp": rng.uniform(0.0, 0.045), "fill": rng.uniform(0.55, 0.95),
                  "long_side": int(rng.integers(1000, 1900)), "blur": rng.uniform(0.0, 1.2)}
        if rng.random() < 0.1:
            params["motion"] = rng.uniform(2, 5)
        # The whole document in the frame: a smaller fill until the rotated page fits.
        for _ in range(8):
            img, corners, _ = capture(doc, rng, params, {"scene": clutter(rng)})
            inside = (corners >= 0).all() and (corners[:, 0] < img.width).all() and (
                corners[:, 1] < img.height).all()
            if inside:
                break
            params["fill"] *= 0.9
        variant = f"photo fill {params['fill']:.2f} persp {params['persp']:.3f}"
    quarter = int(rng.choice([0, 0, 1, 2, 3]))
    if quarter:
        img = img.rotate(-90 * quarter, expand=True)
    return img, f"{variant} turn {90 * quarter}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--data", default=os.environ.get("EKYC_TEST_DATA", "../shared/data"))
    ap.add_argument("--prefix", default="s", help="file name prefix")
    ap.add_argument("--max-side", type=int, help="shrink photos to at most this many px (small test fixtures)")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    faces = faces_of(args.data)
    os.makedirs(args.out, exist_ok=True)
    # Rows are written as they come, so a stopped run still leaves a usable set.
    with open(os.path.join(args.out, "labels.csv"), "w", newline="") as fh, \
            open(os.path.join(args.out, "viz.csv"), "w", newline="") as vh:
        w = csv.writer(fh)
        w.writerow(["file", "doc_type", "mrz", "variant", "source"])
        vw = csv.writer(vh)
        vw.writerow(["file"] + VIZ_COLUMNS)
        for i in range(args.count):
            viz = {}
            doc, doc_type, lines, source = page(rng, faces, viz)
            img, variant = photograph(rng, doc)
            if args.max_side:
                img.thumbnail((args.max_side, args.max_side), Image.LANCZOS)
            name = f"{args.prefix}{args.seed}_{i:04d}.jpg"
            img.save(os.path.join(args.out, name), quality=int(rng.integers(80, 96)))
            w.writerow((name, doc_type, "|".join(lines), variant, source))
            if viz:
                vw.writerow([name] + [viz[c] for c in VIZ_COLUMNS])
            fh.flush()
            vh.flush()
            print(f"[{i + 1}/{args.count}] {name} {doc_type} {variant}", file=sys.stderr)


if __name__ == "__main__":
    main()
