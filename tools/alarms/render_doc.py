"""Synthetic TD3 passport data pages: guilloche background, colour header, portrait from the
faces folder, printed fields, and a random check-digit-valid MRZ in OCR-B.

Returns the page and the boxes an attack may need (portrait, text fields, MRZ)."""

import math
import string

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SANS_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

# TD3 page: 125 x 88 mm.
PAGE_MM = (125.0, 88.0)
COUNTRIES = ["UTO", "ZAR", "NRD", "FRQ", "ESZ", "KLM", "BRV", "OXO"]
SURNAMES = ["MARTIN", "OKAFOR", "LINDQVIST", "NAKAMURA", "FERREIRA", "KOWALSKI", "HASSAN",
            "OBRIEN", "DUBOIS", "MEIER", "ROSSI", "SANTOS", "IVANOVA", "NGUYEN", "SMITH"]
GIVEN = ["ANNA", "LUIS", "MARIA", "JOHN", "AIKO", "PETER", "FATIMA", "OLIVIA", "SVEN",
         "CHEN", "NOOR", "ELENA", "DAVID", "MIRA"]


def check_digit(s):
    weights = (7, 3, 1)
    total = 0
    for i, ch in enumerate(s):
        if ch.isdigit():
            v = int(ch)
        elif ch == "<":
            v = 0
        else:
            v = ord(ch) - ord("A") + 10
        total += v * weights[i % 3]
    return str(total % 10)


def random_mrz(rng):
    """Two TD3 lines with valid check digits, and the fields printed on the page."""
    country = rng.choice(COUNTRIES)
    surname = rng.choice(SURNAMES)
    given = " ".join(rng.choice(GIVEN, size=rng.integers(1, 3), replace=False))
    number = "".join(rng.choice(list(string.ascii_uppercase + string.digits), size=9))
    birth = f"{rng.integers(50, 99):02d}{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}"
    expiry = f"{rng.integers(26, 35):02d}{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}"
    sex = rng.choice(["M", "F"])
    personal = "<" * 14
    name = (surname + "<<" + given.replace(" ", "<"))[:39].ljust(39, "<")
    line1 = ("P<" + country + name)[:44]
    body = number + check_digit(number) + country + birth + check_digit(birth) + sex
    body += expiry + check_digit(expiry) + personal + check_digit(personal)
    composite = number + check_digit(number) + birth + check_digit(birth) + expiry
    composite += check_digit(expiry) + personal + check_digit(personal)
    line2 = body + check_digit(composite)
    fields = {"surname": surname, "given": given, "number": number, "country": country,
              "birth": birth, "expiry": expiry, "sex": sex}
    return [line1, line2], fields


def guilloche(w, h, rng):
    """Pastel background with fine interfering sine lines (the security print)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.array(rng.uniform(200, 245, size=3), dtype=np.float32)
    tint = np.array(rng.uniform(-25, 25, size=3), dtype=np.float32)
    grad = (xx / w)[..., None] * tint[None, None, :]
    img = base[None, None, :] + grad
    for _ in range(rng.integers(2, 4)):
        fx, fy = rng.uniform(0.01, 0.05, size=2)
        amp = rng.uniform(10, 40)
        period = rng.uniform(5, 12)
        phase = np.sin(xx * fx + yy * fy * 0.5) * amp
        wave = np.cos(2 * math.pi * (yy + phase) / period)
        colour = np.array(rng.uniform(-40, 10, size=3), dtype=np.float32)
        img += (np.clip(wave, 0.6, 1.0) - 0.6)[..., None] * colour[None, None, :] * 1.5
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def portrait(face_path, size, rng):
    """Head-and-shoulders crop of a face photo, scaled to `size`."""
    face = Image.open(face_path).convert("RGB")
    fw, fh = face.size
    aspect = size[0] / size[1]
    cw = min(fw, int(fh * aspect))
    ch = int(cw / aspect)
    x0 = (fw - cw) // 2 + int(rng.integers(-cw // 10, cw // 10 + 1))
    x0 = max(0, min(fw - cw, x0))
    y0 = max(0, min(fh - ch, (fh - ch) // 3))
    return face.crop((x0, y0, x0 + cw, y0 + ch)).resize(size, Image.LANCZOS)


def render(rng, face_path, px_per_mm=8.0):
    """A passport data page. Returns (image, info) with info["boxes"] in page pixels."""
    w, h = int(PAGE_MM[0] * px_per_mm), int(PAGE_MM[1] * px_per_mm)
    mm = lambda v: int(round(v * px_per_mm))
    page = guilloche(w, h, rng)
    d = ImageDraw.Draw(page)
    header = tuple(int(c) for c in rng.integers(20, 160, size=3))
    d.rectangle((0, 0, w, mm(9)), fill=header)
    lines, f = random_mrz(rng)
    title = ImageFont.truetype(SANS_BOLD, mm(4.5))
    d.text((mm(6), mm(2)), f"{f['country']}  PASSPORT / PASSEPORT", font=title, fill="white")
    # Portrait box: 32 x 40 mm at the left.
    pbox = (mm(5), mm(13), mm(37), mm(53))
    face = portrait(face_path, (pbox[2] - pbox[0], pbox[3] - pbox[1]), rng)
    page.paste(face, pbox[:2])
    # Small ghost portrait (grey, faint) at the right.
    ghost = ImageOps.grayscale(face.resize((mm(14), mm(18)))).convert("RGB")
    gbox = (mm(104), mm(35))
    region = page.crop((gbox[0], gbox[1], gbox[0] + mm(14), gbox[1] + mm(18)))
    page.paste(Image.blend(region, ghost, 0.35), gbox)
    label_font = ImageFont.truetype(SANS, mm(2.0))
    value_font = ImageFont.truetype(rng.choice([SANS, SERIF]), mm(3.2))
    values = [("Type / Type", "P"), ("Surname / Nom", f["surname"]),
              ("Given names / Prénoms", f["given"]),
              ("Nationality / Nationalité", f["country"]),
              ("Date of birth / Date de naissance",
               f"{f['birth'][4:]}.{f['birth'][2:4]}.19{f['birth'][:2]}"),
              ("Sex / Sexe", f["sex"]),
              ("Date of expiry / Date d'expiration",
               f"{f['expiry'][4:]}.{f['expiry'][2:4]}.20{f['expiry'][:2]}")]
    ink = tuple(int(c) for c in rng.integers(0, 60, size=3))
    text_boxes = []
    y = mm(12)
    for label, value in values:
        d.text((mm(42), y), label, font=label_font, fill=(90, 90, 110))
        d.text((mm(42), y + mm(2.3)), value, font=value_font, fill=ink)
        tb = d.textbbox((mm(42), y + mm(2.3)), value, font=value_font)
        text_boxes.append(tb)
        y += mm(6.0)
    d.text((mm(80), mm(12)), "Passport No.", font=label_font, fill=(90, 90, 110))
    d.text((mm(80), mm(14.3)), f["number"], font=value_font, fill=(160, 20, 30))
    text_boxes.append(d.textbbox((mm(80), mm(14.3)), f["number"], font=value_font))
    # MRZ: two lines of 44 characters, OCR-B at 2.54 mm pitch, bottom of the page.
    mrz_font = ImageFont.truetype(OCRB, mm(3.6))
    mrz_top = h - mm(16)
    for i, line in enumerate(lines):
        d.text((mm(6), mrz_top + i * mm(5.5)), line, font=mrz_font, fill=(15, 15, 20))
    mrz_box = (mm(5), mrz_top - mm(1), w - mm(4), h - mm(3))
    info = {"boxes": {"portrait": pbox, "text": text_boxes, "mrz": mrz_box}, "mrz": lines}
    return page, info
