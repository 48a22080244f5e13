"""The six attacks as capture parameters and hooks, each at severities 1 (subtle) .. 3 (gross).
Each attack varies several things at once (shape, light, copy process, screen pitch...) so a
detector cannot key on one artefact."""

import copy

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from capture import apply_h, jpeg

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONTS = [SANS, "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"]
SKIN = [(224, 172, 140), (198, 134, 100), (141, 85, 60), (240, 200, 175), (170, 110, 80)]


def quad_area(c):
    x, y = c[:, 0], c[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


# ---------------------------------------------------------------- covered (-9101)

def finger(img, corners, rng, severity):
    """A finger (or two) reaching from an image edge over the document, with a nail and a
    soft shadow; covers roughly 4 / 8 / 14 % of the document by severity."""
    h, w = img.shape[:2]
    doc_w = np.linalg.norm(corners[1] - corners[0])
    target = [0.04, 0.08, 0.14][severity - 1] * quad_area(corners)
    fingers = 1 if severity < 3 or rng.random() < 0.5 else 2
    for _ in range(fingers):
        width = doc_w * rng.uniform(0.07, 0.11)
        length = target / fingers / width + width
        edge_pt = corners[rng.integers(4)] * 0.6 + corners.mean(0) * 0.4
        direction = edge_pt - corners.mean(0)
        direction /= np.linalg.norm(direction) + 1e-6
        direction = rotate(direction, rng.uniform(-0.5, 0.5))
        # The finger starts outside the document and its tip lies `length` inside.
        tip = edge_pt - direction * (length - width) * 0.5
        base = tip + direction * (length + doc_w)
        img = draw_capsule(img, tip, base, width, rng)
    return img


def rotate(v, a):
    c, s = np.cos(a), np.sin(a)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def draw_capsule(img, tip, base, width, rng):
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = base - tip
    L = np.linalg.norm(d)
    u = d / L
    t = np.clip((xx - tip[0]) * u[0] + (yy - tip[1]) * u[1], 0, L)
    px, py = tip[0] + t * u[0], tip[1] + t * u[1]
    dist = np.hypot(xx - px, yy - py)
    r = width / 2
    # Shadow first, shifted.
    sh = np.clip(1 - (np.hypot(xx - px - r * 0.4, yy - py - r * 0.4) - r) / (r * 0.8), 0, 1)
    img = img * (1 - 0.35 * sh[..., None])
    inside = np.clip((r - dist) / 1.5, 0, 1)
    skin = np.array(SKIN[rng.integers(len(SKIN))], np.float32) * rng.uniform(0.8, 1.1)
    shade = 0.65 + 0.35 * np.sqrt(np.clip(1 - (dist / r) ** 2, 0, 1))
    colour = skin[None, None, :] * shade[..., None]
    # Nail near the tip: lighter, pinker.
    nail = (t < r * 1.6) & (dist < r * 0.6)
    colour[nail] = colour[nail] * 0.7 + np.array([245, 215, 210]) * 0.3
    colour += rng.normal(0, 3, colour.shape)
    return img * (1 - inside[..., None]) + colour * inside[..., None]


def object_over(img, corners, rng, severity):
    """A sticky note, a card, a phone or a pen lying over part of the document."""
    h, w = img.shape[:2]
    frac = [0.05, 0.10, 0.18][severity - 1]
    area = frac * quad_area(corners)
    kind = rng.choice(["note", "phone", "pen"])
    aspect = {"note": 1.0, "phone": 0.5, "pen": 0.08}[kind]
    ow = np.sqrt(area / aspect)
    oh = ow * aspect
    if kind == "pen":
        ow, oh = ow * 1.0, ow * aspect
    centre = corners[rng.integers(4)] * rng.uniform(0.5, 0.75) + corners.mean(0) * 0.35
    angle = rng.uniform(0, np.pi)
    colour = {"note": rng.choice([(250, 235, 120), (160, 220, 250), (250, 180, 200)]),
              "phone": (25, 25, 30), "pen": rng.choice([(20, 40, 150), (200, 30, 30), (30, 30, 30)])}[kind]
    pts = []
    for (x, y) in [(-ow / 2, -oh / 2), (ow / 2, -oh / 2), (ow / 2, oh / 2), (-ow / 2, oh / 2)]:
        pts.append(tuple(centre + rotate(np.array([x, y]), angle)))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).polygon(pts, fill=255)
    mask = np.asarray(mask.filter(ImageFilter.GaussianBlur(1.0)), np.float32)[..., None] / 255
    col = np.array(colour, np.float32) * rng.uniform(0.85, 1.1)
    col = col[None, None, :] + rng.normal(0, 2, (h, w, 3))
    return img * (1 - mask) + col * mask


def covered(rng, severity):
    kind = rng.choice(["finger", "finger", "object", "frame"])
    if kind == "frame":
        # The document runs out of the frame: 8 / 15 / 25 % of its area is cut off.
        cut = [0.08, 0.15, 0.25][severity - 1]
        side = int(rng.integers(4))
        params = {"fill": 0.92, "cut": (side, cut), "inside": False}
        return kind, params, {}
    fn = finger if kind == "finger" else object_over
    return kind, {}, {"scene": lambda img, c: fn(img, c, rng, severity)}


# ---------------------------------------------------------------- photocopy (-9102)

def photocopy_doc(doc, rng, severity):
    """Toner copy: colour drained (a little kept at low severity, as colour copiers on a bad
    day), contrast curve, grain and specks, copier blur, sometimes tinted paper."""
    keep = [0.12, 0.05, 0.0][severity - 1] * rng.uniform(0.5, 1.0)
    grey = ImageOps.grayscale(doc).convert("RGB")
    arr = np.asarray(Image.blend(grey, doc, keep), np.float32)
    gamma = rng.uniform(0.7, 1.3)
    arr = 255 * (arr / 255) ** gamma
    lo, hi = rng.uniform(0, 40), rng.uniform(200, 240)
    arr = np.clip((arr - lo) / (hi - lo) * 255, 0, 255)
    arr += rng.normal(0, rng.uniform(3, 10), arr.shape[:2])[..., None]
    specks = rng.random(arr.shape[:2]) < rng.uniform(0.0005, 0.003)
    arr[specks] = rng.uniform(0, 80)
    if rng.random() < 0.5:
        arr = arr * np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 1.0)])
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))


def photocopy(rng, severity):
    scan = rng.random() < 0.4
    params = {"scan": scan}
    return "copy", params, {"before": lambda d: photocopy_doc(d, rng, severity)}


# ---------------------------------------------------------------- screen recapture (-9103)

def screen_doc(doc, rng, severity, supersample):
    """The document shown on a display: resampled to the screen's pixels, each pixel drawn as
    R, G, B stripes with a dark gap, display gamma and white point, sometimes a bezel."""
    w, h = doc.size
    pitch = [rng.uniform(1.1, 1.8), rng.uniform(1.6, 2.6), rng.uniform(2.4, 4.0)][severity - 1]
    pitch *= supersample
    big = doc.resize((int(w * supersample), int(h * supersample)), Image.BILINEAR)
    sw, sh = big.size
    small = big.resize((max(1, int(sw / pitch)), max(1, int(sh / pitch))), Image.BILINEAR)
    arr = np.asarray(small.resize((sw, sh), Image.NEAREST), np.float32)
    xx = np.arange(sw, dtype=np.float32)
    yy = np.arange(sh, dtype=np.float32)
    phase = (xx % pitch) / pitch
    stripe = np.stack([(phase < 1 / 3), (phase >= 1 / 3) & (phase < 2 / 3), (phase >= 2 / 3)], -1)
    depth = [0.35, 0.55, 0.8][severity - 1] * rng.uniform(0.8, 1.0)
    # Each sub-pixel lights one colour; averaged over a pixel the mask is 1.
    mask = (1 - depth) + depth * 3 * stripe.astype(np.float32)
    gap = ((yy % pitch) / pitch > 0.8).astype(np.float32) * depth * 0.6
    arr = arr * mask[None, :, :] * (1 - gap[:, None, None])
    # Display tone: gamma, blue-ish white point, raised blacks.
    arr = 255 * (np.clip(arr, 0, 255) / 255) ** rng.uniform(0.8, 1.1)
    arr = arr * np.array([rng.uniform(0.88, 1.0), rng.uniform(0.95, 1.0), 1.0]) + rng.uniform(5, 25)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if rng.random() < 0.5:
        bez = int(0.04 * max(sw, sh))
        framed = Image.new("RGB", (sw + 2 * bez, sh + 2 * bez), (12, 12, 14))
        framed.paste(out, (bez, bez))
        out = framed
    return out


def screen(rng, severity):
    s = 3
    params = {"long_side": int(rng.integers(900, 1300)), "blur": rng.uniform(0.0, 0.6),
              "fill": rng.uniform(0.75, 0.98)}
    # The doc is upsampled `s` times before the stripes, so the camera's resampling integrates
    # over sub-pixels like a real sensor; pitch is in output pixels at fill ~ 1.
    def before(doc):
        scale = params["long_side"] / max(doc.size)
        doc = doc.resize((max(1, int(doc.size[0] * scale)), max(1, int(doc.size[1] * scale))),
                         Image.BILINEAR)
        return screen_doc(doc, rng, severity, s)
    hooks = {"before": before}
    if rng.random() < 0.4:
        hooks["scene"] = lambda img, c: glare_spot(img, c, rng, 0.4, soft=True)
    return "screen", params, hooks


# ---------------------------------------------------------------- tampered (-9104)

def paste_face(out, corners, h_fwd, rng, severity, box, face_path):
    """Replace the portrait with another person's photo, pasted into the saved photo."""
    quad = apply_h(h_fwd, [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])])
    x0, y0 = quad.min(0)
    x1, y1 = quad.max(0)
    # Shrink to the inner rectangle so the new photo lies on the old one.
    inset = 0.06 * (x1 - x0)
    x0, y0, x1, y1 = int(x0 + inset), int(y0 + inset), int(x1 - inset), int(y1 - inset)
    face = Image.open(face_path).convert("RGB")
    fw, fh = face.size
    aspect = (x1 - x0) / max(1, y1 - y0)
    cw = min(fw, int(fh * aspect))
    ch = int(cw / aspect)
    face = face.crop(((fw - cw) // 2, max(0, (fh - ch) // 3), (fw - cw) // 2 + cw,
                      max(0, (fh - ch) // 3) + ch)).resize((x1 - x0, y1 - y0), Image.LANCZOS)
    return paste_patch(out, face, (x0, y0), rng, severity)


RETYPE_CHARS = list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789 .")


def clamp_box(box, shape):
    H, W = shape[:2]
    x0, y0, x1, y1 = box
    return max(0, x0), max(0, y0), min(W - 1, x1), min(H - 1, y1)


def field_patch_box(h_fwd, box, widen):
    """The photo's axis-aligned box over a field: all four corners of the field mapped, so on
    a tilted card the patch covers the whole field, then widened by `widen` to the right."""
    q = apply_h(h_fwd, [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])])
    x0, y0 = q.min(0).astype(int) - 3
    x1, y1 = q.max(0).astype(int) + 3
    field_h = np.linalg.norm(q[3] - q[0])
    return (x0, y0, max(x1, x0 + int((x1 - x0) * widen)), y1), field_h


def two_corner_box(h_fwd, box, widen):
    """The box an earlier generator used (two corners mapped: a thin strip on a tilted card).
    Only its size is still needed, to keep the rng stream of the sets unchanged."""
    q = apply_h(h_fwd, [(box[0], box[1]), (box[2], box[3])])
    x0, y0 = q.min(0).astype(int) - 3
    x1, y1 = q.max(0).astype(int) + 3
    return x0, y0, max(x1, x0 + int((x1 - x0) * widen)), y1


def retype(out, corners, h_fwd, rng, severity, box=None):
    """Cover a field with a flat patch of the local paper colour and type new text on it."""
    arr = np.asarray(out, np.float32)
    font_px, top = None, 0
    if box is None:
        quad = np.asarray(corners)
        cx, cy = quad.mean(0)
        qw = np.linalg.norm(quad[1] - quad[0])
        qh = np.linalg.norm(quad[3] - quad[0])
        pw, ph = qw * rng.uniform(0.18, 0.32), qh * rng.uniform(0.05, 0.08)
        x0 = cx + rng.uniform(-0.35, 0.1) * qw
        y0 = cy + rng.uniform(-0.4, 0.15) * qh
        x0, y0, x1, y1 = clamp_box((int(x0), int(y0), int(x0 + pw), int(y0 + ph)), arr.shape)
    else:
        widen = rng.uniform(1.0, 1.4)
        (x0, y0, x1, y1), field_h = field_patch_box(h_fwd, box, widen)
        x0, y0, x1, y1 = clamp_box((x0, y0, x1, y1), arr.shape)
        # The text keeps the field's size, not the (taller) box's of a tilted field, and sits
        # mid-box; on an upright card this is the two-corner version's size and place.
        font_px = max(6, int((field_h + 6) * 0.7))
        top = max(0, (y1 - y0 - int(field_h + 6)) // 2)
        # The patch draws from a copy of the stream; the stream itself then advances as the
        # two-corner version did, so every later image of a set stays the same per seed.
        fork = copy.deepcopy(rng)
        skip_two_corner_draws(rng, two_corner_box(h_fwd, box, widen), arr.shape, severity)
        rng = fork
    if x1 - x0 < 8 or y1 - y0 < 6:
        return out
    ring = np.concatenate([arr[y0, x0:x1], arr[y1, x0:x1], arr[y0:y1, x0], arr[y0:y1, x1]])
    paper = np.median(ring, 0)
    patch = Image.new("RGB", (x1 - x0, y1 - y0), tuple(int(v) for v in paper))
    d = ImageDraw.Draw(patch)
    size = font_px if font_px is not None else max(6, int((y1 - y0) * 0.7))
    font = ImageFont.truetype(FONTS[rng.integers(len(FONTS))], size)
    text = "".join(rng.choice(RETYPE_CHARS, size=rng.integers(6, 14)))
    ink = tuple(int(v) for v in rng.integers(0, 70, 3))
    d.text((2, top), text, font=font, fill=ink)
    return paste_patch(out, patch, (x0, y0), rng, severity)


def skip_two_corner_draws(rng, box, shape, severity):
    """Advance `rng` by the draws the two-corner retype made after its box (none when that box
    was too small to patch)."""
    x0, y0, x1, y1 = clamp_box(box, shape)
    if x1 - x0 < 8 or y1 - y0 < 6:
        return
    rng.integers(len(FONTS))
    rng.choice(RETYPE_CHARS, size=rng.integers(6, 14))
    rng.integers(0, 70, 3)
    paste_draws(rng, severity, (y1 - y0, x1 - x0, 3))


def paste_draws(rng, severity, shape):
    """The random part of `paste_patch`: grain noise of `shape` (or None) and JPEG quality."""
    grain = [rng.uniform(0.6, 0.9), rng.uniform(0.25, 0.5), 0.0][severity - 1]
    noise = rng.normal(0, 4.0 * grain, shape) if grain > 0 else None
    return noise, rng.integers(80, 97)


def paste_patch(out, patch, at, rng, severity):
    """Paste with a forger's care that drops with severity: added grain matching the photo
    (1), some grain (2), none (3); then the image is saved again as JPEG."""
    arr = np.asarray(patch, np.float32)
    noise, quality = paste_draws(rng, severity, arr.shape)
    if noise is not None:
        arr = arr + noise
    if severity == 1:
        arr = np.asarray(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(0.5)), np.float32)
    out = out.copy()
    out.paste(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), at)
    return jpeg(out, quality)


def tampered(rng, severity, info, face_path):
    boxes = (info or {}).get("boxes")
    params = {"scan": rng.random() < 0.3}
    if boxes and rng.random() < 0.6:
        fn = lambda out, c, h: paste_face(out, c, h, rng, severity, boxes["portrait"], face_path)
        return "face", params, {"after": fn}
    if boxes:
        box = boxes["text"][rng.integers(len(boxes["text"]))]
        return "text", params, {"after": lambda out, c, h: retype(out, c, h, rng, severity, box)}
    return "text", params, {"after": lambda out, c, h: retype(out, c, h, rng, severity)}


# ---------------------------------------------------------------- glare (-9107)

def glare_spot(img, corners, rng, strength, soft=False):
    """A specular reflection: an elliptical (or streak-shaped) bright lobe on the document,
    slightly tinted, that clips the sensor at its core."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    doc_w = np.linalg.norm(corners[1] - corners[0])
    t = rng.uniform(0.15, 0.85, 2)
    top = corners[0] + (corners[1] - corners[0]) * t[0]
    bot = corners[3] + (corners[2] - corners[3]) * t[0]
    c = top + (bot - top) * t[1]
    streak = rng.random() < 0.35
    sx = doc_w * rng.uniform(0.05, 0.14) * (1 + strength)
    sy = sx * (rng.uniform(3, 6) if streak else rng.uniform(0.6, 1.4))
    a = rng.uniform(0, np.pi)
    dx, dy = xx - c[0], yy - c[1]
    u = (np.cos(a) * dx + np.sin(a) * dy) / sx
    v = (-np.sin(a) * dx + np.cos(a) * dy) / sy
    lobe = np.exp(-(u ** 2 + v ** 2) / 2) ** (0.6 if not soft else 1.0)
    peak = (120 + 300 * strength) * (0.5 if soft else 1.0)
    tint = np.array([1.0, rng.uniform(0.95, 1.02), rng.uniform(0.95, 1.08)])
    return img + lobe[..., None] * peak * tint


def card_mask(shape, corners, soften=1.0):
    """1 inside the document's quadrilateral, 0 outside (softened edge)."""
    h, w = shape[:2]
    m = Image.new("L", (w, h), 0)
    ImageDraw.Draw(m).polygon([tuple(p) for p in corners], fill=255)
    return np.asarray(m.filter(ImageFilter.GaussianBlur(float(soften))), np.float32)[..., None] / 255


def window_glare(img, corners, rng, strength):
    """A window or lamp panel mirrored in the laminate: a bright, slanted quadrilateral with
    soft edges, confined to the document."""
    h, w = img.shape[:2]
    doc_w = np.linalg.norm(corners[1] - corners[0])
    doc_h = np.linalg.norm(corners[3] - corners[0])
    c = corners.mean(0) + rng.uniform(-0.3, 0.3, 2) * np.array([doc_w, doc_h])
    ow, oh = doc_w * rng.uniform(0.12, 0.3) * (1 + strength) / 2, doc_h * rng.uniform(0.2, 0.5)
    a = rng.uniform(-0.6, 0.6)
    pts = [tuple(c + rotate(np.array(p), a)) for p in
           [(-ow / 2, -oh / 2), (ow / 2, -oh / 2), (ow / 2, oh / 2), (-ow / 2, oh / 2)]]
    m = Image.new("L", (w, h), 0)
    ImageDraw.Draw(m).polygon(pts, fill=255)
    soft = doc_w * rng.uniform(0.01, 0.05)
    lobe = np.asarray(m.filter(ImageFilter.GaussianBlur(float(soft))), np.float32) / 255
    peak = 140 + 260 * strength
    return img + (lobe[..., None] * card_mask(img.shape, corners)) * peak


def glare(rng, severity):
    """A lamp's lobe over the whole scene, a lobe only on the (glossy) document, or a
    mirrored window; one or two of them."""
    strength = [0.35, 0.6, 1.0][severity - 1] * rng.uniform(0.85, 1.15)
    n = 1 if rng.random() < 0.7 else 2
    kind = rng.choice(["spot", "laminate", "window"])

    def scene(img, c):
        for _ in range(n):
            if kind == "spot":
                img = glare_spot(img, c, rng, strength)
            elif kind == "laminate":
                lit = glare_spot(img, c, rng, strength)
                img = img + (lit - img) * card_mask(img.shape, c)
            else:
                img = window_glare(img, c, rng, strength)
        return img
    return kind, {"light": rng.uniform(0.2, 0.8)}, {"scene": scene}


# ---------------------------------------------------------------- blur (-9108)

def blur(rng, severity):
    """Defocus or motion blur, in output pixels scaled to the document's size in the photo."""
    kind = rng.choice(["focus", "focus", "motion"])
    long_side = int(rng.integers(900, 1500))
    k = long_side / 1000
    if kind == "focus":
        sigma = [rng.uniform(1.6, 2.1), rng.uniform(2.2, 2.9), rng.uniform(3.0, 4.5)][severity - 1]
        return kind, {"long_side": long_side, "blur": sigma * k}, {}
    length = [rng.uniform(6, 8), rng.uniform(8, 11), rng.uniform(11, 16)][severity - 1]
    return kind, {"long_side": long_side, "motion": length * k}, {}


def clean(rng):
    """Controls: the same capture with acceptable quality (mild blur, some light and noise)."""
    scan = rng.random() < 0.3
    params = {"scan": scan}
    hooks = {}
    if rng.random() < 0.3:
        # A broad, weak sheen that does not clip: not an alarm.
        hooks["scene"] = lambda img, c: img + 0.25 * (glare_spot(img, c, rng, 0.0, soft=True) - img)
    return "clean", params, hooks
