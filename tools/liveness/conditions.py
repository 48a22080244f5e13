"""Real live clips under changed capture conditions: re-encoded controls, lighting, framing,
no face, and synthetic head rotation (nod/shake)."""

import numpy as np

import camera
import media
import scene
from attacks import load_clip
from headmotion import angle_curve, rotate_head
from track import track_offsets


def _sway(rng, n, fps, amp):
    return camera.smooth_path(rng, n, fps, amp), camera.smooth_path(rng, n, fps, amp)


M = 8  # margin (px) the hand sway may wander into


def _centred(frames, size, zoom=1.0):
    """Whole source height in view (no chin cut when the mouth opens), sides filled by the Canvas;
    M px extra on every side for _handheld."""
    w, h = size
    scale = (h + 2 * M) / frames.shape[1] * zoom
    return camera.Canvas(frames.shape[1:3][::-1], (w + 2 * M, h + 2 * M), scale,
                         ((w + 2 * M - frames.shape[2] * scale) / 2, (h + 2 * M - frames.shape[1] * scale) / 2))


def _handheld(f, size, dx, dy):
    """Small camera sway: the view window wanders by whole pixels inside the M px margin."""
    ox = int(np.clip(round(M + dx), 0, 2 * M))
    oy = int(np.clip(round(M + dy), 0, 2 * M))
    return f[oy:oy + size[1], ox:ox + size[0]]


def live_control(job, out, rng):
    """The live clip as a different phone might record it: exposure, noise, sharpness, compression."""
    p = job["params"]
    clip, frames, fps = load_clip(p["clip"])
    n = len(frames)
    size = p["size"]
    sx, sy = _sway(rng, n, fps, 3.0)
    canvas = _centred(frames, size, zoom=rng.uniform(0.95, 1.05))
    fin = camera.Finish(rng, n, fps, size, noise=rng.uniform(1.5, 4), gain=p["gain"], blur=rng.uniform(0, 0.7),
                        jpeg=rng.choice([None, 75, 90]), drift=0.04)
    wr = media.Writer(out, size, fps, crf=p["crf"], audio=p.get("audio"))
    for i in range(n):
        wr.write(fin(_handheld(canvas.place(frames[i]), size, sx[i], sy[i]), i))
    wr.close()


def lighting(job, out, rng):
    """Too dark (gain well below 1, sensor noise amplified) or overexposed (gain + offset, clipped)."""
    p = job["params"]
    clip, frames, fps = load_clip(p["clip"])
    n = len(frames)
    size = p["size"]
    sx, sy = _sway(rng, n, fps, 2.5)
    noise = rng.uniform(4, 7) if p["light"] == "dark" else rng.uniform(1.5, 3)
    fin = camera.Finish(rng, n, fps, size, noise=noise, drift=0.05)
    wr = media.Writer(out, size, fps, crf=int(rng.integers(22, 28)))
    canvas = _centred(frames, size)
    for i in range(n):
        f = _handheld(canvas.place(frames[i]), size, sx[i], sy[i]).astype(np.float32)
        f = f * p["gain"] + p.get("offset", 0.0)
        wr.write(fin(np.clip(f, 0, 255), i))
    wr.close()


def framing(job, out, rng):
    """Face too close, too far, or off to the left/right of the image (as decoded, not mirrored)."""
    p = job["params"]
    clip, frames, fps = load_clip(p["clip"])
    n = len(frames)
    size = p["size"]
    w, h = size
    base = h / frames.shape[1]
    scale = base * p["scale"]
    face_cy = (clip.eye_y + clip.mouth_y) / 2
    fx, fy = p["face_x"] * w, p["face_y"] * h
    sx, sy = _sway(rng, n, fps, 3.0)
    fin = camera.Finish(rng, n, fps, size, noise=rng.uniform(2, 4), drift=0.05)
    wr = media.Writer(out, size, fps, crf=int(rng.integers(21, 27)))
    canvas = camera.Canvas(frames.shape[1:3][::-1], (w + 2 * M, h + 2 * M), scale,
                           (fx + M - clip.cx * scale, fy + M - face_cy * scale))
    for i in range(n):
        wr.write(fin(_handheld(canvas.place(frames[i]), size, sx[i], sy[i]), i))
    wr.close()


def no_face(job, out, rng):
    """The camera sees no face: a zoomed crop of the clip above the head, or a plain room wall."""
    p = job["params"]
    size = p["size"]
    w, h = size
    if p["style"] == "crop":
        clip, frames, fps = load_clip(p["clip"])
        n = len(frames)
        zoom = p["zoom"]
        vis_h = frames.shape[1] / zoom * (h / w) / (frames.shape[1] / frames.shape[2])
        cy = vis_h / 2 + 2
        cx = rng.uniform(0.35, 0.65) * frames.shape[2]
        sx, sy = _sway(rng, n, fps, 2.0)
        get = lambda i: camera.fit_frame(frames[i], size, zoom=zoom, center=(cx + sx[i], cy + abs(sy[i])))
    else:
        fps = p["fps"]
        n = int(p["seconds"] * fps)
        wall = scene.room(rng, (int(w * 1.2), int(h * 1.2)))
        sx, sy = _sway(rng, n, fps, 8.0)
        get = lambda i: camera.fit_frame(wall, size, center=(wall.shape[1] / 2 + sx[i], wall.shape[0] / 2 + sy[i]))
    fin = camera.Finish(rng, n, fps, size, noise=rng.uniform(2, 4), blur=rng.uniform(0.5, 1.5), drift=0.06)
    wr = media.Writer(out, size, fps, crf=int(rng.integers(22, 28)))
    for i in range(n):
        wr.write(fin(get(i), i))
    wr.close()


def head_motion(job, out, rng):
    """A live clip whose head is turned synthetically: nod (pitch) or shake (yaw), see headmotion.py."""
    p = job["params"]
    clip, frames, fps = load_clip(p["clip"])
    n = len(frames)
    size = p["size"]
    offs = track_offsets(frames, clip)
    deg = angle_curve(rng, n, fps, p["motion"], p["amp_deg"], p["start_s"], p["cycles"], p["period_s"])
    sx, sy = _sway(rng, n, fps, 2.0)
    fin = camera.Finish(rng, n, fps, size, noise=rng.uniform(1.5, 3.5), drift=0.04, jpeg=rng.choice([None, 85]))
    wr = media.Writer(out, size, fps, crf=int(rng.integers(20, 26)))
    canvas = _centred(frames, size)
    for i in range(n):
        dx, dy = offs[i]
        face = {"cx": clip.cx + dx, "cy": (clip.eye_y + clip.mouth_y) / 2 + dy,
                "nose_y": clip.eye_y + 0.55 * (clip.mouth_y - clip.eye_y) + dy, "w": clip.face_w}
        f = rotate_head(frames[i], face, p["motion"], deg[i])
        wr.write(fin(_handheld(canvas.place(f), size, sx[i], sy[i]), i))
    wr.close()
