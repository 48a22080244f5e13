"""Test media from the shared data folder, picked through its CSV indexes (never by hard-coded
file name, so a refreshed data set keeps working). See <data>/README.md."""

import base64
import csv
import dataclasses
import hashlib
import pathlib
from urllib.parse import quote


@dataclasses.dataclass(frozen=True)
class Media:
    path: pathlib.Path

    @property
    def raw(self) -> bytes:
        return self.path.read_bytes()

    @property
    def b64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    @property
    def md5(self) -> str:
        return hashlib.md5(self.raw).hexdigest()


@dataclasses.dataclass(frozen=True)
class LivenessClip:
    video: Media
    mode: str
    validate_data: str


@dataclasses.dataclass(frozen=True)
class ContractMedia:
    face_a: Media  # a genuine pair from faces/pairs.csv
    face_b: Media
    silent_clip: LivenessClip  # a live SILENT clip expected to pass
    action_clip: LivenessClip  # a live ACTION clip expected to pass
    passport: Media  # a TD3 document
    passport_mrz: str  # its printed MRZ, lines joined by "|"
    id_card: Media  # a TD1 document (no HKID/MyKad specimen exists in the data)


def _rows(path: pathlib.Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _first(rows: list[dict[str, str]], what: str, **match: str) -> dict[str, str]:
    for row in rows:
        if all(row.get(k) == v for k, v in match.items()):
            return row
    raise LookupError(f"no {what} row matching {match}")


def load(data_dir: pathlib.Path) -> ContractMedia:
    faces = data_dir / "faces"
    pair = _first(_rows(faces / "pairs.csv"), "genuine face pair", same="1")
    clips = _rows(data_dir / "liveness" / "videos.csv")
    docs = _rows(data_dir / "documents" / "labels.csv")

    def clip(mode: str) -> LivenessClip:
        row = _first(clips, f"{mode} clip", mode=mode, expected="Success")
        video = Media(data_dir / "liveness" / row["file"])
        return LivenessClip(video, mode, row["validate_data"])

    return ContractMedia(
        face_a=Media(faces / pair["a"]),
        face_b=Media(faces / pair["b"]),
        silent_clip=clip("SILENT"),
        action_clip=clip("ACTION"),
        passport=Media(data_dir / "documents" / _first(docs, "passport", doc_type="TD3")["file"]),
        passport_mrz=_first(docs, "passport", doc_type="TD3")["mrz"],
        id_card=Media(data_dir / "documents" / _first(docs, "ID card", doc_type="TD1")["file"]),
    )


def url_of(base_url: str, data_dir: pathlib.Path, media: Media) -> str:
    """URL of a data file on the loopback file server rooted at `data_dir`."""
    return base_url + "/" + quote(media.path.relative_to(data_dir).as_posix())
