"""Camera and hand realism shared by every clip kind: smooth shake paths, perspective warps,
lighting drift, defocus, sensor noise and JPEG round trips. All randomness comes from the
numpy Generator passed in, so a clip is a pure function of its seed."""

import io

import numpy as np
from PIL import Image, ImageFilter


def smooth_path(rng, n, fps, amp, min_hz=0.2, max_hz=1.8, parts=3):
    """A band-limited random signal of n samples with roughly amplitude `amp` (hand tremor/sway)."""
    t = np.arange(n) / fps
    out = np.zeros(n)
    for _ in range(parts):
        hz = rng.uniform(min_hz, max_hz)
        out += rng.uniform(0.4, 1.0) * np.sin(2 * np.pi * hz * t + rng.uniform(0, 2 * np.pi))
    return amp * out / parts * 1.6


class Shake:
    """Per-frame hand/camera motion: translation (px), rotation (deg), scale, perspective tilt."""

    def __init__(self, rng, n, fps, shift=6.0, rot=1.5, scale=0.02, tilt=0.03):
        self.dx = smooth_path(rng, n, fps, shift)
        self.dy = smooth_path(rng, n, fps, shift)
        self.rot = smooth_path(rng, n, fps, rot)
        self.scale = 1 + smooth_path(rng, n, fps, scale, max_hz=0.8)
        self.tilt_x = smooth_path(rng, n, fps, tilt, max_hz=0.9)
        self.tilt_y = smooth_path(rng, n, fps, tilt, max_hz=0.9)

    def quad(self, i, center, half_w, half_h, extra_rot=0.0, extra_tilt_y=0.0, extra_dy=0.0):
        """Corners (tl, tr, br, bl) of a w x h rectangle centred at `center`, moved by frame i's motion.
        tilt_x/tilt_y shorten one side, as a plane turned about the vertical/horizontal axis."""
        a = np.deg2rad(self.rot[i] + extra_rot)
        s = self.scale[i]
        tx, ty = self.tilt_x[i], self.tilt_y[i] + extra_tilt_y
        pts = np.array([[-half_w, -half_h], [half_w, -half_h], [half_w, half_h], [-half_w, half_h]], float)
        # perspective: the far side of a tilted plane looks shorter
        pts[:, 0] *= np.array([1 - ty, 1 - ty, 1 + ty, 1 + ty])
        pts[:, 1] *= np.array([1 - tx, 1 + tx, 1 + tx, 1 - tx])
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        pts = pts @ rot.T * s
        return pts + np.array([center[0] + self.dx[i], center[1] + self.dy[i] + extra_dy])


def perspective_coeffs(dst_quad, src_quad):
    """PIL PERSPECTIVE data: maps output points (dst) back to input points (src)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst_quad, src_quad):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return np.linalg.solve(np.array(rows, float), np.array(rhs, float)).tolist()


def warp_onto(img, dst_quad, out_size, resample=Image.BICUBIC):
    """Warp the whole of PIL image `img` so its corners land on dst_quad; RGBA result of out_size."""
    w, h = img.size
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    rgba = img.convert("RGBA")
    return rgba.transform(out_size, Image.PERSPECTIVE, perspective_coeffs(dst_quad, src),
                          resample=resample, fillcolor=(0, 0, 0, 0))


def composite(background, layer_rgba):
    """Alpha-composite an RGBA PIL layer over an RGB numpy background; returns float32 array."""
    layer = np.asarray(layer_rgba, np.float32)
    alpha = layer[..., 3:4] / 255.0
    return background.astype(np.float32) * (1 - alpha) + layer[..., :3] * alpha


class Finish:
    """What the phone camera adds: slow exposure drift, white balance, vignette, defocus,
    signal-dependent sensor noise and an optional JPEG (MJPEG-style) round trip."""

    def __init__(self, rng, n, fps, size, noise=3.0, blur=0.0, jpeg=None, gain=1.0, drift=0.06,
                 wb=0.04, vignette=0.15):
        w, h = size
        self.rng = rng
        self.size = size
        self.gain = gain * (1 + smooth_path(rng, n, fps, drift, max_hz=0.5))
        yy, xx = np.mgrid[0:h, 0:w]
        r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
        vig = (1 - vignette * r2 / 2).astype(np.float32)[..., None]
        self.base = (vig * (1 + rng.uniform(-wb, wb, 3))).astype(np.float32)
        self.noise = noise
        # one oversized noise field; each frame reads a random window of it (cheap, never repeats exactly)
        self.bank = rng.standard_normal((h + 64, w + 64, 3)).astype(np.float32) if noise > 0 else None
        self.blur = blur
        self.jpeg = None if jpeg is None else int(jpeg)

    def __call__(self, frame, i):
        f = np.asarray(frame, np.float32) * self.base
        f *= self.gain[i]
        if self.blur > 0:
            img = Image.fromarray(np.clip(f, 0, 255).astype(np.uint8))
            f = np.asarray(img.filter(ImageFilter.BoxBlur(self.blur)), np.float32)  # cheap defocus
        if self.noise > 0:
            h, w = f.shape[:2]
            oy, ox = self.rng.integers(0, 64, 2)
            n = self.bank[oy:oy + h, ox:ox + w]
            # shot noise grows with brightness; the read-noise floor keeps dark frames grainy
            sigma = f * (0.8 * self.noise / 255)
            sigma += 0.6 * self.noise
            sigma *= n
            f += sigma
        out = np.clip(f, 0, 255, out=f).astype(np.uint8)
        if self.jpeg:
            buf = io.BytesIO()
            Image.fromarray(out).save(buf, "JPEG", quality=self.jpeg)
            out = np.asarray(Image.open(buf).convert("RGB"))
        return out


def fit_frame(frame, size, zoom=1.0, center=None):
    """Scale/crop an RGB numpy frame to size=(w, h) covering it (like a camera's sensor crop)."""
    h, w = frame.shape[:2]
    ow, oh = size
    s = max(ow / w, oh / h) * zoom
    cx, cy = center if center else (w / 2, h / 2)
    # source rectangle that maps onto the output
    sw, sh = ow / s, oh / s
    x0, y0 = cx - sw / 2, cy - sh / 2
    img = Image.fromarray(frame)
    return np.asarray(img.transform(size, Image.EXTENT, (x0, y0, x0 + sw, y0 + sh), Image.BILINEAR))


class Canvas:
    """Puts a scaled source frame somewhere on a larger (or shifted) view; the area the source does
    not cover is its own border stretched outwards and defocused, so no black bars or seams."""

    def __init__(self, src_size, size, scale, top_left, feather=40):
        sw, sh = src_size
        self.size = size
        self.fw, self.fh = max(1, int(round(sw * scale))), max(1, int(round(sh * scale)))
        w, h = size
        x0, y0 = int(round(top_left[0])), int(round(top_left[1]))
        xs, ys = np.arange(w) - x0, np.arange(h) - y0
        self.xi = np.clip(xs, 0, self.fw - 1)
        self.yi = np.clip(ys, 0, self.fh - 1)
        dx = np.maximum(np.maximum(-xs, xs - (self.fw - 1)), 0)
        dy = np.maximum(np.maximum(-ys, ys - (self.fh - 1)), 0)
        dist = np.sqrt(dx[None, :] ** 2 + dy[:, None] ** 2)
        self.alpha = np.clip(dist / feather, 0, 1).astype(np.float32)[..., None]
        self.needs_fill = bool((self.alpha > 0).any())
        self.fill = None

    def place(self, frame):
        if (frame.shape[1], frame.shape[0]) != (self.fw, self.fh):
            frame = np.asarray(Image.fromarray(frame).resize((self.fw, self.fh), Image.BILINEAR))
        out = frame[self.yi][:, self.xi]
        if not self.needs_fill:
            return out
        if self.fill is None:  # the surroundings barely change: defocus them once, from the first frame
            self.fill = np.asarray(Image.fromarray(out).filter(ImageFilter.BoxBlur(10)), np.float32) * self.alpha
            self.keep = 1 - self.alpha
        return (out * self.keep + self.fill).astype(np.uint8)
