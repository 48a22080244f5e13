"""Synthetic head rotation (nod = pitch, shake = yaw) of a real live clip.

Shake: the face region is treated as a sphere (radius from the measured face width) turned by
the angle of the frame; a Gaussian bump around the nose moves further, as a protruding nose does.
Nod: the head is a depth relief (an ellipsoid as wide as the face plus a nose ridge) rotated
about a horizontal axis behind the face and projected again, so the nose moves down more than
the eyes and the chin, and the face foreshortens vertically as a real 15-25 degree pitch does.
A smooth elliptical weight fades either warp to zero so the background stays steady. The
person still blinks and talks underneath: only the head pose is made up."""

import numpy as np


def _smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


def angle_curve(rng, n, fps, kind, amp_deg, start_s, cycles, period_s):
    """Rotation angle per frame (degrees): zero, then `cycles` smooth cycles, then zero.
    nod: down and back up (one-sided, slight overshoot up); shake: left-right-left."""
    t = np.arange(n) / fps - start_s
    active = (t >= 0) & (t <= cycles * period_s)
    phase = 2 * np.pi * t / period_s
    if kind == "nod":
        curve = amp_deg * (0.5 - 0.5 * np.cos(phase)) - 0.15 * amp_deg * np.sin(phase / 2) ** 8
    else:
        curve = amp_deg * np.sin(phase) * rng.choice([-1, 1])
    return np.where(active, curve, 0.0)


def _bilinear(img, xs, ys):
    h, w = img.shape[:2]
    xs = np.clip(xs, 0, w - 1.001)
    ys = np.clip(ys, 0, h - 1.001)
    x0, y0 = xs.astype(np.int32), ys.astype(np.int32)
    fx, fy = (xs - x0)[..., None], (ys - y0)[..., None]
    a, b = img[y0, x0], img[y0, x0 + 1]
    c, d = img[y0 + 1, x0], img[y0 + 1, x0 + 1]
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy


def _relief(xs, ys, face):
    """Height of the face surface towards the camera (pixels) above the head's rotation axis."""
    fw = face["w"]
    ax, ay, az = 0.58 * fw, 0.8 * fw, 0.62 * fw
    q = 1 - ((xs - face["cx"]) / ax) ** 2 - ((ys - face["cy"]) / ay) ** 2
    ellipsoid = az * np.clip(q, 0, 1)  # a paraboloid cap: finite slope at the rim keeps the map invertible
    nose = 0.22 * fw * np.exp(-(((xs - face["cx"]) / (0.11 * fw)) ** 2 + ((ys - face["nose_y"]) / (0.25 * fw)) ** 2))
    return ellipsoid + nose


def _pitch_source(xs, ys, face, angle):
    """Source rows for a head pitched by `angle` (radians; positive = nose down): each surface
    point (Y, Z) goes to Y cos a + Z sin a. The forward map is inverted by fixed-point steps."""
    cy = face["cy"]
    sy = ys.copy()
    for _ in range(6):
        z = _relief(xs, sy, face)
        moved = cy + (sy - cy) * np.cos(angle) + z * np.sin(angle)
        sy = sy + 0.7 * (ys - moved)
    return sy


def rotate_head(frame, face, kind, angle_deg):
    """Warp one RGB frame. face = dict(cx, cy, nose_y, w) in this frame's pixels."""
    if abs(angle_deg) < 1e-3:
        return frame
    h, w = frame.shape[:2]
    r = 0.62 * face["w"]
    ry = 0.85 * face["w"]
    cx, cy = face["cx"], face["cy"]
    x0, x1 = int(max(cx - 1.6 * r, 0)), int(min(cx + 1.6 * r, w))
    y0, y1 = int(max(cy - 1.5 * ry, 0)), int(min(cy + 1.5 * ry, h))
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    ell = np.sqrt(((xs - cx) / (1.05 * r)) ** 2 + ((ys - cy) / (1.1 * ry)) ** 2)
    weight = 1 - _smoothstep(0.8, 1.35, ell)
    nose = np.exp(-(((xs - cx) / (0.22 * face["w"])) ** 2 + ((ys - face["nose_y"]) / (0.3 * face["w"])) ** 2))
    a = np.deg2rad(angle_deg)
    if kind == "shake":
        u = np.clip((xs - cx) / r, -1, 1)
        src = cx + r * np.sin(np.arcsin(u) - a)
        src = src - nose * 0.3 * r * np.sin(a) - 0.12 * r * np.sin(a)
        sx, sy = xs + weight * (src - xs), ys
    else:
        sx, sy = xs, ys + weight * (_pitch_source(xs, ys, face, a) - ys)
    out = frame.copy()
    out[y0:y1, x0:x1] = np.clip(_bilinear(frame.astype(np.float32), sx, sy), 0, 255).astype(np.uint8)
    return out
