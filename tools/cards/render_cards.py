#!/usr/bin/env python3
"""Synthetic Hong Kong identity cards and Malaysian MyKads, photographed by a simulated phone.

    python tools/cards/render_cards.py OUT_DIR [--count 100] [--seed 7] [--kind hkid|mykad|both]
                                       [--flat]

The layouts follow public descriptions of the cards' fronts (ID-1 size, 85.6 x 54 mm); no real
specimen was available, so positions, fonts and colours are approximations:

- HKID: title (permanent or not), Chinese name, English name "SURNAME, Given Names", the
  Chinese commercial (telex) codes of the Chinese name, date of birth DD-MM-YYYY, sex M/F,
  symbols (e.g. ***AZ; "A" = right of abode), first issue (MM-YY) in brackets and date of
  issue (MM-YY), the ID number A123456(3) with its mod-11 check digit, portrait at the right.
  The telex codes are random 4-digit groups (one per character, fixed per character in a run),
  not the real codes of the characters.
- MyKad: "KAD PENGENALAN MALAYSIA", "MyKad", the number YYMMDD-PB-###G (a real date, a real
  place-of-birth code, G odd for men), the name (one or two lines), 3-4 address lines ending in
  postcode + town and the state, WARGANEGARA, ISLAM or nothing, LELAKI/PEREMPUAN, portrait.

Portraits come from DATA/faces (shared test data). Each card is photographed with
tools/alarms/capture.py (placement, rotation up to 10 degrees, perspective, light, blur, noise,
JPEG); a tenth of the photos are taken with the phone turned (90/180/270 degrees). `--flat`
writes the card itself. Writes OUT_DIR/labels.csv with the true fields (see FIELDS).
Deterministic for a given seed."""

import argparse
import csv
import datetime
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "alarms"))
from capture import capture  # noqa: E402
from render_doc import guilloche, portrait  # noqa: E402

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SANS_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
CONDENSED = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf"
CONDENSED_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"
# Chinese glyphs: Debian fonts-wqy-microhei (or fonts-noto-cjk).
CJK_CANDIDATES = ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]

CARD_MM = (85.6, 54.0)
FIELDS = ["file", "card", "quarter_turns", "id_num", "en_name", "cn_name", "telex_code",
          "birthday", "sex", "symbol", "permanent", "first_issue_date", "current_issue_date",
          "name", "address", "religion", "type"]

# --- Hong Kong ------------------------------------------------------------------------------

HK_SURNAMES = [("CHAN", "陳"), ("WONG", "黃"), ("LEE", "李"), ("CHEUNG", "張"), ("LAU", "劉"),
               ("NG", "吳"), ("LAM", "林"), ("HO", "何"), ("LEUNG", "梁"), ("CHOW", "周"),
               ("TSANG", "曾"), ("YEUNG", "楊"), ("TANG", "鄧"), ("CHENG", "鄭"), ("KWOK", "郭"),
               ("MA", "馬"), ("LO", "羅"), ("YIP", "葉"), ("FUNG", "馮"), ("AU", "區")]
HK_GIVEN = [("Tai", "大"), ("Man", "文"), ("Siu", "小"), ("Ming", "明"), ("Wai", "偉"),
            ("Wah", "華"), ("Ka", "嘉"), ("Yan", "欣"), ("Chun", "俊"), ("Chi", "志"),
            ("Mei", "美"), ("Ling", "玲"), ("Sze", "詩"), ("Ting", "婷"), ("Tsz", "子"),
            ("Ho", "浩"), ("Kin", "健"), ("Kwok", "國"), ("Keung", "強"), ("Lai", "麗"),
            ("Nga", "雅"), ("Yee", "儀"), ("Fong", "芳"), ("Kei", "琪"), ("Wing", "穎"),
            ("Kit", "傑"), ("Fai", "輝"), ("Hung", "雄"), ("Shing", "成"), ("On", "安")]
# Single-letter prefixes in use, and a few two-letter ones.
HK_PREFIXES = list("ABCDEGHKMPRVYZ") * 4 + ["WX", "XA", "XB", "XD"]
PERMANENT_SYMBOLS = ["***AZ", "***AO", "***AB", "***AZ", "AZ", "***AOY"]
OTHER_SYMBOLS = ["***CZ", "***RZ", "***U", "***CO", "C", "***R"]


def hkid_check_digit(prefix, digits):
    """Published rule: letters A=10..Z=35, a leading space (single-letter prefix) = 36; weights
    9..2 over the 8 positions; check = 11 - sum mod 11, with 10 -> 'A' and 11 -> '0'."""
    chars = (" " + prefix if len(prefix) == 1 else prefix) + digits
    total = 0
    for weight, ch in zip(range(9, 1, -1), chars):
        value = 36 if ch == " " else (ord(ch) - ord("A") + 10 if ch.isalpha() else int(ch))
        total += weight * value
    check = 11 - total % 11
    return {10: "A", 11: "0"}.get(check, str(check))


def random_date(rng, first_year, last_year):
    start = datetime.date(first_year, 1, 1).toordinal()
    end = datetime.date(last_year, 12, 31).toordinal()
    return datetime.date.fromordinal(int(rng.integers(start, end + 1)))


def random_hkid(rng, telex):
    surname, cn_surname = HK_SURNAMES[rng.integers(len(HK_SURNAMES))]
    picks = rng.choice(len(HK_GIVEN), size=int(rng.choice([1, 2, 2, 2])), replace=False)
    given = [HK_GIVEN[i] for i in picks]
    cn_name = cn_surname + "".join(c for _, c in given)
    for ch in cn_name:
        telex.setdefault(ch, f"{int(rng.integers(0, 10000)):04d}")
    prefix = HK_PREFIXES[rng.integers(len(HK_PREFIXES))]
    digits = f"{int(rng.integers(0, 1_000_000)):06d}"
    birth = random_date(rng, 1940, 2007)
    first = random_date(rng, max(birth.year + 11, 1980), 2018)
    current = random_date(rng, max(first.year, 2018), 2025)
    permanent = bool(rng.random() < 0.8)
    symbols = PERMANENT_SYMBOLS if permanent else OTHER_SYMBOLS
    return {
        "card": "hkid",
        "id_num": f"{prefix}{digits}({hkid_check_digit(prefix, digits)})",
        "en_name": f"{surname}, {' '.join(g for g, _ in given)}",
        "cn_name": cn_name,
        "telex_code": " ".join(telex[ch] for ch in cn_name),
        "birthday": birth.strftime("%d-%m-%Y"),
        "sex": "M" if rng.random() < 0.5 else "F",
        "symbol": symbols[rng.integers(len(symbols))],
        "permanent": "1" if permanent else "0",
        "first_issue_date": first.strftime("%m-%y"),
        "current_issue_date": current.strftime("%m-%y"),
    }


def cjk_font():
    for path in CJK_CANDIDATES:
        if os.path.exists(path):
            return path
    sys.exit("no CJK font found: apt-get install fonts-wqy-microhei (or fonts-noto-cjk)")


def render_hkid(info, face, rng, px_per_mm):
    w, h = int(CARD_MM[0] * px_per_mm), int(CARD_MM[1] * px_per_mm)
    mm = lambda v: int(round(v * px_per_mm))  # noqa: E731
    card = guilloche(w, h, rng)
    d = ImageDraw.Draw(card)
    cjk = cjk_font()
    ink = tuple(int(c) for c in rng.integers(10, 50, size=3))
    label_ink = (70, 70, 90)
    permanent = info["permanent"] == "1"
    d.text((mm(4), mm(2.5)), "香港永久性居民身份證" if permanent else "香港居民身份證",
           font=ImageFont.truetype(cjk, mm(3.2)), fill=(120, 30, 60))
    d.text((mm(4), mm(6.6)),
           "HONG KONG PERMANENT IDENTITY CARD" if permanent else "HONG KONG IDENTITY CARD",
           font=ImageFont.truetype(SANS_BOLD, mm(2.3)), fill=(120, 30, 60))
    d.text((mm(5), mm(11.5)), info["cn_name"], font=ImageFont.truetype(cjk, mm(4.8)), fill=ink)
    value = ImageFont.truetype(rng.choice([SANS, CONDENSED]), mm(3.1))
    d.text((mm(5), mm(18.0)), info["en_name"], font=value, fill=ink)
    d.text((mm(5), mm(22.5)), info["telex_code"], font=value, fill=ink)
    label = ImageFont.truetype(cjk, mm(1.9))
    d.text((mm(5), mm(27.5)), "出生日期 Date of Birth", font=label, fill=label_ink)
    d.text((mm(5), mm(30.0)), info["birthday"], font=value, fill=ink)
    d.text((mm(34), mm(27.5)), "性別 Sex", font=label, fill=label_ink)
    d.text((mm(34), mm(30.0)), info["sex"], font=value, fill=ink)
    d.text((mm(5), mm(35.5)), info["symbol"], font=value, fill=ink)
    d.text((mm(5), mm(40.5)), "簽發日期 Date of Issue", font=label, fill=label_ink)
    d.text((mm(5), mm(43.0)), f"({info['first_issue_date']})    {info['current_issue_date']}",
           font=value, fill=ink)
    d.text((mm(50), mm(46.0)), info["id_num"], font=ImageFont.truetype(SANS, mm(3.9)), fill=ink)
    pbox = (mm(57), mm(11), mm(81), mm(42))
    card.paste(portrait(face, (pbox[2] - pbox[0], pbox[3] - pbox[1]), rng), pbox[:2])
    return card


# --- Malaysia -------------------------------------------------------------------------------

# Place-of-birth codes (Jabatan Pendaftaran Negara): state -> codes, and the town used for
# addresses. Foreign-born codes are listed in crates/ekyc-idcard/src/mykad_places.rs.
STATES = {
    "JOHOR": (["01", "21", "22", "23", "24"], ["JOHOR BAHRU", "BATU PAHAT", "MUAR", "KLUANG"]),
    "KEDAH": (["02", "25", "26", "27"], ["ALOR SETAR", "SUNGAI PETANI", "KULIM"]),
    "KELANTAN": (["03", "28", "29"], ["KOTA BHARU", "PASIR MAS"]),
    "MELAKA": (["04", "30"], ["MELAKA", "ALOR GAJAH"]),
    "NEGERI SEMBILAN": (["05", "31", "59"], ["SEREMBAN", "NILAI", "PORT DICKSON"]),
    "PAHANG": (["06", "32", "33"], ["KUANTAN", "TEMERLOH", "BENTONG"]),
    "PULAU PINANG": (["07", "34", "35"], ["GEORGE TOWN", "BUTTERWORTH", "BAYAN LEPAS"]),
    "PERAK": (["08", "36", "37", "38", "39"], ["IPOH", "TAIPING", "TELUK INTAN"]),
    "PERLIS": (["09", "40"], ["KANGAR", "ARAU"]),
    "SELANGOR": (["10", "41", "42", "43", "44"], ["SHAH ALAM", "PETALING JAYA", "KLANG"]),
    "TERENGGANU": (["11", "45", "46"], ["KUALA TERENGGANU", "KEMAMAN"]),
    "SABAH": (["12", "47", "48", "49"], ["KOTA KINABALU", "SANDAKAN", "TAWAU"]),
    "SARAWAK": (["13", "50", "51", "52", "53"], ["KUCHING", "MIRI", "SIBU"]),
    "WILAYAH PERSEKUTUAN": (["14", "54", "55", "56", "57"], ["KUALA LUMPUR"]),
}
MALAY_MEN = ["AHMAD", "MOHD FAIZAL", "MUHAMMAD HAFIZ", "AZMAN", "ISMAIL", "KHAIRUL ANUAR",
             "ZULKIFLI", "HASSAN", "RAHIM", "SYAFIQ"]
MALAY_WOMEN = ["SITI AMINAH", "NUR AISYAH", "NORAZLINA", "FARAH", "ZURAINI", "NURUL IZZAH",
               "AISHAH", "ROSNAH", "HALIMAH", "SALMAH"]
MALAY_FATHERS = ["ABDULLAH", "ISMAIL", "OSMAN", "YUSOF", "HAMID", "IBRAHIM", "RAZAK", "SALLEH"]
CHINESE = ["TAN", "LIM", "LEE", "WONG", "NG", "CHONG", "CHEAH", "GOH", "ONG", "TEH"]
CHINESE_GIVEN = ["WEI MING", "MEI LING", "KAH HOE", "SIEW LAN", "CHEE KEONG", "XIN YI",
                 "BOON HUAT", "LI YING", "JUN HAO", "PEI SHAN"]
INDIAN_MEN = ["RAJESH", "SURESH", "KUMAR", "ARJUN", "VIKNESWARAN"]
INDIAN_WOMEN = ["PRIYA", "KAVITHA", "LAKSHMI", "DEVI", "SARASWATHY"]
INDIAN_FATHERS = ["MUTHU", "KRISHNAN", "RAMASAMY", "SUBRAMANIAM", "GOVINDASAMY"]
STREETS = ["JALAN MAWAR", "JALAN MERANTI", "JALAN BUNGA RAYA", "LORONG CEMPAKA", "JALAN SETIA",
           "JALAN PERDANA", "JALAN KENANGA", "LORONG MELATI", "JALAN HARMONI", "JALAN DAHLIA"]
AREAS = ["TAMAN BUKIT INDAH", "TAMAN MELAWATI", "KAMPUNG BARU", "TAMAN SRI MUDA",
         "BANDAR BARU", "TAMAN DESA JAYA", "TAMAN SENTOSA", "KAMPUNG PERMATANG"]


def random_mykad(rng):
    birth = random_date(rng, 1950, 2007)
    state = list(STATES)[rng.integers(len(STATES))]
    codes, towns = STATES[state]
    male = bool(rng.random() < 0.5)
    serial = int(rng.integers(0, 1000))
    last = int(rng.integers(0, 5)) * 2 + (1 if male else 0)
    number = f"{birth.strftime('%y%m%d')}-{codes[rng.integers(len(codes))]}-{serial:03d}{last}"
    group = rng.random()
    if group < 0.55:
        first = (MALAY_MEN if male else MALAY_WOMEN)[rng.integers(10)]
        name = f"{first} {'BIN' if male else 'BINTI'} {MALAY_FATHERS[rng.integers(8)]}"
        religion = "ISLAM"
    elif group < 0.8:
        name = f"{CHINESE[rng.integers(10)]} {CHINESE_GIVEN[rng.integers(10)]}"
        religion = ""
    else:
        first = (INDIAN_MEN if male else INDIAN_WOMEN)[rng.integers(5)]
        name = f"{first} {'A/L' if male else 'A/P'} {INDIAN_FATHERS[rng.integers(5)]}"
        religion = ""
    town = towns[rng.integers(len(towns))]
    house = int(rng.integers(1, 300))
    street = STREETS[rng.integers(10)]
    lane = int(rng.integers(1, 12))
    address = [f"NO {house} {street} {lane}"]
    if rng.random() < 0.6:
        address.append(AREAS[rng.integers(len(AREAS))])
    address.append(f"{int(rng.integers(10000, 99999)):05d} {town}")
    address.append(state)
    return {
        "card": "mykad",
        "id_num": number,
        "name": name,
        "address": " ".join(address),
        "address_lines": address,
        "birthday": birth.strftime("%d/%m/%Y"),
        "sex": "LELAKI" if male else "PEREMPUAN",
        "religion": religion,
        "type": "MyKad",
    }


def split_name(name, font, width, draw):
    """The name on one line, or two when it does not fit (as the card prints long names)."""
    if draw.textlength(name, font=font) <= width:
        return [name]
    words = name.split()
    for cut in range(len(words) - 1, 0, -1):
        head = " ".join(words[:cut])
        if draw.textlength(head, font=font) <= width:
            return [head, " ".join(words[cut:])]
    return [name]


def render_mykad(info, face, rng, px_per_mm):
    w, h = int(CARD_MM[0] * px_per_mm), int(CARD_MM[1] * px_per_mm)
    mm = lambda v: int(round(v * px_per_mm))  # noqa: E731
    card = guilloche(w, h, rng)
    d = ImageDraw.Draw(card)
    ink = tuple(int(c) for c in rng.integers(5, 40, size=3))
    d.text((mm(4), mm(2.5)), "KAD PENGENALAN", font=ImageFont.truetype(SANS_BOLD, mm(2.4)),
           fill=(20, 40, 110))
    d.text((mm(4), mm(5.6)), "MALAYSIA", font=ImageFont.truetype(SANS_BOLD, mm(2.4)),
           fill=(20, 40, 110))
    d.text((mm(34), mm(5.0)), "IDENTITY CARD", font=ImageFont.truetype(SANS, mm(1.8)),
           fill=(20, 40, 110))
    d.text((mm(62), mm(2.0)), "MyKad", font=ImageFont.truetype(SANS_BOLD, mm(4.2)),
           fill=(190, 30, 40))
    d.text((mm(4), mm(10.5)), info["id_num"], font=ImageFont.truetype(SANS_BOLD, mm(4.0)),
           fill=ink)
    # The chip.
    d.rounded_rectangle((mm(6), mm(18), mm(17), mm(27)), radius=mm(1.5), fill=(205, 170, 80),
                        outline=(150, 120, 50), width=max(1, mm(0.2)))
    name_font = ImageFont.truetype(rng.choice([SANS_BOLD, CONDENSED_BOLD]), mm(2.8))
    lines = split_name(info["name"], name_font, mm(50), d)
    y = mm(31.0) if len(lines) == 1 else mm(28.0)
    for line in lines:
        d.text((mm(4), y), line, font=name_font, fill=ink)
        y += mm(3.4)
    addr_font = ImageFont.truetype(rng.choice([SANS, CONDENSED]), mm(2.5))
    y += mm(0.8)
    for line in info["address_lines"]:
        d.text((mm(4), y), line, font=addr_font, fill=ink)
        y += mm(3.2)
    pbox = (mm(59), mm(10), mm(81), mm(38))
    card.paste(portrait(face, (pbox[2] - pbox[0], pbox[3] - pbox[1]), rng), pbox[:2])
    small = ImageFont.truetype(SANS_BOLD, mm(2.4))
    right = mm(82)
    for i, text in enumerate(["WARGANEGARA", info["religion"], info["sex"]]):
        if text:
            tw = d.textlength(text, font=small)
            d.text((right - tw, mm(40.5 + 3.6 * i)), text, font=small, fill=ink)
    return card


# --- Set ------------------------------------------------------------------------------------

def faces_of(data):
    folder = os.path.join(data, "faces")
    with open(os.path.join(folder, "identities.csv")) as fh:
        return [os.path.join(folder, row["file"]) for row in csv.DictReader(fh)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=100, help="cards of each kind")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--kind", choices=["hkid", "mykad", "both"], default="both")
    ap.add_argument("--flat", action="store_true", help="the card itself, no photograph")
    ap.add_argument("--px-per-mm", type=float, default=10.0)
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    faces = faces_of(args.data)
    kinds = ["hkid", "mykad"] if args.kind == "both" else [args.kind]
    telex = {}
    rows = []
    for kind in kinds:
        for i in range(args.count):
            info = random_hkid(rng, telex) if kind == "hkid" else random_mykad(rng)
            face = faces[rng.integers(len(faces))]
            render = render_hkid if kind == "hkid" else render_mykad
            card = render(info, face, rng, args.px_per_mm)
            turns = 0
            if args.flat:
                photo = card
            else:
                photo, _, _ = capture(card, rng, {"max_rot": 10})
                if rng.random() < 0.1:
                    turns = int(rng.integers(1, 4))
                    photo = photo.rotate(-90 * turns, expand=True)
            name = f"{kind}_{i:04d}.jpg"
            photo.save(os.path.join(args.out, name), quality=90)
            info = {k: v for k, v in info.items() if k != "address_lines"}
            rows.append({"file": name, "quarter_turns": turns, **info})
    with open(os.path.join(args.out, "labels.csv"), "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in FIELDS})
    print(f"wrote {len(rows)} cards to {args.out}")


if __name__ == "__main__":
    main()
