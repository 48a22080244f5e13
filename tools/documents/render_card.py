"""Synthetic ICAO document pages for the MRZ reader: TD1 cards (85.6 x 54 mm, 3 x 30 MRZ on
the back), TD2 cards (105 x 74 mm, 2 x 36) and TD3 passport pages (125 x 88 mm, 2 x 44), and
TD1 fronts that carry no MRZ at all. Background, portrait and fonts come from
tools/alarms/render_doc.py; the MRZ is set in OCR-B at the ICAO pitch (2.54 mm per character)."""

import os
import sys

from PIL import ImageDraw, ImageFont

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "alarms"))
from render_doc import OCRB, SANS, SANS_BOLD, SERIF, guilloche, portrait  # noqa: E402

from mrz_gen import random_mrz  # noqa: E402
from viz_fields import draw_td3_viz  # noqa: E402

PAGE_MM = {"TD1": (85.6, 54.0), "TD2": (105.0, 74.0), "TD3": (125.0, 88.0)}
# OCR-B's advance is 0.723 em: an em of 3.51 mm gives the ICAO 2.54 mm character pitch.
MRZ_EM_MM = 3.51
TITLES = {"TD1": "IDENTITY CARD", "TD2": "RESIDENCE PERMIT", "TD3": "PASSPORT"}


def _mm(px_per_mm):
    return lambda v: int(round(v * px_per_mm))


def _header(d, rng, fmt, country, w, mm):
    colour = tuple(int(c) for c in rng.integers(20, 160, size=3))
    d.rectangle((0, 0, w, mm(8)), fill=colour)
    font = ImageFont.truetype(SANS_BOLD, mm(4.0 if fmt != "TD1" else 3.2))
    d.text((mm(4), mm(1.6)), f"{country.replace('<', '')}  {TITLES[fmt]}", font=font, fill="white")


def _fields(d, rng, f, origin, mm, rows=5):
    """Label/value pairs of the visual zone at `origin` (mm)."""
    label_font = ImageFont.truetype(SANS, mm(1.8))
    value_font = ImageFont.truetype(_pick_font(rng), mm(2.8))
    ink = tuple(int(c) for c in rng.integers(0, 60, size=3))
    values = [("Surname", f["surname"]), ("Given names", f["given"]),
              ("Nationality", f["nationality"].replace("<", "")),
              ("Date of birth", f"{f['birth'][4:]}.{f['birth'][2:4]}.{f['birth'][:2]}"),
              ("Document no.", f["number"].replace("<", "")),
              ("Date of expiry", f"{f['expiry'][4:]}.{f['expiry'][2:4]}.{f['expiry'][:2]}")]
    x, y = origin
    for label, value in values[:rows]:
        d.text((mm(x), mm(y)), label, font=label_font, fill=(90, 90, 110))
        d.text((mm(x), mm(y + 2.0)), value, font=value_font, fill=ink)
        y += 5.4


def _pick_font(rng):
    return [SANS, SERIF][int(rng.integers(2))]


def _mrz(d, rng, lines, page_h, mm):
    """Set the MRZ lines at the bottom, 2.54 mm pitch, line pitch 4.2..5.5 mm."""
    font = ImageFont.truetype(OCRB, mm(MRZ_EM_MM * rng.uniform(0.97, 1.03)))
    pitch = rng.uniform(4.2, 5.5)
    bottom_margin = rng.uniform(2.5, 4.0)
    top = page_h - bottom_margin - pitch * len(lines) + (pitch - 3.6)
    ink = tuple(int(c) for c in rng.integers(0, 40, size=3))
    left = rng.uniform(3.0, 5.0)
    for i, line in enumerate(lines):
        d.text((mm(left), mm(top + i * pitch)), line, font=font, fill=ink)


def render(rng, fmt, face_path, px_per_mm, with_mrz=True, viz=None):
    """A page of format `fmt` with a random MRZ. Returns (image, MRZ lines or []).

    TD3 pages carry a labelled visual zone (viz_fields.py); when `viz` is a dict it receives the
    printed values (the truth of `ekyc eval viz`)."""
    w_mm, h_mm = PAGE_MM[fmt]
    mm = _mm(px_per_mm)
    w, h = mm(w_mm), mm(h_mm)
    page = guilloche(w, h, rng)
    d = ImageDraw.Draw(page)
    lines, f = random_mrz(rng, fmt)
    _header(d, rng, fmt, f["country"], w, mm)
    if not with_mrz:
        # A card front: portrait and the visual zone, no MRZ.
        pbox = (mm(4), mm(11), mm(28), mm(42))
        page.paste(portrait(face_path, (pbox[2] - pbox[0], pbox[3] - pbox[1]), rng), pbox[:2])
        _fields(d, rng, f, (31, 11), mm, rows=6)
        return page, []
    if fmt == "TD1":
        # The back of the card: an address block above the MRZ.
        small = ImageFont.truetype(SANS, mm(2.2))
        for i, text in enumerate(["Address / Adresse", "12 MAIN STREET", "9999 SOMEWHERE"]):
            d.text((mm(5), mm(11 + i * 3.4)), text, font=small, fill=(40, 40, 60))
    else:
        pbox = (mm(4), mm(11), mm(4 + 0.26 * w_mm), mm(11 + 0.33 * w_mm))
        page.paste(portrait(face_path, (pbox[2] - pbox[0], pbox[3] - pbox[1]), rng), pbox[:2])
        origin = (0.26 * w_mm + 8, 11)
        if fmt == "TD3":
            truth = draw_td3_viz(d, rng, f, lines, origin, mm)
            if viz is not None:
                viz.update(truth)
        else:
            _fields(d, rng, f, origin, mm, rows=5)
    _mrz(d, rng, lines, h_mm, mm)
    return page, lines
