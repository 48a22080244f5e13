#!/usr/bin/env python3
"""Labelled single-photo anti-spoof sets for `ekyc eval spoof`: screen recaptures of face photos
against clean controls.

    python tools/faces/gen_spoofs.py OUT_DIR --split tune|holdout [--per-kind 40]
    python tools/faces/gen_spoofs.py OUT_DIR --fixture     # the small test fixture pair

Spoofs (label `spoof`):
- `screen`: a face photo shown on a display (tools/alarms/attacks.screen_doc: the photo resampled
  to the display's pixels, R/G/B sub-pixel stripes at 1.1-4 px pitch, gamma, white point, raised
  blacks, sometimes a bezel) and photographed by tools/alarms/capture.capture (perspective,
  background, uneven light, auto-exposure, optics blur, sensor noise, JPEG 70-95), sometimes
  with a soft glare, sometimes zoomed in so the display fills the frame, sometimes saved again
  smaller (as apps do).
Controls (label `live`):
- `rephoto`: the original photo as a camera would give it: resized, mild blur, light, sensor
  noise, JPEG.
- `portrait`: a synthetic passport page (tools/alarms/render_doc) photographed cleanly, then cut
  to the portrait with a margin (what a reference photo often is).
- `page`: a real specimen document page (DATA/documents) photographed cleanly, whole.
Print attacks (label `print`: not the check's target, reported apart from TPR and FPR):
- `print`: the photo printed with an AM halftone (CMYK rosette at 0.9-2.5 px per cell, paper
  white, as a laser printer or a magazine) and photographed like a document. A selfie printed
  so is an attack; a passport portrait is not printed so (dye sublimation, laser engraving,
  stochastic inkjet), which the real specimens in DATA/documents check.

Tune and hold-out use different seeds, different face identities and different specimen files
(tools/alarms/generate.sources). Writes OUT_DIR/labels.csv: file,label,kind,severity,source.
"""

import argparse
import csv
import os
import sys

import numpy as np
from PIL import Image, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "alarms"))
import attacks  # noqa: E402
from capture import apply_h, capture, jpeg, lighting, sensor  # noqa: E402
from generate import sources  # noqa: E402
from render_doc import render  # noqa: E402

SEEDS = {"tune": 3003, "holdout": 4004, "fixture": 5005}
KINDS = [("screen", "spoof"), ("rephoto", "live"), ("print", "print"), ("portrait", "live"),
         ("page", "live")]


def maybe_shrink(img, rng, p=0.3):
    """Apps often send a smaller copy: resize to 55-85 % and save again."""
    if rng.random() >= p:
        return img
    k = rng.uniform(0.55, 0.85)
    small = img.resize((max(1, int(img.width * k)), max(1, int(img.height * k))), Image.BILINEAR)
    return jpeg(small, rng.integers(75, 95))


def screen(photo, rng, severity):
    """The photo on a display, photographed."""
    variant, params, hooks = attacks.screen(rng, severity)
    if rng.random() < 0.4:
        # Zoomed in: the display (and the face) fills the frame, no bezel in view.
        params["fill"] = rng.uniform(1.0, 1.4)
    img, _, _ = capture(photo, rng, params, hooks)
    return maybe_shrink(img, rng), variant


def rephoto(photo, rng):
    """The photo as a phone camera delivers it: no recapture artefacts."""
    long_side = int(rng.integers(700, 1400))
    k = long_side / max(photo.size)
    img = photo.resize((max(1, int(photo.width * k)), max(1, int(photo.height * k))),
                       Image.BICUBIC if k > 1 else Image.LANCZOS)
    arr = lighting(np.asarray(img, np.float32), rng, rng.uniform(0.0, 0.5))
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    blur = rng.uniform(0.0, 1.0)
    if blur > 0.05:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    arr = sensor(np.asarray(out, np.float32), rng, rng.uniform(1.0, 5.0))
    out = jpeg(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), rng.integers(70, 96))
    return maybe_shrink(out, rng), "rephoto"


def halftone(photo, rng, cell):
    """CMYK halftone: each ink a screen of round dots on its own angle (15/75/0/45 degrees),
    `cell` output pixels per dot, on paper."""
    arr = np.asarray(photo, np.float32) / 255.0
    h, w = arr.shape[:2]
    k = 1 - arr.max(-1)
    cmy = (1 - arr - k[..., None]) / np.maximum(1 - k[..., None], 1e-3)
    inks = [cmy[..., 0], cmy[..., 1], cmy[..., 2], k]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cover = []
    for ink, ang in zip(inks, (15, 75, 0, 45)):
        a = np.deg2rad(ang + rng.uniform(-2, 2))
        u = (xx * np.cos(a) + yy * np.sin(a)) / cell
        v = (-xx * np.sin(a) + yy * np.cos(a)) / cell
        # Distance to the dot centre in cell units; a dot of area `ink` covers r < sqrt(ink/pi).
        d = np.hypot(u - np.round(u), v - np.round(v))
        cover.append((d < np.sqrt(np.clip(ink, 0, 1) / np.pi)).astype(np.float32))
    c, m, y, kk = cover
    paper = rng.uniform(235, 250)
    rgb = np.stack([(1 - c), (1 - m), (1 - y)], -1) * (1 - kk[..., None]) * paper
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def printed(photo, rng, severity):
    """The photo printed and photographed like a document."""
    cell = [rng.uniform(0.9, 1.3), rng.uniform(1.3, 1.8), rng.uniform(1.8, 2.5)][severity - 1]
    long_side = int(rng.integers(900, 1300))
    k = long_side / max(photo.size)
    big = photo.resize((max(1, int(photo.width * k * 2)), max(1, int(photo.height * k * 2))),
                       Image.BICUBIC)
    page = halftone(big, rng, cell * 2).filter(ImageFilter.GaussianBlur(0.6))
    variant, params, hooks = attacks.clean(rng)
    params["scan"] = False
    params["long_side"] = long_side
    params["fill"] = rng.uniform(0.7, 1.2)
    img, _, _ = capture(page, rng, params, hooks)
    return maybe_shrink(img, rng), "print"


def portrait(face_path, rng):
    """A synthetic passport page photographed, cut to the portrait with a margin."""
    doc, info = render(rng, face_path, px_per_mm=rng.uniform(7, 11))
    variant, params, hooks = attacks.clean(rng)
    img, _, h_fwd = capture(doc, rng, params, hooks)
    x0, y0, x1, y1 = info["boxes"]["portrait"]
    mx, my = 0.25 * (x1 - x0), 0.2 * (y1 - y0)
    pts = apply_h(h_fwd, [(x0 - mx, y0 - my), (x1 + mx, y0 - my), (x1 + mx, y1 + my),
                          (x0 - mx, y1 + my)])
    lo = np.maximum(pts.min(0), 0)
    hi = np.minimum(pts.max(0), [img.width, img.height])
    crop = img.crop((int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1])))
    return jpeg(crop, rng.integers(80, 96)), "portrait_" + variant


def page(doc_path, rng):
    doc = Image.open(doc_path).convert("RGB")
    variant, params, hooks = attacks.clean(rng)
    img, _, _ = capture(doc, rng, params, hooks)
    return img, "page_" + variant


def make(kind, severity, rng, faces, docs):
    face_path = faces[rng.integers(len(faces))]
    photo = Image.open(face_path).convert("RGB")
    source = os.path.basename(face_path)
    if kind == "screen":
        img, variant = screen(photo, rng, severity)
    elif kind == "rephoto":
        img, variant = rephoto(photo, rng)
    elif kind == "print":
        img, variant = printed(photo, rng, severity)
    elif kind == "portrait":
        img, variant = portrait(face_path, rng)
    else:
        doc_path = docs[rng.integers(len(docs))]
        img, variant = page(doc_path, rng)
        source = os.path.basename(doc_path)
    return img, variant, source


def fixture(out, data):
    """Two small images for the server tests: a screen recapture and its clean rephoto."""
    rng = np.random.default_rng(SEEDS["fixture"])
    photo = Image.open(os.path.join(data, "faces", "images", "faceapijs__sheldon_sheldon1.jpg"))
    photo = photo.convert("RGB")
    _, params, hooks = attacks.screen(rng, 2)
    params.update({"long_side": 720, "fill": 1.15, "blur": 0.3, "quality": 90})
    hooks.pop("scene", None)
    img, _, _ = capture(photo, rng, params, hooks)
    img.save(os.path.join(out, "spoof_screen.jpg"), quality=90)
    print(f"wrote {out}/spoof_screen.jpg", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--split", choices=["tune", "holdout"], default="tune")
    ap.add_argument("--per-kind", type=int, default=40,
                    help="images per kind; screen gets twice as many")
    ap.add_argument("--data", default=os.environ.get("EKYC_TEST_DATA", "../shared/data"))
    ap.add_argument("--seed", type=int, help="override the split's seed")
    ap.add_argument("--fixture", action="store_true", help="write the test fixture only")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.fixture:
        fixture(args.out, args.data)
        return
    seed = args.seed if args.seed is not None else SEEDS[args.split]
    rng = np.random.default_rng(seed)
    docs, faces = sources(args.data, args.split)
    jobs = []
    for kind, label in KINDS:
        n = args.per_kind * (2 if kind == "screen" else 1)
        jobs += [(kind, label, 1 + i % 3) for i in range(n)]
    rows = []
    for i, (kind, label, severity) in enumerate(jobs):
        img, variant, source = make(kind, severity, rng, faces, docs)
        name = f"{args.split}_{i:04d}.jpg"
        img.save(os.path.join(args.out, name), quality=95)
        rows.append((name, label, variant, severity, source))
        print(f"[{i + 1}/{len(jobs)}] {name} {label} {variant} s{severity} {source}",
              file=sys.stderr)
    with open(os.path.join(args.out, "labels.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "label", "kind", "severity", "source"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
