"""Phone-camera capture of a document: placement on a background with rotation and
perspective, uneven lighting and colour cast, optics blur, sensor noise, JPEG.

The scene is composed in numpy float32 RGB (0..255). Attacks hook in at three points:
`before` (the document itself: photocopy, screen), `scene` (in front of the camera: finger,
glare) and `after` (the saved photo: digital tampering)."""

import io

import numpy as np
from PIL import Image, ImageFilter


def homography(src, dst):
    """3x3 matrix mapping the 4 `src` points onto the 4 `dst` points."""
    a = []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    _, _, vt = np.linalg.svd(np.array(a, dtype=np.float64))
    h = vt[-1].reshape(3, 3)
    return h / h[2, 2]


def apply_h(h, pts):
    p = np.c_[np.asarray(pts, dtype=np.float64), np.ones(len(pts))] @ h.T
    return p[:, :2] / p[:, 2:3]


def background(w, h, rng):
    """A table, cloth or paper: a base colour, a smooth gradient and some coarse texture."""
    base = rng.uniform(30, 220, size=3)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grad = (xx / w - 0.5)[..., None] * rng.uniform(-40, 40, size=3)
    small = rng.normal(0, rng.uniform(2, 18), size=(max(2, h // 16), max(2, w // 16), 3))
    tex = np.asarray(Image.fromarray(np.uint8(np.clip(small + 128, 0, 255))).resize(
        (w, h), Image.BILINEAR), dtype=np.float32) - 128
    return np.clip(base + grad + tex, 0, 255).astype(np.float32)


def place(doc_size, out_size, rng, params):
    """Corners of the document in the output image (TL, TR, BR, BL)."""
    W, H = out_size
    dw, dh = doc_size
    fill = params.get("fill", rng.uniform(0.7, 0.95))
    scale = fill * min(W / dw, H / dh)
    w, h = dw * scale, dh * scale
    cx, cy = W / 2 + rng.uniform(-0.5, 0.5) * (W - w) * 0.8, H / 2 + rng.uniform(-0.5, 0.5) * (H - h) * 0.8
    ang = np.deg2rad(rng.uniform(-1, 1) * params.get("max_rot", 8))
    c, s = np.cos(ang), np.sin(ang)
    corners = []
    for (x, y) in [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]:
        jitter = rng.normal(0, params.get("persp", 0.03) * w, size=2)
        corners.append((cx + c * x - s * y + jitter[0], cy + s * x + c * y + jitter[1]))
    corners = np.array(corners)
    if params.get("cut") is not None:
        side, share = params["cut"]
        corners = cut_off(corners, out_size, side, share)
    elif params.get("inside", True):
        corners = keep_inside(corners, out_size)
    return corners


# Frame edges as half-planes: the normal pointing out of the frame and the edge's offset.
def _edge(side, out_size):
    W, H = out_size
    return [((-1.0, 0.0), 0.0), ((1.0, 0.0), W), ((0.0, -1.0), 0.0), ((0.0, 1.0), H)][side]


def _area(poly):
    if len(poly) < 3:
        return 0.0
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


def _beyond(poly, normal, offset):
    """The part of polygon `poly` beyond the line n·p = offset (on the normal's side)."""
    n = np.asarray(normal)
    d = poly @ n - offset
    out = []
    for i in range(len(poly)):
        p, q, dp, dq = poly[i], poly[(i + 1) % len(poly)], d[i], d[(i + 1) % len(poly)]
        if dp >= 0:
            out.append(p)
        if (dp >= 0) != (dq >= 0):
            out.append(p + (q - p) * dp / (dp - dq))
    return np.array(out).reshape(-1, 2)


def cut_off(corners, out_size, side, share):
    """Move the quad along the axis of frame side `side` (0 left, 1 right, 2 top, 3 bottom)
    so that `share` of its area lies beyond that edge of the frame. The earlier placement
    shifted the card by a share of its own size, which cut it only when the card filled the
    frame along that axis and the random centre did not pull it back: a landscape card shifted
    up or down often stayed whole (0-3 % cut in a sixth of severity-1 draws). No rng draws."""
    normal, offset = _edge(side, out_size)
    area = _area(corners)
    n = np.asarray(normal)
    extent = np.ptp(corners @ n)
    # Bisection on the move along the normal: the area beyond the edge grows with it.
    lo, hi = -2.0 * extent - abs(offset), 2.0 * extent + abs(offset)
    for _ in range(60):
        mid = (lo + hi) / 2
        beyond = _area(_beyond(corners + n * mid, normal, offset)) / area
        lo, hi = (mid, hi) if beyond < share else (lo, mid)
    return corners + n * (lo + hi) / 2


INSIDE_MARGIN = 0.01


def keep_inside(corners, out_size):
    """Shrink (about the quad's centre) and then move the quad so that every corner lies inside
    the frame with a margin of 1 % of its short side: at high fill with rotation and perspective
    a corner can leave the frame and cut ~10 % of the card off, which is the covered alarm's
    frame attack, not a clean photo. No rng draws, so every other image stays the same; a quad
    already inside is returned unchanged."""
    W, H = out_size
    m = INSIDE_MARGIN * min(W, H)
    lo, hi = corners.min(0), corners.max(0)
    if lo[0] >= m and lo[1] >= m and hi[0] <= W - m and hi[1] <= H - m:
        return corners
    size = hi - lo
    shrink = min(1.0, (W - 2 * m) / size[0], (H - 2 * m) / size[1])
    centre = (lo + hi) / 2
    corners = centre + (corners - centre) * shrink
    lo, hi = corners.min(0), corners.max(0)
    # Move the smallest distance that brings the bounding box inside (it fits after the shrink).
    dx = max(0.0, m - lo[0]) - max(0.0, hi[0] - (W - m))
    dy = max(0.0, m - lo[1]) - max(0.0, hi[1] - (H - m))
    return corners + np.array([dx, dy])


def lighting(img, rng, strength):
    """Multiplicative uneven light (directional gradient, vignette) and a colour cast."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = rng.normal(size=2)
    field = 1 + strength * 0.25 * ((xx / w - 0.5) * dx + (yy / h - 0.5) * dy)
    r2 = ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2)
    field *= 1 - strength * rng.uniform(0, 0.35) * r2
    gain = rng.uniform(0.85, 1.1) * (1 + rng.normal(0, 0.04 * strength, size=3))
    return img * field[..., None] * gain


def sensor(img, rng, sigma):
    """Shot-like noise (grows with brightness), read noise and a little colour noise."""
    shot = rng.normal(0, 1, img.shape) * np.sqrt(np.maximum(img, 0) / 255.0) * sigma
    read = rng.normal(0, sigma * 0.4, img.shape)
    chroma = rng.normal(0, sigma * 0.3, img.shape[:2] + (1,))
    return img + shot + read + chroma * np.array([1, -0.5, 0.8])


def jpeg(img, quality):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(quality))
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def capture(doc, rng, params, hooks=None):
    """Photograph `doc` (PIL RGB). Returns (PIL image, corners of the doc in it, H doc->out)."""
    hooks = hooks or {}
    if "before" in hooks:
        doc = hooks["before"](doc)
    scan = params.get("scan", False)
    long_side = params.get("long_side", int(rng.integers(900, 1500)))
    dw, dh = doc.size
    if scan:
        # A flatbed-like scan: the page fills the frame, no perspective.
        scale = long_side / max(dw, dh)
        W, H = int(dw * scale), int(dh * scale)
        m = params.get("scan_margin", 0.0)
        W, H = int(W * (1 + m)), int(H * (1 + m))
        ox, oy = (W - dw * scale) / 2, (H - dh * scale) / 2
        corners = np.array([(ox, oy), (ox + dw * scale, oy), (ox + dw * scale, oy + dh * scale),
                            (ox, oy + dh * scale)])
        scene_bg = np.full((H, W, 3), rng.uniform(235, 255), np.float32)
    else:
        landscape = dw >= dh
        W, H = (long_side, int(long_side * 0.75)) if landscape else (int(long_side * 0.75), long_side)
        corners = place((dw, dh), (W, H), rng, params)
        scene_bg = background(W, H, rng)
    src = [(0, 0), (dw, 0), (dw, dh), (0, dh)]
    h_fwd = homography(src, corners)
    h_inv = np.linalg.inv(h_fwd)
    warped = doc.transform((W, H), Image.PERSPECTIVE, (h_inv / h_inv[2, 2]).flatten()[:8],
                           Image.BICUBIC)
    mask = Image.new("L", doc.size, 255).transform((W, H), Image.PERSPECTIVE,
                                                   (h_inv / h_inv[2, 2]).flatten()[:8], Image.BILINEAR)
    m = np.asarray(mask, dtype=np.float32)[..., None] / 255.0
    img = np.asarray(warped, dtype=np.float32) * m + scene_bg * (1 - m)
    img = lighting(img, rng, params.get("light", 0.0 if scan else rng.uniform(0.2, 1.0)))
    if not scan:
        # Auto-exposure: the camera meters the scene so the document's paper lands at
        # 190..240, not clipped (highlights added in the scene can still clip).
        inside = m[..., 0] > 0.5
        bright = np.percentile(img[inside].mean(-1), 90) if inside.any() else 230.0
        img = img * (rng.uniform(190, 240) / max(bright, 1.0))
    if "scene" in hooks:
        img = hooks["scene"](img, corners)
    img = np.clip(img, 0, 255)
    out = Image.fromarray(img.astype(np.uint8))
    blur = params.get("blur", rng.uniform(0.0, 0.7))
    if params.get("motion"):
        out = motion_blur(out, params["motion"], rng.uniform(0, 180))
    elif blur > 0.05:
        out = out.filter(ImageFilter.GaussianBlur(float(blur)))
    noise = params.get("noise", rng.uniform(0.5, 2.0) if scan else rng.uniform(1.5, 6.0))
    arr = sensor(np.asarray(out, dtype=np.float32), rng, noise)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    out = jpeg(out, params.get("quality", rng.integers(70, 96)))
    if "after" in hooks:
        out = hooks["after"](out, corners, h_fwd)
    return out, corners, h_fwd


def motion_blur(img, length, angle_deg):
    """Linear motion blur: average of shifted copies along a direction."""
    arr = np.asarray(img, dtype=np.float32)
    acc = np.zeros_like(arr)
    n = max(2, int(round(length)))
    a = np.deg2rad(angle_deg)
    for i in range(n):
        t = i - (n - 1) / 2
        dx, dy = int(round(t * np.cos(a))), int(round(t * np.sin(a)))
        acc += np.roll(np.roll(arr, dy, axis=0), dx, axis=1)
    return Image.fromarray(np.clip(acc / n, 0, 255).astype(np.uint8))
