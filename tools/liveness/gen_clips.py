"""Deterministic generator of labelled liveness test clips (see README.md).

python gen_clips.py OUT_DIR [--seed N] [--set tune|holdout] [--jobs 2] [--only SUBSTRING] [--keep]
Writes the clips and OUT_DIR/videos.csv (file,mode,validate_data,expected,notes,source,license)."""

import argparse
import csv
import multiprocessing
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import attacks  # noqa: E402
import badinputs  # noqa: E402
import conditions  # noqa: E402
import lip  # noqa: E402
from plan import make_plan  # noqa: E402
from sources import DEFAULT_SEED  # noqa: E402

KINDS = {
    "print": attacks.print_attack,
    "replay": attacks.replay_attack,
    "multiface": attacks.multiface,
    "mask": attacks.mask,
    "cutout": attacks.cutout,
    "live": conditions.live_control,
    "lighting": conditions.lighting,
    "framing": conditions.framing,
    "noface": conditions.no_face,
    "headmotion": conditions.head_motion,
    "bad": badinputs.bad_input,
    "lip": lip.lip_clip,
}


def run_job(args):
    job, out_dir = args
    t0 = time.time()
    path = os.path.join(out_dir, job["file"])
    KINDS[job["kind"]](job, path, np.random.default_rng(job["seed"]))
    return job["file"], time.time() - t0, os.path.getsize(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--set", default="tune", choices=["tune", "holdout"])
    ap.add_argument("--seed", type=int, default=None, help="default: 1001 for tune, 2002 for holdout")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="", help="generate only clips whose file name contains this")
    ap.add_argument("--keep", action="store_true", help="keep clips already in OUT_DIR (list them, do not remake)")
    a = ap.parse_args()
    seed = DEFAULT_SEED[a.set] if a.seed is None else a.seed
    if a.seed is not None and a.seed == DEFAULT_SEED["holdout" if a.set == "tune" else "tune"]:
        print(f"warning: seed {a.seed} is the other set's default seed", file=sys.stderr)
    jobs = make_plan(a.set, seed)
    os.makedirs(a.out_dir, exist_ok=True)
    todo = [j for j in jobs if a.only in j["file"]]
    t0 = time.time()
    with multiprocessing.Pool(a.jobs) as pool:
        make = [j for j in todo if not (a.keep and os.path.exists(os.path.join(a.out_dir, j["file"])))]
        for name, secs, size in pool.imap_unordered(run_job, [(j, a.out_dir) for j in make]):
            print(f"{name:55s} {secs:5.1f} s {size / 1e6:5.2f} MB", flush=True)
    with open(os.path.join(a.out_dir, "videos.csv"), "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["file", "mode", "validate_data", "expected", "notes", "source", "license"])
        for j in todo:
            for mode, vd, expected, notes in j["rows"]:
                wr.writerow([j["file"], mode, vd, expected, notes, j["source"], j["license"]])
    rows = sum(len(j["rows"]) for j in todo)
    print(f"{a.set} seed {seed}: {len(todo)} clips, {rows} rows in {time.time() - t0:.0f} s -> {a.out_dir}")


if __name__ == "__main__":
    main()
