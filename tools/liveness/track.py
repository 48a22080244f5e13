"""Follow a face through a clip by phase correlation of the face patch between consecutive frames.

The window moves with the estimate, so large camera pans (d20 drifts ~120 px) are followed;
shifts are summed frame to frame. Returns the face's translation per frame relative to the
hand-measured frame-0 geometry in sources.py. Scale changes (zoom) are not modelled."""

import numpy as np


def _gray(frame):
    return frame[..., 0] * 0.299 + frame[..., 1] * 0.587 + frame[..., 2] * 0.114


def _shift(a, b, win):
    """(dx, dy) that moves patch a onto patch b."""
    fa = np.fft.rfft2((a - a.mean()) * win)
    fb = np.fft.rfft2((b - b.mean()) * win)
    cross = fb * np.conj(fa)
    corr = np.fft.irfft2(cross / (np.abs(cross) + 1e-6), s=a.shape)
    py, px = np.unravel_index(np.argmax(corr), corr.shape)
    dy = py if py < corr.shape[0] // 2 else py - corr.shape[0]
    dx = px if px < corr.shape[1] // 2 else px - corr.shape[1]
    return dx, dy


def track_offsets(frames, clip, scale=1.0):
    """(n, 2) float array of (dx, dy) in pixels of `frames` (source geometry times `scale`)."""
    h, w = frames.shape[1:3]
    half = int(clip.face_w * scale * 0.5)
    cx0 = clip.cx * scale
    cy0 = (clip.eye_y + clip.mouth_y) / 2 * scale
    win = np.outer(np.hanning(2 * half), np.hanning(2 * half))
    out = np.zeros((len(frames), 2))
    pos = np.array([0.0, 0.0])
    for i in range(1, len(frames)):
        x0 = int(np.clip(cx0 + pos[0] - half, 0, w - 2 * half))
        y0 = int(np.clip(cy0 + pos[1] - half, 0, h - 2 * half))
        a = _gray(frames[i - 1, y0:y0 + 2 * half, x0:x0 + 2 * half].astype(np.float32))
        b = _gray(frames[i, y0:y0 + 2 * half, x0:x0 + 2 * half].astype(np.float32))
        pos = pos + np.array(_shift(a, b, win), float)
        out[i] = pos
    # the face moves smoothly: a short median + mean removes single-frame jumps
    k = 5
    padded = np.pad(out, ((k // 2, k // 2), (0, 0)), mode="edge")
    med = np.stack([np.median(padded[i:i + k], axis=0) for i in range(len(out))])
    padded = np.pad(med, ((1, 1), (0, 0)), mode="edge")
    return (padded[:-2] + padded[1:-1] + padded[2:]) / 3
