"""ffmpeg pipes: read a clip as RGB frames, write RGB frames as H.264 MP4 (optionally with audio)."""

import json
import subprocess

import numpy as np


def probe(path):
    """(width, height, fps, frame_count) of the first video stream."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
         "-show_entries", "stream=width,height,r_frame_rate,nb_read_packets", "-of", "json", path],
        check=True, capture_output=True, text=True).stdout
    s = json.loads(out)["streams"][0]
    num, den = s["r_frame_rate"].split("/")
    return int(s["width"]), int(s["height"]), float(num) / float(den), int(s["nb_read_packets"])


def read_frames(path, size=None, max_seconds=None):
    """All frames of `path` as a uint8 array (n, h, w, 3); optionally scaled to size=(w, h)."""
    w, h, fps, _ = probe(path)
    cmd = ["ffmpeg", "-v", "error", "-i", path]
    if max_seconds:
        cmd += ["-t", f"{max_seconds:.3f}"]
    if size:
        w, h = size
        cmd += ["-vf", f"scale={w}:{h}:flags=bicubic"]
    cmd += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(cmd, check=True, capture_output=True).stdout
    frames = np.frombuffer(raw, np.uint8)
    return frames.reshape(-1, h, w, 3), fps


class Writer:
    """Streams RGB frames to ffmpeg -> H.264 (yuv420p) MP4, single-threaded so output is reproducible."""

    def __init__(self, path, size, fps, crf=23, audio=None, preset="veryfast"):
        w, h = size
        cmd = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", f"{w}x{h}", "-r", f"{fps:g}", "-i", "-"]
        if audio:  # padded with silence to the video's length
            cmd += ["-i", audio]
        cmd += ["-map", "0:v"] + (["-map", "1:a", "-af", "apad", "-c:a", "aac", "-b:a", "64k", "-shortest"] if audio else [])
        # CRF for quality, capped at 3 Mbit/s so a 7 s clip stays under ~3 MB even with heavy noise
        cmd += ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-maxrate", "3000k", "-bufsize", "6000k",
                "-pix_fmt", "yuv420p",
                "-threads", "1", "-movflags", "+faststart", "-map_metadata", "-1",
                "-fflags", "+bitexact", "-flags:v", "+bitexact", path]
        self.size = (w, h)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)

    def write(self, frame):
        h, w = frame.shape[:2]
        assert (w, h) == self.size, f"frame {w}x{h} != writer {self.size}"
        self.proc.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise RuntimeError("ffmpeg encode failed")


def write_clip(path, frames, fps, crf=23, audio=None):
    size = (frames[0].shape[1], frames[0].shape[0])
    wr = Writer(path, size, fps, crf=crf, audio=audio)
    for f in frames:
        wr.write(f)
    wr.close()


def run(cmd):
    subprocess.run(cmd, check=True, capture_output=True)
