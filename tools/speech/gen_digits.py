#!/usr/bin/env python3
"""Generate a synthetic spoken-code eval set: espeak-ng voices reading 4-digit codes, mixed
with white, babble or music-like noise at several SNRs, plus noise-only clips.

  tools/speech/gen_digits.py OUT_DIR [--per-condition 30] [--seed 8]

Writes OUT_DIR/*.wav (16-bit PCM, 16 kHz mono, 6 s) and OUT_DIR/labels.csv with
`file,code,condition,noise,snr_db,voice,speed,pitch,text` (code empty for noise-only clips).
Conditions: clean; white/babble/music at 20, 10 and 5 dB SNR (speech RMS over its active part
vs noise RMS); noise_only. Needs espeak-ng and sox (Debian packages of the same names).
Deterministic for a given seed and espeak-ng/sox version. Not committed: regenerate it.
"""

from __future__ import annotations

import argparse
import array
import csv
import math
import random
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

RATE = 16_000
CLIP_S = 6.0
VOICES = [
    "en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd",
    "en-029", "en-us-nyc",
]
VARIANTS = ["", "+f2", "+f3", "+f4", "+m3", "+m5", "+klatt2", "+croak"]
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
BABBLE_TEXT = [
    "the meeting moved to the afternoon because the train was late again",
    "could you pass me the report from last week please",
    "we should probably order more paper before the end of the month",
    "my sister lives near the river and walks her dog every morning",
    "the weather was terrible but the concert went ahead anyway",
    "please remember to lock the door when you leave the office",
]
SNRS = [20, 10, 5]
NOISES = ["white", "babble", "music"]


def speak(text: str, voice: str, speed: int, pitch: int, tmp: Path) -> list[float]:
    """espeak-ng to a WAV, sox to 16 kHz mono 16-bit, read as floats."""
    raw, conv = tmp / "raw.wav", tmp / "conv.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(conv)], check=True)
    return read_wav(conv)


def read_wav(path: Path) -> list[float]:
    with wave.open(str(path)) as w:
        data = array.array("h", w.readframes(w.getnframes()))
    return [x / 32768.0 for x in data]


def write_wav(path: Path, samples: list[float]) -> None:
    data = array.array("h", (max(-32768, min(32767, round(x * 32767))) for x in samples))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data.tobytes())


def rms(xs: list[float]) -> float:
    return math.sqrt(sum(x * x for x in xs) / max(1, len(xs)))


def active_rms(xs: list[float]) -> float:
    """RMS over 10 ms blocks within 30 dB of the loudest block (the spoken part)."""
    blocks = [rms(xs[i : i + 160]) for i in range(0, len(xs), 160)]
    top = max(blocks, default=0.0)
    loud = [b for b in blocks if b > top * 10 ** (-30 / 20)]
    return math.sqrt(sum(b * b for b in loud) / max(1, len(loud)))


def white(n: int, rng: random.Random) -> list[float]:
    return [rng.gauss(0.0, 1.0) for _ in range(n)]


def music(n: int, rng: random.Random) -> list[float]:
    """Chords of three harmonics-rich tones changing every 0.25-0.5 s, with a soft attack."""
    out = [0.0] * n
    pos = 0
    while pos < n:
        length = int(RATE * rng.uniform(0.25, 0.5))
        root = 220.0 * 2 ** (rng.randrange(-12, 12) / 12)
        notes = [root, root * 2 ** (4 / 12), root * 2 ** (7 / 12)]
        for i in range(pos, min(n, pos + length)):
            t = (i - pos) / RATE
            env = min(1.0, t / 0.02) * math.exp(-2.0 * t)
            s = sum(math.sin(2 * math.pi * f * t) + 0.4 * math.sin(4 * math.pi * f * t) for f in notes)
            out[i] = env * s
        pos += length
    return out


def babble(n: int, rng: random.Random, tmp: Path) -> list[float]:
    """Four different voices reading unrelated sentences, overlapped and looped."""
    out = [0.0] * n
    for k in range(4):
        voice = rng.choice(VOICES) + rng.choice(VARIANTS)
        talk = speak(rng.choice(BABBLE_TEXT), voice, rng.randrange(140, 190), rng.randrange(20, 80), tmp)
        level = rms(talk) or 1.0
        talk = [x / level for x in talk]
        start = rng.randrange(len(talk))
        for i in range(n):
            out[i] += talk[(start + i) % len(talk)]
    return out


def make_noise(kind: str, n: int, rng: random.Random, tmp: Path) -> list[float]:
    noise = {"white": lambda: white(n, rng), "music": lambda: music(n, rng), "babble": lambda: babble(n, rng, tmp)}[kind]()
    level = rms(noise) or 1.0
    return [x / level for x in noise]


def spoken_text(code: str, rng: random.Random) -> str:
    words = ["oh" if d == "0" and rng.random() < 0.25 else WORDS[int(d)] for d in code]
    sep = rng.choice([" ", ", ", " ", ". "])
    return sep.join(words)


def make_clip(code: str | None, condition: tuple[str, int | None], rng: random.Random, tmp: Path) -> tuple[list[float], dict]:
    n = int(CLIP_S * RATE)
    clip = [0.0] * n
    info = {"voice": "", "speed": "", "pitch": "", "text": ""}
    if code is not None:
        voice = rng.choice(VOICES) + rng.choice(VARIANTS)
        speed, pitch = rng.randrange(120, 200), rng.randrange(25, 80)
        text = spoken_text(code, rng)
        speech = speak(text, voice, speed, pitch, tmp)[: n - RATE]
        level = 10 ** (rng.uniform(-30, -16) / 20) / (active_rms(speech) or 1.0)
        start = rng.randrange(int(0.3 * RATE), n - len(speech))
        for i, x in enumerate(speech):
            clip[start + i] = x * level
        info = {"voice": voice, "speed": speed, "pitch": pitch, "text": text}
    kind, snr = condition
    if kind != "clean":
        noise = make_noise(kind, n, rng, tmp)
        if code is None:
            noise_rms = 10 ** (rng.uniform(-40, -20) / 20)
        else:
            noise_rms = active_rms(clip) / 10 ** (snr / 20)
        clip = [c + noise_rms * z for c, z in zip(clip, noise)]
    peak = max(abs(x) for x in clip) or 1.0
    if peak > 0.99:
        clip = [x * 0.99 / peak for x in clip]
    return clip, info


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-condition", type=int, default=30)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    conditions = [("clean", None)] + [(k, s) for k in NOISES for s in SNRS]
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        jobs = [(c, True) for c in conditions] + [((k, None), False) for k in NOISES]
        for (kind, snr), with_speech in jobs:
            name = kind if snr is None else f"{kind}{snr}"
            condition = name if with_speech else "noise_only"
            count = args.per_condition if with_speech else max(1, args.per_condition // 3)
            for i in range(count):
                code = "".join(rng.choice("0123456789") for _ in range(4)) if with_speech else None
                clip, info = make_clip(code, (kind, snr), rng, tmp)
                file = f"{condition}_{kind}_{i:03d}.wav"
                write_wav(args.out / file, clip)
                rows.append({"file": file, "code": code or "", "condition": condition, "noise": kind,
                             "snr_db": "" if snr is None or not with_speech else snr, **info})
            print(f"{condition} ({kind}): {count} clips", file=sys.stderr)
    with open(args.out / "labels.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["file", "code", "condition", "noise", "snr_db", "voice", "speed", "pitch", "text"])
        writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
