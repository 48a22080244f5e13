#!/usr/bin/env python3
"""Reference figures of PassportEye (Tesseract-based MRZ reader) on a labelled document folder,
for comparison with `ekyc eval documents`. Not part of CI: it needs Debian `tesseract-ocr` and
PyPI `PassportEye` in a separate venv, e.g.

    apt-get install -y tesseract-ocr
    python3 -m venv /tmp/pe-venv && /tmp/pe-venv/bin/pip install PassportEye
    /tmp/pe-venv/bin/python tools/documents/bench_passporteye.py ../shared/data/documents

Reads DIR/labels.csv (file,doc_type,mrz,...; `mrz` lines joined with '|', empty for images
without an MRZ) and prints the exact-MRZ rate (every line equal to the label), how many images
PassportEye found no MRZ on, how many of its readings passed its own check-digit test, and the
wall-clock ms per image (median / max; Tesseract may start several processes per image)."""

import argparse
import csv
import os
import statistics
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    try:
        from passporteye import read_mrz
    except ImportError:
        sys.exit("PassportEye is not installed in this Python (see the module docstring)")
    with open(os.path.join(args.dir, "labels.csv"), newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("mrz")]
    rows = rows[: args.limit] if args.limit else rows
    exact = found = valid = 0
    ms = []
    for row in rows:
        started = time.perf_counter()
        try:
            mrz = read_mrz(os.path.join(args.dir, row["file"]))
        except Exception as e:  # PassportEye raises on images it cannot segment
            print(f"{row['file']}: PassportEye failed: {e}", file=sys.stderr)
            mrz = None
        ms.append((time.perf_counter() - started) * 1000)
        text = ""
        if mrz is not None:
            found += 1
            valid += bool(mrz.valid)
            text = "|".join(line.strip() for line in mrz.aux.get("raw_text", "").splitlines() if line.strip())
        hit = text == row["mrz"]
        exact += hit
        if args.verbose and not hit:
            print(f"{row['file']}: want {row['mrz']!r} got {text!r}")
    n = len(rows)
    pct = lambda k: 100.0 * k / max(n, 1)  # noqa: E731
    print(f"PassportEye on {args.dir}: {n} images with an MRZ")
    print("| measure | value |\n|---|---|")
    print(f"| exact full MRZ | {pct(exact):.1f} % ({exact}/{n}) |")
    print(f"| MRZ found | {found}/{n} |")
    print(f"| its own check digits valid | {valid}/{n} |")
    if ms:
        print(f"| wall ms per image (median / max) | {statistics.median(ms):.0f} / {max(ms):.0f} |")


if __name__ == "__main__":
    main()
