"""Things in front of and behind the camera: a room background, paper prints, phone/monitor
screens with a subpixel grid, fingers, glare. Each returns numpy/PIL images for one clip."""

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def room(rng, size):
    """Out-of-focus indoor background: lit wall with a few darker furniture/door shapes."""
    w, h = size
    wall = np.array(rng.choice([[196, 188, 172], [170, 174, 178], [214, 208, 196], [150, 140, 128], [120, 126, 134]]),
                    np.float32) * rng.uniform(0.8, 1.1)
    img = Image.new("RGB", size, tuple(int(c) for c in np.clip(wall, 0, 255)))
    d = ImageDraw.Draw(img)
    for _ in range(rng.integers(2, 5)):
        x0, y0 = rng.uniform(-0.2, 0.9) * w, rng.uniform(-0.2, 0.8) * h
        x1, y1 = x0 + rng.uniform(0.1, 0.5) * w, y0 + rng.uniform(0.2, 0.9) * h
        tone = np.clip(wall * rng.uniform(0.3, 1.2) + rng.uniform(-25, 25, 3), 0, 255)
        d.rectangle([x0, y0, x1, y1], fill=tuple(int(c) for c in tone))
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(3, 9)))
    arr = np.asarray(img, np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    lx, ly = rng.uniform(0, w), rng.uniform(-h / 2, h / 2)
    light = 1.15 - 0.45 * np.sqrt(((xx - lx) / w) ** 2 + ((yy - ly) / h) ** 2)
    return np.clip(arr * light[..., None], 0, 255).astype(np.uint8)


def paper_print(rng, photo, long_side, margin):
    """The photo as it looks printed on paper: flatter contrast, paper white, ink tint, grain,
    faint inkjet banding; `margin` (fraction) of white paper around it."""
    img = photo.convert("RGB")
    s = long_side / max(img.size)
    img = img.resize((max(1, int(img.width * s)), max(1, int(img.height * s))), Image.BICUBIC)
    a = np.asarray(img, np.float32) / 255
    gray = a.mean(axis=2, keepdims=True)
    a = gray + (a - gray) * rng.uniform(0.7, 0.95)              # inks reproduce less saturation
    a = 0.06 + a ** rng.uniform(0.9, 1.2) * rng.uniform(0.8, 0.9)  # no true black, paper white < 1
    a *= 1 + rng.uniform(-0.04, 0.04, 3)                         # printer colour cast
    h, w = a.shape[:2]
    band = 1 + rng.uniform(0.005, 0.02) * np.sin(np.arange(h) * rng.uniform(0.8, 2.2))[:, None, None]
    a = a * band
    mw, mh = int(w * margin), int(w * margin)
    paper = np.ones((h + 2 * mh, w + 2 * mw, 3), np.float32) * (np.array([0.96, 0.95, 0.92]) * rng.uniform(0.92, 1.0))
    paper[mh:mh + h, mw:mw + w] = a
    grain = rng.standard_normal(paper.shape[:2]).astype(np.float32)[..., None]
    paper *= 1 + rng.uniform(0.01, 0.03) * grain
    return Image.fromarray(np.clip(paper * 255, 0, 255).astype(np.uint8))


def draw_fingers(rng, img, sides, skin=None):
    """Thumbs/fingertips gripping the edges of a paper or phone image (drawn onto it)."""
    w, h = img.size
    skin = skin or tuple(int(c) for c in rng.choice([[224, 172, 140], [198, 140, 105], [150, 100, 70], [235, 190, 160]]))
    d = ImageDraw.Draw(img)
    for side in sides:
        along = rng.uniform(0.3, 0.7)
        fw, fl = 0.09 * min(w, h), 0.2 * min(w, h)
        if side == "bottom":
            cx, cy = along * w, h
            box = [cx - fw, cy - fl, cx + fw, cy + fl]
        elif side == "left":
            cx, cy = 0, along * h
            box = [cx - fl, cy - fw, cx + fl, cy + fw]
        else:
            cx, cy = w, along * h
            box = [cx - fl, cy - fw, cx + fl, cy + fw]
        d.ellipse(box, fill=skin, outline=tuple(int(c * 0.75) for c in skin), width=max(1, int(fw * 0.08)))
    return img


def glare(size, center, radius, strength):
    """Soft specular highlight (window or lamp reflected by glossy paper or glass), float32 (h, w, 1)."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - center[0]) / radius[0]) ** 2 + ((yy - center[1]) / radius[1]) ** 2
    return (strength * np.exp(-r2)).astype(np.float32)[..., None]


class Screen:
    """A phone or monitor showing a video: logical pixels rendered as R, G, B stripes with a dark
    pixel gap, reduced gamut and contrast, raised black level, rolling refresh band, bezel."""

    def __init__(self, rng, device, content_size):
        self.rng = rng
        self.device = device
        cw, ch = content_size
        if device == "phone":
            self.px = (int(rng.integers(240, 300)), 0)
            self.px = (self.px[0], int(self.px[0] * rng.uniform(1.9, 2.1)))
        else:
            self.px = (int(rng.integers(420, 520)), 0)
            self.px = (self.px[0], int(self.px[0] * rng.uniform(0.56, 0.66)))
        sw, sh = self.px
        fit = min(sw / cw, sh / ch) * (rng.uniform(1.0, 1.25) if device == "phone" else rng.uniform(0.85, 1.0))
        self.video_size = (int(cw * fit), int(ch * fit))
        self.gamut = rng.uniform(0.65, 0.85)
        self.contrast = rng.uniform(0.7, 0.85)
        self.black = rng.uniform(0.05, 0.12)
        self.tint = np.array([rng.uniform(0.9, 1.0), rng.uniform(0.95, 1.02), rng.uniform(1.0, 1.1)], np.float32)
        self.band_speed = rng.uniform(2, 9)
        self.band_amp = rng.uniform(0.02, 0.06)
        self.bezel = int(rng.uniform(0.04, 0.08) * sw * 3)
        self.glare_pos = (rng.uniform(0.2, 0.8), rng.uniform(0.1, 0.6))
        self.glare_strength = rng.uniform(0.12, 0.35)
        # stripe k carries channel k (others leak in through the camera's lens blur); the bottom row
        # is the dark gap between pixel rows. Mean transmission ~0.55, made up by the panel's brightness.
        sub = np.full((3, 3, 3), 0.5, np.float32)
        for k in range(3):
            sub[:, k, k] = 1.0
        sub[2] *= 0.6
        self.brightness = rng.uniform(1.5, 1.8)
        self.sub = np.tile(sub, (sh, sw, 1))
        gx, gy = self.glare_pos
        # a window/lamp reflected in the glass: fixed on the screen, so it moves with the device
        self.sub_glare = glare((3 * sw, 3 * sh), (gx * 3 * sw, gy * 3 * sh), (0.35 * 3 * sw, 0.2 * 3 * sh),
                               self.glare_strength * 255)
        b = self.bezel
        body = Image.new("RGB", (3 * sw + 2 * b, 3 * sh + 2 * b), (18, 18, 20))
        d = ImageDraw.Draw(body)
        d.rounded_rectangle([1, 1, body.width - 2, body.height - 2], radius=int(b * 1.5),
                            outline=(60, 60, 64), width=max(2, b // 6))
        if device == "phone":
            d.ellipse([body.width / 2 - b / 4, b / 3, body.width / 2 + b / 4, b / 3 + b / 2], fill=(20, 20, 26))
        self.body = np.asarray(body).copy()
        rows = np.arange(sh, dtype=np.float32)
        self.rows = rows / sh

    def render(self, frame, i):
        """RGB PIL image of the whole device for video frame `frame` at frame index i."""
        sw, sh = self.px
        canvas = np.zeros((sh, sw, 3), np.float32)
        vid = np.asarray(Image.fromarray(frame).resize(self.video_size, Image.BILINEAR), np.float32) / 255
        vw, vh = self.video_size
        x0, y0 = (sw - vw) // 2, (sh - vh) // 2
        cx0, cy0 = max(-x0, 0), max(-y0, 0)
        canvas[max(y0, 0):max(y0, 0) + min(vh, sh), max(x0, 0):max(x0, 0) + min(vw, sw)] = \
            vid[cy0:cy0 + min(vh, sh), cx0:cx0 + min(vw, sw)]
        gray = canvas.mean(axis=2, keepdims=True)
        c = gray + (canvas - gray) * self.gamut
        c = self.black + (1 - self.black) * np.clip(0.5 + (c - 0.5) * self.contrast, 0, 1)
        band = 1 - self.band_amp * (0.5 + 0.5 * np.sin(2 * np.pi * (self.rows - i * self.band_speed / 100)))
        c = c * self.tint * band[:, None, None] * (255 * self.brightness)
        big = np.repeat(np.repeat(c, 3, axis=0), 3, axis=1)
        big *= self.sub
        big += self.sub_glare
        b = self.bezel
        body = self.body.copy()
        body[b:b + 3 * sh, b:b + 3 * sw] = np.clip(big, 0, 255, out=big).astype(np.uint8)
        return Image.fromarray(body)
