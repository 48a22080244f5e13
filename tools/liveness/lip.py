"""LIP clips: a real face clip (or a printed photo, or a masked face) with a spoken 4-digit code
dubbed in. The speech is espeak-ng (tools/speech/gen_digits.py) mixed with white, babble or
music-like noise at a set SNR, or a negative: silence, a very quiet voice.

params: base ("live" | "print" | "mask") and that kind's params, plus speech: code, noise
("clean" | "white" | "babble" | "music"), snr_db, level ("normal" | "low" | "silent"),
window [a, b] (seconds the speech must overlap: where the face really moves its mouth) and
shift_s (the speech starts that much later than the window asks: an out-of-sync dub)."""

import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "speech"))

import gen_digits as speech  # noqa: E402

import attacks  # noqa: E402
import conditions  # noqa: E402

CLIP_S = 6.0
BASES = {"live": conditions.live_control, "print": attacks.print_attack, "mask": attacks.mask}


def _place(n_speech, window, shift_s, rng):
    """First sample of the speech so that it overlaps `window` (seconds), then `shift_s` later."""
    rate = speech.RATE
    total = int(CLIP_S * rate)
    lo, hi = int(0.3 * rate), total - n_speech - 1
    if window:
        a, b = int(window[0] * rate), int(window[1] * rate)
        lo, hi = max(lo, a - n_speech + rate // 4), min(hi, b - rate // 4)
    start = rng.randrange(lo, max(lo + 1, hi))
    return min(start + int(shift_s * rate), total - n_speech - 1)


def _soundtrack(sp, rng, tmp):
    """The 6 s mono 16 kHz track for one clip."""
    n = int(CLIP_S * speech.RATE)
    track = [0.0] * n
    if sp["level"] != "silent":
        voice = rng.choice(speech.VOICES) + rng.choice(speech.VARIANTS)
        said = speech.speak(speech.spoken_text(sp["code"], rng), voice, rng.randrange(120, 190),
                            rng.randrange(25, 80), tmp)[: n - speech.RATE]
        dbfs = rng.uniform(-28, -16) if sp["level"] == "normal" else rng.uniform(-62, -56)
        gain = 10 ** (dbfs / 20) / (speech.active_rms(said) or 1.0)
        start = _place(len(said), sp.get("window"), sp.get("shift_s", 0.0), rng)
        for i, x in enumerate(said):
            track[start + i] = x * gain
    if sp["noise"] != "clean":
        noise = speech.make_noise(sp["noise"], n, rng, tmp)
        voiced = speech.active_rms(track)
        # no voice: the noise alone, at a faint room level
        noise_rms = voiced / 10 ** (sp["snr_db"] / 20) if voiced > 0 else 10 ** (-60 / 20)
        track = [c + noise_rms * z for c, z in zip(track, noise)]
    peak = max(abs(x) for x in track) or 1.0
    if peak > 0.99:
        track = [x * 0.99 / peak for x in track]
    return track


def lip_clip(job, out, rng):
    p = job["params"]
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        wav = tmp / "speech.wav"
        speech.write_wav(wav, _soundtrack(p["speech"], random.Random(int(rng.integers(2**31))), tmp))
        base_job = dict(job, params=dict(p["base_params"], audio=str(wav)))
        BASES[p["base"]](base_job, out, rng)
