"""The real material the clips are made from, and how the tune/holdout sets split it.

Face geometry of the live clips was measured once by hand on frame 0 (source pixels) from
frames extracted with ffmpeg; the mask and head-motion kinds then follow the face with a
phase-correlation tracker (track.py) started from that box."""

import csv
import os
from dataclasses import dataclass

DATA = os.environ.get("EKYC_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
LIVE_LICENSE = "MIT (LivePortrait repo licence; footage of real people, third-party)"
LP = "KwaiVGI/LivePortrait@1986663be3b6:assets/examples/driving/"


@dataclass(frozen=True)
class LiveClip:
    name: str          # short id used in file names
    file: str          # under liveness/
    source: str        # the source column of the real videos.csv
    eye_y: int         # frame 0, source pixels: eye line
    mouth_y: int       # mouth centre
    chin_y: int
    cx: int            # face centre x
    face_w: int        # cheek-to-cheek width
    pingpong: bool     # too short for ~6 s: played forward then backward
    mouth_events: str  # what it really contains (from the real videos.csv notes), "" if none
    blink_events: str

    @property
    def path(self):
        return os.path.join(DATA, "liveness", self.file)


CLIPS = {
    "d18": LiveClip("d18", "live_d18.mp4", LP + "d18.mp4[0.0-7.2s]", 226, 343, 398, 245, 225, False,
                    "mouth wide open 2.5-3.0 s and 4.5-5.0 s", "blinks at 3.2 s and 6.2 s"),
    "d19": LiveClip("d19", "live_d19_still_mouth.mp4", LP + "d19.mp4[0.9-5.1s]", 220, 343, 404, 245, 255, True,
                    "", ""),
    "d20": LiveClip("d20", "live_d20_talk.mp4", LP + "d20.mp4[0.0-7.0s]", 267, 372, 437, 250, 180, False,
                    "", ""),
    "d0": LiveClip("d0", "live_d0_short.mp4", LP + "d0.mp4[0.0-3.1s]", 235, 372, 424, 253, 255, True,
                   "", "blink at 2.6 s (and 3.6 s when played back)"),
}

# Identities split in two halves, each mixing both photo sources (face-api.js 150 px crops and
# face_recognition full photos); clips split the same way.
SPLIT = {
    "tune": {
        "identities": ["bbt_amy", "bbt_howard", "bbt_penny", "bbt_sheldon", "barack_obama", "alex_lacamoire",
                       "rose_leslie"],
        "clips": ["d18", "d19"],
    },
    "holdout": {
        "identities": ["bbt_bernadette", "bbt_leonard", "bbt_raj", "bbt_stuart", "joe_biden", "kit_harington",
                       "lin_manuel_miranda"],
        "clips": ["d0", "d20"],
    },
}
DEFAULT_SEED = {"tune": 1001, "holdout": 2002}


@dataclass(frozen=True)
class Photo:
    path: str
    identity: str
    source: str
    license: str

    @property
    def stem(self):
        return os.path.splitext(os.path.basename(self.path))[0]

    @property
    def source_note(self):
        repo = self.source.split(":")[0]
        return f"{repo} (shared/data/faces/{os.path.relpath(self.path, os.path.join(DATA, 'faces'))})"


def photos(identities):
    """Photos of the given identities, in identities.csv order."""
    out = []
    with open(os.path.join(DATA, "faces", "identities.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["identity"] in identities:
                out.append(Photo(os.path.join(DATA, "faces", row["file"]), row["identity"], row["source"],
                                 row["license"]))
    return out
