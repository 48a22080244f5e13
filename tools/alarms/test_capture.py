"""Checks of the capture simulation's placement (run: python tools/alarms/test_capture.py, or
pytest): clean captures keep the whole card in the frame, the covered "frame" attack still
cuts its severity's share of it, keeping it inside draws nothing from the rng, and a re-typed
field is covered whole on a tilted card."""

import os
import sys

import tempfile

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attacks  # noqa: E402
import generate  # noqa: E402
from capture import INSIDE_MARGIN, apply_h, cut_off, place  # noqa: E402

FRAME = (1200, 900)
DOC = (1000, 700)


def inside(corners, margin):
    W, H = FRAME
    return bool((corners >= margin - 1e-6).all() and (corners[:, 0] <= W - margin + 1e-6).all()
                and (corners[:, 1] <= H - margin + 1e-6).all())


def test_default_placement_keeps_the_card_inside():
    rng = np.random.default_rng(7)
    margin = INSIDE_MARGIN * min(FRAME)
    for _ in range(500):
        assert inside(place(DOC, FRAME, rng, {}), margin)


def test_keeping_inside_draws_nothing_and_moves_only_cut_cards():
    moved = 0
    for seed in range(300):
        a = place(DOC, FRAME, np.random.default_rng(seed), {})
        b = place(DOC, FRAME, np.random.default_rng(seed), {"inside": False})
        rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
        place(DOC, FRAME, rng_a, {})
        place(DOC, FRAME, rng_b, {"inside": False})
        assert rng_a.random() == rng_b.random()  # same number of draws
        if inside(b, INSIDE_MARGIN * min(FRAME)):
            assert np.array_equal(a, b)
        else:
            moved += 1
    assert moved > 0  # the unconstrained placement does cut cards at high fill


def share_outside(corners):
    """Share of the quad's area outside FRAME, by rasterising it on a padded canvas."""
    W, H = FRAME
    pad = max(W, H)
    canvas = Image.new("L", (W + 2 * pad, H + 2 * pad), 0)
    ImageDraw.Draw(canvas).polygon([(x + pad, y + pad) for x, y in corners], fill=1)
    quad = np.asarray(canvas, bool)
    return 1 - quad[pad:pad + H, pad:pad + W].sum() / quad.sum()


def test_frame_attack_cuts_its_severitys_share_of_the_card():
    # Every frame attack cuts 8 / 15 / 25 % of the card's area off by severity, whatever the
    # card's shape, side and random placement (the earlier shift left some cards whole).
    rng = np.random.default_rng(3)
    seen = 0
    for i in range(120):
        severity = 1 + i % 3
        kind, params, _ = attacks.covered(rng, severity)
        if kind != "frame":
            continue
        doc = [DOC, (700, 1000), (860, 540)][i % 3]
        cut = share_outside(place(doc, FRAME, rng, params))
        target = [0.08, 0.15, 0.25][severity - 1]
        assert target - 0.01 <= cut <= target + 0.03, (severity, cut)
        seen += 1
    assert seen >= 20


def test_cut_off_is_exact_for_an_upright_card():
    corners = np.array([(400.0, 300.0), (800.0, 300.0), (800.0, 550.0), (400.0, 550.0)])
    moved = cut_off(corners, FRAME, 2, 0.2)  # top edge
    assert np.allclose(moved[:, 0], corners[:, 0])
    assert abs(moved[0, 1] + 50.0) < 0.01  # 50 of the card's 250 px above the frame


def test_black_and_white_specimens_are_not_clean_sources():
    with tempfile.TemporaryDirectory() as data:
        os.makedirs(os.path.join(data, "documents"))
        os.makedirs(os.path.join(data, "faces"))
        for i in range(1, 26):
            ext = "png" if i == 20 else "jpg"
            open(os.path.join(data, "documents", f"d{i:03d}.{ext}"), "w").close()
        with open(os.path.join(data, "faces", "identities.csv"), "w") as fh:
            fh.write("identity,file\na,a.jpg\nb,b.jpg\n")
        tune, _ = generate.sources(data, "tune")
        holdout, _ = generate.sources(data, "holdout")
    names = {os.path.basename(p) for p in tune + holdout}
    assert len(names) == 22 and not names & (generate.BLACK_AND_WHITE | generate.NOT_DOCUMENTS)
    # The halves are cut before the black-and-white files are dropped: the split is unchanged.
    assert os.path.basename(tune[-1]) == "d012.jpg" and os.path.basename(holdout[0]) == "d013.jpg"


def tilted_h(degrees):
    """Doc -> photo homography: a rotation about (600, 450) plus a shift."""
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 600 - 600 * c + 450 * s + 20],
                     [s, c, 450 - 600 * s - 450 * c + 10], [0, 0, 1.0]])


def test_retype_covers_the_whole_field_of_a_tilted_card():
    # The field (red on a grey photo) must vanish under the patch at any tilt; mapping only
    # two corners left a thin strip near -atan(20 / 300) = -3.8 degrees.
    field = (450, 440, 750, 460)
    corners = [(450, 440), (750, 440), (750, 460), (450, 460)]
    for degrees in (0.0, 3.8, -3.8, 8.0, -8.0):
        h = tilted_h(degrees)
        photo = Image.new("RGB", FRAME, (128, 128, 128))
        ImageDraw.Draw(photo).polygon([tuple(p) for p in apply_h(h, corners)], fill=(255, 0, 0))
        red_before = (np.asarray(photo)[..., 0] > 200).sum()
        out = np.asarray(attacks.retype(photo, None, h, np.random.default_rng(5), 3, field))
        red = (out[..., 0] > 200) & (out[..., 1] < 90)
        assert red_before > 5000 and red.sum() < 0.002 * red_before, (degrees, red.sum())
        ink = np.abs(out.astype(np.int16) - 128).max(2) > 40  # the typed text, dark
        assert ink.sum() > 50, degrees


def test_retype_draws_as_many_numbers_as_the_two_corner_version():
    # Later images of a set must not change, so the stream advances exactly as the two-corner
    # patch (a thin strip on a tilted card) did: its draws, written out here, with the grain
    # noise sized by that strip, not by the larger patch now pasted.
    photo = Image.new("RGB", FRAME, (128, 128, 128))
    field = (450, 440, 750, 460)
    for severity in (1, 2, 3):
        for degrees in (0.0, 8.0, -8.0):
            rng = np.random.default_rng(11)
            attacks.retype(photo, None, tilted_h(degrees), rng, severity, field)
            ref = np.random.default_rng(11)
            widen = ref.uniform(1.0, 1.4)
            q = apply_h(tilted_h(degrees), [(450, 440), (750, 460)])
            x0, y0 = q.min(0).astype(int) - 3
            x1, y1 = q.max(0).astype(int) + 3
            x1 = max(x1, x0 + int((x1 - x0) * widen))
            ref.integers(3)
            ref.choice(35, size=ref.integers(6, 14))
            ref.integers(0, 70, 3)
            grain = [ref.uniform(0.6, 0.9), ref.uniform(0.25, 0.5), 0.0][severity - 1]
            if grain > 0:
                ref.normal(0, 1, (y1 - y0, x1 - x0, 3))
            ref.integers(80, 97)
            assert rng.random() == ref.random(), (severity, degrees)


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_"):
            fn()
            print("ok", name)
