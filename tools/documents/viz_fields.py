"""The printed visual zone (VIZ) of a synthetic TD3 passport page: bilingual labels above their
values, in one of a few layouts, dates in one of the common printed formats.

The page generator's random stream must stay as it was (labels.csv of a given seed keeps its
MRZs), so this draws only the two values the old field block drew from `rng` (a font and an
ink) and takes everything else from a stream seeded by the MRZ itself. A few pages (about 5 %)
print a visual zone that disagrees with the MRZ (another birth date, surname or number), marked
consistent=0 in the truth, for the MRZ/VIZ consistency check."""

import zlib

import numpy as np
from PIL import ImageFont

from render_doc import SANS, SERIF

MONTHS_EN = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
MONTHS_FR = ["JANV", "FEVR", "MARS", "AVR", "MAI", "JUIN", "JUIL", "AOUT", "SEPT", "OCT", "NOV", "DEC"]
DATE_FORMATS = ["dmy_mon", "dmy_dots", "dmy_bilingual_yy", "dmy_slash", "dmy_bilingual"]
PLACES = ["PARIS", "LYON", "BERLIN", "MADRID", "ROMA", "AMSTERDAM", "LONDON", "DUBLIN", "WIEN",
          "OSLO", "LISBOA", "WARSZAWA", "PRAHA", "SEVILLA", "MARSEILLE", "HAMBURG", "TORINO"]
AUTHORITIES = ["PREFECTURE DE POLICE", "MINISTRY OF INTERIOR", "HM PASSPORT OFFICE",
               "PASSPORT OFFICE", "STADT {place}", "CONSULATE GENERAL", "PREFECTURE {place}"]
# (English, French) labels; layouts pick either both or English only.
LABELS = {
    "type": ("Type", "Type"), "code": ("Code", "Code"), "number": ("Passport No.", "Passeport N°"),
    "surname": ("Surname", "Nom"), "given": ("Given names", "Prénoms"),
    "nationality": ("Nationality", "Nationalité"), "birth": ("Date of birth", "Date de naissance"),
    "sex": ("Sex", "Sexe"), "place": ("Place of birth", "Lieu de naissance"),
    "issue": ("Date of issue", "Date de délivrance"), "authority": ("Authority", "Autorité"),
    "expiry": ("Date of expiry", "Date d'expiration"),
}
# Rows of (field, column); columns at 0, 22 and 44 mm from the zone's left edge.
LAYOUTS = [
    [[("type", 0), ("code", 22), ("number", 44)], [("surname", 0)], [("given", 0)],
     [("nationality", 0)], [("birth", 0), ("sex", 44)], [("place", 0)],
     [("issue", 0), ("authority", 44)], [("expiry", 0)]],
    [[("number", 44)], [("surname", 0)], [("given", 0)], [("nationality", 0), ("sex", 44)],
     [("birth", 0), ("place", 44)], [("issue", 0), ("expiry", 44)], [("authority", 0)]],
]


def _full_year(yy, birth):
    """The century rule of the MRZ reader (today: 2026): birth dates never in the future."""
    yy = int(yy)
    return (2000 + yy if yy <= 25 else 1900 + yy) if birth else 2000 + yy


def _fmt(day, month, year, style):
    en, fr = MONTHS_EN[month - 1], MONTHS_FR[month - 1]
    return {
        "dmy_mon": f"{day:02d} {en} {year}",
        "dmy_dots": f"{day:02d}.{month:02d}.{year}",
        "dmy_bilingual_yy": f"{day:02d} {fr}/{en} {year % 100:02d}",
        "dmy_slash": f"{day:02d}/{month:02d}/{year}",
        "dmy_bilingual": f"{day:02d} {en}/{fr} {year}",
    }[style]


def _dates(f, vrng):
    """(birth, issue, expiry) as (day, month, year)."""
    b, e = f["birth"], f["expiry"]
    birth = (int(b[4:]), int(b[2:4]), _full_year(b[:2], True))
    expiry = (int(e[4:]), int(e[2:4]), _full_year(e[:2], False))
    years = 10 if vrng.random() < 0.7 else 5
    issue = (expiry[0], expiry[1], expiry[2] - years)
    if vrng.random() < 0.4 and issue[0] < 28:
        issue = (issue[0] + 1, issue[1], issue[2])  # expiry = issue + N years - 1 day
    return birth, issue, expiry


def draw_td3_viz(d, rng, f, lines, origin, mm):
    """Draw the visual zone at `origin` (mm); returns the truth as printed (dates DD/MM/YYYY)."""
    value_font_path = [SANS, SERIF][int(rng.integers(2))]
    ink = tuple(int(c) for c in rng.integers(0, 60, size=3))
    vrng = np.random.default_rng(zlib.crc32("|".join(lines).encode()))
    style = DATE_FORMATS[int(vrng.integers(len(DATE_FORMATS)))]
    layout = LAYOUTS[int(vrng.integers(len(LAYOUTS)))]
    bilingual = vrng.random() < 0.7
    birth, issue, expiry = _dates(f, vrng)
    place = PLACES[int(vrng.integers(len(PLACES)))]
    authority = AUTHORITIES[int(vrng.integers(len(AUTHORITIES)))].format(place=PLACES[int(vrng.integers(len(PLACES)))])
    surname, number = f["surname"], f["number"].replace("<", "")
    consistent = 1
    if vrng.random() < 0.05:
        consistent = 0
        kind = int(vrng.integers(3))
        if kind == 0:
            birth = ((birth[0] % 27) + 1, birth[1], birth[2] - 3)
        elif kind == 1:
            surname = ["MOREAU", "OKONJO", "HALVORSEN", "TANAKA"][int(vrng.integers(4))]
        else:
            number = "".join(str(int(vrng.integers(10))) for _ in range(len(number)))
    values = {
        "type": "P", "code": f["country"].replace("<", ""), "number": number, "surname": surname,
        "given": f["given"], "nationality": f["nationality"].replace("<", ""),
        "birth": _fmt(*birth, style), "sex": f["sex"].replace("<", "X"), "place": place,
        "issue": _fmt(*issue, style), "authority": authority, "expiry": _fmt(*expiry, style),
    }
    label_font = ImageFont.truetype(SANS, mm(1.8))
    value_font = ImageFont.truetype(value_font_path, mm(2.8))
    x0, y = origin
    for row in layout:
        for field, col in row:
            en, fr = LABELS[field]
            label = f"{en} / {fr}" if bilingual and en != fr else en
            d.text((mm(x0 + col), mm(y)), label, font=label_font, fill=(90, 90, 110))
            colour = (160, 20, 30) if field == "number" else ink
            d.text((mm(x0 + col), mm(y + 2.0)), values[field], font=value_font, fill=colour)
        y += 5.6
    dmy = lambda t: f"{t[0]:02d}/{t[1]:02d}/{t[2]}"  # noqa: E731
    return {"surname": surname, "given_names": f["given"], "passport_id": number,
            "date_of_birth": dmy(birth), "date_of_issuance": dmy(issue), "date_of_expiration": dmy(expiry),
            "birth_place": place, "issue_place": authority, "consistent": consistent,
            "date_style": style}
