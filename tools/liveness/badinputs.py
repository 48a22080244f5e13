"""Inputs that are bad as files rather than as scenes: too short, 1 fps, tiny, corrupted,
truncated, audio only."""

import os
import subprocess
import tempfile

from sources import CLIPS
import media


def _plain(clip_name, path, seconds=None, start=0.0, vf="scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2"):
    """Re-encode a real clip (optionally a cut) with no other change."""
    cmd = ["ffmpeg", "-v", "error", "-y", "-ss", f"{start:.2f}", "-i", CLIPS[clip_name].path]
    if seconds:
        cmd += ["-t", f"{seconds:.2f}"]
    cmd += ["-vf", vf, "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
            "-threads", "1", "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact",
            "-flags:v", "+bitexact", path]
    media.run(cmd)


def bad_input(job, out, rng):
    p = job["params"]
    what = p["what"]
    if what == "short":
        _plain(p["clip"], out, seconds=p["seconds"], start=p["start"])
    elif what == "1fps":
        _plain(p["clip"], out, vf="fps=1,scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2")
    elif what == "tiny":
        _plain(p["clip"], out, vf="scale=64:48")
    elif what in ("corrupt_header", "truncated"):
        with tempfile.TemporaryDirectory() as tmp:
            full = os.path.join(tmp, "full.mp4")
            _plain(p["clip"], full)
            data = bytearray(open(full, "rb").read())
        if what == "corrupt_header":
            data[: p["bytes"]] = rng.integers(0, 256, p["bytes"], dtype="uint8").tobytes()
        else:
            data = data[: int(len(data) * p["fraction"])]
        with open(out, "wb") as f:
            f.write(bytes(data))
    elif what == "audio_only":
        with tempfile.TemporaryDirectory() as tmp:
            wav = os.path.join(tmp, "digits.wav")
            words = " ".join(p["digits"])
            subprocess.run(["espeak-ng", "-v", p["voice"], "-s", str(p["speed"]), "-w", wav, words], check=True,
                           capture_output=True)
            media.run(["ffmpeg", "-v", "error", "-y", "-i", wav, "-af", "adelay=800:all=1,apad=whole_dur=6",
                       "-ar", "16000", "-c:a", "aac", "-b:a", "48k", "-map_metadata", "-1", "-fflags", "+bitexact",
                       "-flags:a", "+bitexact", out])
    else:
        raise ValueError(what)
