"""Presentation attacks: printed photo held up, video replayed on a screen, two faces, lower face covered."""

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

import camera
import media
import scene
from headmotion import angle_curve
from sources import CLIPS
from track import track_offsets


def load_clip(clip_name, seconds=7.2):
    """Frames of a live clip; short clips are played forward then backward to reach ~6 s."""
    clip = CLIPS[clip_name]
    frames, fps = media.read_frames(clip.path)
    if clip.pingpong:
        frames = np.concatenate([frames, frames[-2:0:-1]])[: int(6.2 * fps)]
    return clip, frames[: int(seconds * fps)], fps


def print_attack(job, out, rng):
    """A still photo printed on paper and held in front of the camera by a slightly shaking hand.
    params: photo (path), size, held (paper edge + background visible), nod (fake a nod by tilting)."""
    p = job["params"]
    size, fps = p["size"], p["fps"]
    w, h = size
    n = int(p["seconds"] * fps)
    held = p["held"]
    paper = scene.paper_print(rng, Image.open(p["photo"]), long_side=int(max(w, h) * 0.75),
                              margin=rng.uniform(0.03, 0.1) if held else 0.0)
    if held:
        scene.draw_fingers(rng, paper, [["bottom"], ["left", "right"], ["right"]][rng.integers(3)])
    bg = scene.room(rng, size)
    shake = camera.Shake(rng, n, fps, shift=rng.uniform(4, 12), rot=rng.uniform(1, 3.5),
                         scale=rng.uniform(0.01, 0.04), tilt=rng.uniform(0.02, 0.06))
    # the paper fills most of the view; its aspect follows the print
    cover = rng.uniform(0.7, 0.92) if held else rng.uniform(1.05, 1.3)
    aspect = paper.width / paper.height
    half_h = h * cover / 2
    half_w = half_h * aspect
    if half_w > w * cover / 2 and held:
        half_w = w * cover / 2
        half_h = half_w / aspect
    tilt_curve = np.zeros(n)
    dy_curve = np.zeros(n)
    if p.get("nod"):
        deg = angle_curve(rng, n, fps, "nod", rng.uniform(15, 25), rng.uniform(1.0, 1.8),
                          int(rng.integers(1, 3)), rng.uniform(1.0, 1.5))
        tilt_curve = np.sin(np.deg2rad(deg)) * 0.45        # top edge recedes as the sheet tips
        dy_curve = np.sin(np.deg2rad(deg)) * h * 0.18      # and the sheet dips, as a head would
    gl_pos = np.array([rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.7) * h])
    gl_strength = rng.uniform(0.0, 0.25) * 255
    blob = scene.glare((2 * w, 2 * h), (w, h), (w * 0.18, h * 0.12), gl_strength) if gl_strength > 0 else None
    fin = camera.Finish(rng, n, fps, size, noise=rng.uniform(2, 5), blur=rng.uniform(0.3, 1.2),
                        jpeg=rng.choice([None, 80, 90]), drift=rng.uniform(0.04, 0.12))
    wr = media.Writer(out, size, fps, crf=int(rng.integers(21, 28)), audio=p.get("audio"))
    for i in range(n):
        q = shake.quad(i, (w / 2, h / 2), half_w, half_h, extra_tilt_y=tilt_curve[i], extra_dy=dy_curve[i])
        layer = camera.warp_onto(paper, q, size, resample=Image.BILINEAR)
        f = camera.composite(bg, layer)
        if blob is not None:  # glossy photo paper reflects a light that slides as the sheet turns
            cx, cy = gl_pos + np.array([shake.dx[i], shake.dy[i]]) * -3
            ox, oy = int(np.clip(w - cx, 0, w)), int(np.clip(h - cy, 0, h))
            g = blob[oy:oy + h, ox:ox + w]
            f = f + g * (np.asarray(layer, np.float32)[..., 3:4] / 255)
        wr.write(fin(f, i))
    wr.close()


def replay_attack(job, out, rng):
    """A real live clip replayed on a phone or monitor, filmed by a second camera held by hand."""
    p = job["params"]
    clip, frames, fps = load_clip(p["clip"])
    size = p["size"]
    w, h = size
    n = len(frames)
    screen = scene.Screen(rng, p["device"], frames.shape[1:3][::-1])
    dev0 = screen.render(frames[0], 0)
    aspect = dev0.width / dev0.height
    cover = rng.uniform(1.1, 1.4) if p["device"] == "phone" else rng.uniform(1.1, 1.4)
    half_h = h * cover / 2
    half_w = half_h * aspect
    bg = scene.room(rng, size)
    shake = camera.Shake(rng, n, fps, shift=rng.uniform(3, 10), rot=rng.uniform(0.8, 3),
                         scale=rng.uniform(0.01, 0.03), tilt=rng.uniform(0.02, 0.06))
    hand = rng.random() < 0.5 and p["device"] == "phone"
    # the filming lens softens the subpixel grid a little: moire stays visible without hiding the face
    lens = ImageFilter.BoxBlur(rng.uniform(0.3, 0.9))
    fin = camera.Finish(rng, n, fps, size, noise=rng.uniform(2, 5), blur=rng.uniform(0.0, 0.6),
                        jpeg=rng.choice([None, 85]), drift=rng.uniform(0.03, 0.08))
    wr = media.Writer(out, size, fps, crf=int(rng.integers(20, 27)))
    sides = ["left", "right"]
    for i in range(n):
        dev = screen.render(frames[i], i).filter(lens)
        if hand:
            scene.draw_fingers(np.random.default_rng(7), dev, sides)  # same grip every frame
        q = shake.quad(i, (w / 2, h / 2), half_w, half_h)
        # BILINEAR without prefiltering aliases the subpixel grid: that is the moire a camera sees
        layer = camera.warp_onto(dev, q, size, resample=Image.BILINEAR)
        wr.write(fin(camera.composite(bg, layer), i))
    wr.close()


def multiface(job, out, rng):
    """Two faces at once: two live clips side by side, or a live clip with a printed photo beside the face."""
    p = job["params"]
    size = p["size"]
    w, h = size
    clip, frames, fps = load_clip(p["clips"][0], seconds=p["seconds"])
    n = len(frames)
    fin = camera.Finish(rng, n, fps, size, noise=rng.uniform(2, 4), blur=rng.uniform(0, 0.6))
    wr = media.Writer(out, size, fps, crf=int(rng.integers(21, 27)))
    if p["style"] == "side_by_side":
        _, other, _ = load_clip(p["clips"][1], seconds=p["seconds"])
        other = other[np.arange(n) % len(other)]
        split = rng.uniform(0.45, 0.55)
        lw = int(w * split)
        for i in range(n):
            a = camera.fit_frame(frames[i], (lw, h), zoom=rng.uniform(1.0, 1.02))
            b = camera.fit_frame(other[i], (w - lw, h), zoom=1.0)
            wr.write(fin(np.concatenate([a, b], axis=1), i))
    else:
        # the live person on one side of the view, a printed photo held up on the other
        side = rng.choice([-1, 1])
        scale = h / frames.shape[1] * rng.uniform(0.95, 1.05)
        live_x = (w / 2 + side * w * 0.2) - clip.cx * scale
        paper = scene.paper_print(rng, Image.open(p["photo"]), long_side=int(h * 0.55), margin=0.05)
        scene.draw_fingers(rng, paper, ["bottom"])
        shake = camera.Shake(rng, n, fps, shift=rng.uniform(3, 8), rot=2, tilt=0.04)
        ph = h * rng.uniform(0.26, 0.32)
        pw = ph * paper.width / paper.height
        canvas = camera.Canvas(frames.shape[1:3][::-1], size, scale, (live_x, (h - frames.shape[1] * scale) / 2))
        for i in range(n):
            base = canvas.place(frames[i])
            q = shake.quad(i, (w / 2 - side * w * 0.3, h * 0.5), pw, ph)
            wr.write(fin(camera.composite(base, camera.warp_onto(paper, q, size)), i))
    wr.close()


def mask(job, out, rng):
    """Lower face covered by a drawn surgical mask or a hand that follows the tracked face."""
    p = job["params"]
    clip, frames, fps = load_clip(p["clip"], seconds=p["seconds"])
    n = len(frames)
    offs = track_offsets(frames, clip)
    size = (frames.shape[2], frames.shape[1])
    eye_mouth = clip.mouth_y - clip.eye_y
    top = clip.eye_y + eye_mouth * rng.uniform(0.35, 0.5)        # nose bridge
    bottom = clip.chin_y + eye_mouth * rng.uniform(0.1, 0.25)     # under the chin
    half = clip.face_w * rng.uniform(0.5, 0.58)
    style = p["style"]
    colour = tuple(int(c) for c in rng.choice([[168, 205, 230], [240, 240, 242], [40, 40, 44], [230, 190, 200]]))
    f0 = frames[0]
    cheek = f0[int(clip.mouth_y - eye_mouth * 0.4), int(clip.cx - clip.face_w * 0.3)].astype(int)
    skin = tuple(int(c) for c in np.clip(cheek * rng.uniform(0.95, 1.1), 0, 255))
    fin = camera.Finish(rng, n, fps, size, noise=rng.uniform(1.5, 3.5), drift=0.04)
    wr = media.Writer(out, size, fps, crf=int(rng.integers(20, 26)), audio=p.get("audio"))
    wobble = camera.smooth_path(rng, n, fps, 3.0)
    for i in range(n):
        dx, dy = offs[i]
        img = Image.fromarray(frames[i])
        d = ImageDraw.Draw(img)
        cx = clip.cx + dx
        t, b = top + dy, bottom + dy
        if style == "surgical":
            poly = [(cx - half, t + 10), (cx, t - 6), (cx + half, t + 10), (cx + half * 0.92, b - 25),
                    (cx, b), (cx - half * 0.92, b - 25)]
            d.polygon(poly, fill=colour, outline=tuple(int(c * 0.8) for c in colour))
            for k in range(1, 4):  # pleats
                yk = t + (b - t) * k / 4.5
                d.line([(cx - half * 0.9, yk), (cx + half * 0.9, yk)], fill=tuple(int(c * 0.85) for c in colour), width=2)
            for s in (-1, 1):  # ear loops
                d.line([(cx + s * half, t + 10), (cx + s * half * 1.12, t - 30)], fill=(235, 235, 235), width=3)
                d.line([(cx + s * half * 0.95, b - 25), (cx + s * half * 1.1, b - 60)], fill=(235, 235, 235), width=3)
        else:  # a hand: palm over mouth and chin, fingers reaching across the cheek
            yy = t + wobble[i]
            d.ellipse([cx - half * 0.95, yy, cx + half * 0.85, b + 15], fill=skin)
            for k in range(4):
                fy = yy + (b - yy) * (0.1 + 0.2 * k)
                d.rounded_rectangle([cx - half * 1.25, fy, cx + half * 0.2, fy + (b - yy) * 0.17], radius=12,
                                    fill=skin, outline=tuple(int(c * 0.8) for c in skin))
        wr.write(fin(np.asarray(img), i))
    wr.close()


def cutout(job, out, rng):
    """A photo of the same person with a hole, held over the face: the live mouth (hole
    "mouth") or the live eyes (hole "eyes") show through, the rest of the face is the still
    photo (frame 0), moved with the head (tracked) as a hand would keep it in place.
    params: clip, hole, seconds."""
    p = job["params"]
    clip, frames, fps = load_clip(p["clip"], seconds=p["seconds"])
    n, h, w = frames.shape[:3]
    offs = track_offsets(frames, clip)
    eye_mouth = clip.mouth_y - clip.eye_y
    # the still band: the eyes (mouth seen through the hole) or the mouth and chin (eyes seen)
    if p["hole"] == "mouth":
        top, bottom = clip.eye_y - eye_mouth * 0.6, clip.eye_y + eye_mouth * 0.55
    else:
        top, bottom = clip.eye_y + eye_mouth * 0.45, clip.chin_y + eye_mouth * 0.15
    half = clip.face_w * rng.uniform(0.5, 0.56)
    x0, x1, y0, y1 = int(clip.cx - half), int(clip.cx + half), int(top), int(bottom)
    photo = frames[0].astype(np.float32)
    # the paper's edge is cut by hand: a soft 3 px ramp, no perfectly straight seam
    ys, xs = np.mgrid[y0:y1, x0:x1]
    edge = np.minimum.reduce([xs - x0, x1 - 1 - xs, ys - y0, y1 - 1 - ys]).astype(np.float32)
    alpha = np.clip(edge / 3.0, 0, 1)[..., None]
    fin = camera.Finish(rng, n, fps, (w, h), noise=rng.uniform(1.5, 3.0), drift=0.03)
    wr = media.Writer(out, (w, h), fps, crf=int(rng.integers(20, 26)))
    for i in range(n):
        dx, dy = (int(round(v)) for v in offs[i])
        f = frames[i].astype(np.float32)
        ty0, ty1, tx0, tx1 = y0 + dy, y1 + dy, x0 + dx, x1 + dx
        # the part of the band that stays in the picture
        cy0, cy1, cx0, cx1 = max(ty0, 0), min(ty1, h), max(tx0, 0), min(tx1, w)
        if cy1 > cy0 and cx1 > cx0:
            src = photo[cy0 - dy:cy1 - dy, cx0 - dx:cx1 - dx]
            a = alpha[cy0 - ty0:cy1 - ty0, cx0 - tx0:cx1 - tx0]
            f[cy0:cy1, cx0:cx1] = f[cy0:cy1, cx0:cx1] * (1 - a) + src * a
        wr.write(fin(np.clip(f, 0, 255).astype(np.uint8), i))
    wr.close()
