"""Random ICAO 9303 MRZs with valid check digits: TD1 (3 x 30), TD2 (2 x 36), TD3 (2 x 44).

Unlike tools/alarms/render_doc.random_mrz (TD3 with an empty personal number), these vary
what a reader must cope with: short document numbers padded with '<', optional data and
personal numbers, long names truncated at the line end, several given names."""

import os
import string
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "alarms"))
from render_doc import GIVEN, SURNAMES, check_digit  # noqa: E402

COUNTRIES = ["UTO", "ZAR", "NRD", "FRQ", "ESZ", "KLM", "BRV", "OXO", "D<<", "GBR", "NLD"]
LONG_SURNAMES = ["VANDERBERGHE", "SCHWARZENEGGER", "PAPADOPOULOU", "MARTINEZ<DE<LA<CRUZ",
                 "OKONKWO<ADEBAYO", "WOJCIECHOWSKA", "ABDULRAHMAN<ALSAUD"]
ALNUM = string.ascii_uppercase + string.digits
FORMATS = {"TD1": (3, 30), "TD2": (2, 36), "TD3": (2, 44)}


def _pick(rng, items):
    return items[int(rng.integers(len(items)))]


def _name_field(rng, width):
    """SURNAME<<GIVEN<NAMES padded or truncated to `width`, and the names as printed."""
    surname = _pick(rng, SURNAMES + LONG_SURNAMES)
    count = int(rng.integers(1, 4))
    given = [str(g) for g in rng.choice(GIVEN, size=count, replace=False)]
    field = (surname + "<<" + "<".join(given))[:width].ljust(width, "<")
    return field, surname.replace("<", " "), " ".join(given)


def _doc_number(rng):
    """9 characters or fewer (padded with '<'); digits and letters."""
    n = int(rng.choice([9, 9, 9, 8, 7, 6]))
    kind = rng.random()
    if kind < 0.4:
        body = "".join(_pick(rng, string.digits) for _ in range(n))
    elif kind < 0.7:
        body = "".join(_pick(rng, string.ascii_uppercase) for _ in range(2))
        body += "".join(_pick(rng, string.digits) for _ in range(n - 2))
    else:
        body = "".join(_pick(rng, ALNUM) for _ in range(n))
    return body.ljust(9, "<")


def _date(rng, lo, hi):
    return f"{int(rng.integers(lo, hi)):02d}{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}"


def _optional(rng, width):
    """Empty, digits or letters+digits, padded with '<' to `width`."""
    r = rng.random()
    if r < 0.5:
        return "<" * width
    n = int(rng.integers(3, width + 1))
    chars = string.digits if r < 0.8 else ALNUM
    return "".join(_pick(rng, chars) for _ in range(n)).ljust(width, "<")


def random_fields(rng):
    birth = _date(rng, 0, 100)
    return {
        "country": _pick(rng, COUNTRIES),
        "nationality": _pick(rng, COUNTRIES),
        "number": _doc_number(rng),
        "birth": birth,
        "expiry": _date(rng, 24, 40),
        "sex": _pick(rng, ["M", "F", "<"]),
    }


def td3(rng):
    f = random_fields(rng)
    name, surname, given = _name_field(rng, 39)
    personal = _optional(rng, 14)
    pcheck = "<" if personal == "<" * 14 and rng.random() < 0.5 else check_digit(personal)
    line1 = "P" + _pick(rng, ["<", "<", "D", "O"]) + f["country"] + name
    num = f["number"] + check_digit(f["number"])
    birth = f["birth"] + check_digit(f["birth"])
    expiry = f["expiry"] + check_digit(f["expiry"])
    composite = num + birth + expiry + personal + pcheck
    line2 = num + f["nationality"] + birth + f["sex"] + expiry + personal + pcheck
    line2 += check_digit(composite)
    return [line1, line2], dict(f, surname=surname, given=given)


def td2(rng):
    f = random_fields(rng)
    name, surname, given = _name_field(rng, 31)
    optional = _optional(rng, 7)
    line1 = _pick(rng, ["I<", "ID", "AC", "C<"]) + f["country"] + name
    num = f["number"] + check_digit(f["number"])
    birth = f["birth"] + check_digit(f["birth"])
    expiry = f["expiry"] + check_digit(f["expiry"])
    line2 = num + f["nationality"] + birth + f["sex"] + expiry + optional
    line2 += check_digit(num + birth + expiry + optional)
    return [line1, line2], dict(f, surname=surname, given=given)


def td1(rng):
    f = random_fields(rng)
    name, surname, given = _name_field(rng, 30)
    optional1 = _optional(rng, 15)
    optional2 = _optional(rng, 11)
    num = f["number"] + check_digit(f["number"])
    line1 = _pick(rng, ["I<", "ID", "AC", "C<"]) + f["country"] + num + optional1
    birth = f["birth"] + check_digit(f["birth"])
    expiry = f["expiry"] + check_digit(f["expiry"])
    line2 = birth + f["sex"] + expiry + f["nationality"] + optional2
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    line2 += check_digit(composite)
    return [line1, line2, name], dict(f, surname=surname, given=given)


def random_mrz(rng, fmt):
    lines, fields = {"TD1": td1, "TD2": td2, "TD3": td3}[fmt](rng)
    rows, width = FORMATS[fmt]
    assert len(lines) == rows and all(len(x) == width for x in lines), lines
    return lines, fields
