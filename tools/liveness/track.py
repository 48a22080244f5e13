"""Follow a face through a clip by phase correlation of the upper-face patch against frame 0.

Good enough for the LivePortrait clips (one face, small motion): returns the face's
translation per frame relative to the hand-measured frame-0 geometry in sources.py."""

import numpy as np


def _gray(frame):
    return frame[..., 0] * 0.299 + frame[..., 1] * 0.587 + frame[..., 2] * 0.114


def track_offsets(frames, clip, scale=1.0):
    """(n, 2) float array of (dx, dy) in pixels of `frames` (source geometry times `scale`)."""
    h, w = frames.shape[1:3]
    half = int(clip.face_w * scale * 0.55)
    cy = int((clip.eye_y + clip.mouth_y) / 2 * scale)
    cx = int(clip.cx * scale)
    y0, y1 = max(cy - half, 0), min(cy + half, h)
    x0, x1 = max(cx - half, 0), min(cx + half, w)
    win = np.outer(np.hanning(y1 - y0), np.hanning(x1 - x0))
    ref = _gray(frames[0, y0:y1, x0:x1].astype(np.float32))
    ref_f = np.fft.rfft2((ref - ref.mean()) * win)
    out = np.zeros((len(frames), 2))
    for i, fr in enumerate(frames):
        cur = _gray(fr[y0:y1, x0:x1].astype(np.float32))
        cur_f = np.fft.rfft2((cur - cur.mean()) * win)
        cross = cur_f * np.conj(ref_f)
        corr = np.fft.irfft2(cross / (np.abs(cross) + 1e-6), s=cur.shape)
        py, px = np.unravel_index(np.argmax(corr), corr.shape)
        dy = py if py < corr.shape[0] // 2 else py - corr.shape[0]
        dx = px if px < corr.shape[1] // 2 else px - corr.shape[1]
        out[i] = (dx, dy)
    # the face moves smoothly: a short median + mean removes single-frame jumps
    k = 5
    padded = np.pad(out, ((k // 2, k // 2), (0, 0)), mode="edge")
    med = np.stack([np.median(padded[i:i + k], axis=0) for i in range(len(out))])
    padded = np.pad(med, ((1, 1), (0, 0)), mode="edge")
    return (padded[:-2] + padded[1:-1] + padded[2:]) / 3
