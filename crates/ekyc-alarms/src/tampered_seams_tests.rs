//! Generated fixtures: a "photographed" card (print tilted by a few degrees and softened by
//! the optics, sensor noise) and the same photo with an axis-aligned patch pasted in.

use image::{Rgb, RgbImage};

use super::*;
use crate::view::{CardHints, MrzHint};

/// Deterministic xorshift noise in [-0.5, 0.5).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    }
}

const W: u32 = 720;
const H: u32 = 500;

/// Print of the card at (u, v) (card coordinates): paper with guilloche-like waves, a dark
/// portrait box and bars of text, with edges softened over ~1.5 px.
fn print(u: f32, v: f32) -> f32 {
    let soft = |d: f32| (0.5 + d / 1.5).clamp(0.0, 1.0);
    let mut level = 200.0 + 12.0 * ((u * 0.11 + 6.0 * (v * 0.03).sin()).sin());
    let portrait = soft(u - 60.0) * soft(230.0 - u) * soft(v - 90.0) * soft(330.0 - v);
    level += (60.0 + 30.0 * (u * 0.05).sin() - level) * portrait;
    for row in 0..6 {
        let top = 100.0 + 35.0 * row as f32;
        let bar = soft(u - 280.0) * soft(600.0 - u) * soft(v - top) * soft(top + 14.0 - v);
        level += (35.0 - level) * bar * (0.6 + 0.4 * (u * 0.7).sin().abs());
    }
    level
}

/// The card rotated by `degrees` about the photo centre, with noise σ ≈ 2.
fn photo(degrees: f32, seed: u64) -> RgbImage {
    let mut rng = Rng(seed);
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (W as f32 / 2.0, H as f32 / 2.0);
    RgbImage::from_fn(W, H, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let (u, v) = (c * dx + s * dy + cx, -s * dx + c * dy + cy);
        let l = (print(u, v) + 7.0 * rng.next()).clamp(0.0, 255.0) as u8;
        Rgb([l, l, l.saturating_sub(8)])
    })
}

/// Paste a flat patch with new "text" bars at (x0, y0), size w × h (grid-aligned, hard edges).
fn paste(img: &mut RgbImage, (x0, y0, w, h): (u32, u32, u32, u32)) {
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            let text = (y - y0) > h / 4 && (y - y0) < 3 * h / 4 && (x / 9) % 2 == 0;
            let l = if text { 30 } else { 196 };
            img.put_pixel(x, y, Rgb([l, l, l - 8]));
        }
    }
}

fn corner_of(img: &RgbImage) -> Corner {
    strongest_corners(&View::new(img, &CardHints::default())).short
}

#[test]
fn pasted_patch_has_a_strong_corner_tilted_print_does_not() {
    for (degrees, seed) in [(4.0, 3), (-6.0, 11)] {
        let clean = photo(degrees, seed);
        let mut pasted = clean.clone();
        paste(&mut pasted, (330, 200, 180, 44));
        let (negative, positive) = (corner_of(&clean), corner_of(&pasted));
        assert!(negative.score < 20.0, "clean {negative:?}");
        assert!(positive.score > 40.0, "pasted {positive:?}");
        // The corner found lies on the patch (its border or its sharp new text).
        assert!(
            (327..=513).contains(&positive.x) && (197..=247).contains(&positive.y),
            "{positive:?}"
        );
    }
}

#[test]
fn tiny_or_flat_images_score_nothing() {
    let flat = RgbImage::from_pixel(300, 200, Rgb([200, 200, 200]));
    assert_eq!(corner_of(&flat).score, 0.0);
    let tiny = RgbImage::from_pixel(40, 30, Rgb([10, 200, 30]));
    assert_eq!(corner_of(&tiny), Corner::default());
}

/// An MRZ hint for the card rotated by `degrees`: two lines near the card's bottom.
fn mrz_hint(degrees: f32) -> CardHints {
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (W as f32 / 2.0, H as f32 / 2.0);
    let rot = |(u, v): (f32, f32)| {
        let (du, dv) = (u - cx, v - cy);
        (c * du - s * dv + cx, s * du + c * dv + cy)
    };
    CardHints {
        mrz: Some(MrzHint {
            corners: [(60.0, 400.0), (660.0, 400.0), (660.0, 450.0), (60.0, 450.0)].map(rot),
            lines: 2,
            chars: 44,
        }),
        ..CardHints::default()
    }
}

#[test]
fn detector_weighs_the_corner_by_the_card_tilt_but_not_a_pure_one() {
    let score =
        |img: &RgbImage, hints: &CardHints| crate::tampered::detect(&View::new(img, hints)).score;
    let clean = photo(5.0, 7);
    let mut pasted = clean.clone();
    paste(&mut pasted, (330, 190, 180, 44));
    let tilted = mrz_hint(5.0);
    let t = crate::config::Level::Balanced.thresholds().tampered;
    assert!(score(&clean, &tilted) < t, "{}", score(&clean, &tilted));
    assert!(score(&pasted, &tilted) >= t, "{}", score(&pasted, &tilted));
    // Axis-aligned card (scan): only a pure corner counts, not the tilt-weighed seams; no MRZ:
    // the seams are not judged (and this fixture has no MRZ print for the optics cue).
    let flat = mrz_hint(0.0);
    let d = crate::tampered::detect(&View::new(&pasted, &flat));
    let ev = |name| d.evidence(name).unwrap_or(-1.0);
    assert!(ev("seam_corner") > 40.0, "{d:?}");
    let pure = ev("seam_pure").max(ev("seam_pure_long"));
    assert_eq!(
        d.score,
        pure / crate::tampered::PURE_SEAM_PER_RATIO,
        "{d:?}"
    );
    assert_eq!(score(&pasted, &CardHints::default()), 0.0);
}

/// The card (print of [`print`] inside `x0..x1` × `y0..y1` in card coordinates, its outline a
/// hard, aliased step) lying on a dark table, rotated by `degrees` about the photo centre.
fn card_on_table(degrees: f32, (x0, y0, x1, y1): (f32, f32, f32, f32)) -> RgbImage {
    let mut rng = Rng(5);
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (W as f32 / 2.0, H as f32 / 2.0);
    RgbImage::from_fn(W, H, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let (u, v) = (c * dx + s * dy + cx, -s * dx + c * dy + cy);
        let on_card = (x0..x1).contains(&u) && (y0..y1).contains(&v);
        let level = if on_card { print(u, v) } else { 45.0 };
        let l = (level + 7.0 * rng.next()).clamp(0.0, 255.0) as u8;
        Rgb([l, l, l.saturating_sub(8)])
    })
}

#[test]
fn the_cards_own_outline_is_no_paste_corner() {
    // The MRZ hint predicts the card at x 24..696, y -3..469 (card coordinates); the card
    // drawn lies 2-3 % of its size inside that, so its corners fall on the predicted card.
    let outline = (40.0, 12.0, 680.0, 455.0);
    let hints = mrz_hint(2.0);
    let clean = card_on_table(2.0, outline);
    let c = strongest_corners(&View::new(&clean, &hints)).short;
    assert!(c.score < 20.0, "outline corner {c:?}");
    // A paste well inside the card is still found.
    let mut pasted = clean.clone();
    paste(&mut pasted, (330, 190, 180, 44));
    let p = strongest_corners(&View::new(&pasted, &hints)).short;
    assert!(p.score > 40.0, "pasted {p:?}");
}

#[test]
fn a_patch_on_the_id_cards_other_side_is_searched() {
    // A TD1 MRZ near the bottom: the card predicted from it spans rows ~225–480, and the core
    // of its other side (above it) rows ~9–187, where the patch goes.
    let hint = |chars| CardHints {
        mrz: Some(MrzHint {
            corners: [
                (200.0, 430.0),
                (560.0, 430.0),
                (560.0, 470.0),
                (200.0, 470.0),
            ],
            lines: 3,
            chars,
        }),
        ..CardHints::default()
    };
    let clean = photo(4.0, 5);
    let mut pasted = clean.clone();
    paste(&mut pasted, (300, 60, 180, 44));
    let corner = |img: &RgbImage, chars| strongest_corners(&View::new(img, &hint(chars))).short;
    let on_patch = |c: &Corner| (297..=483).contains(&c.x) && (57..=107).contains(&c.y);
    let (negative, positive) = (corner(&clean, 30), corner(&pasted, 30));
    assert!(negative.score < 20.0, "clean {negative:?}");
    assert!(
        positive.score > 40.0 && on_patch(&positive),
        "pasted {positive:?}"
    );
    // A passport page (TD3) has no other side: the patch above the page is not searched.
    let page = corner(&pasted, 44);
    assert!(!on_patch(&page), "{page:?}");
}

/// Paste a "photo" (smooth shading, noise σ ≈ 2) over `x0..x0 + w` × `y0..y0 + h`, its rim
/// softened by a [1 6 1] / 8 blur across the cut (a careful forger's half-pixel blur).
fn paste_photo(img: &mut RgbImage, rect: (u32, u32, u32, u32), seed: u64) {
    paste_hard_photo(img, rect, seed);
    soften_rim(img, rect);
}

/// Paste the "photo" of [`paste_photo`] with a hard rim (cut and pasted as it is).
fn paste_hard_photo(img: &mut RgbImage, (x0, y0, w, h): (u32, u32, u32, u32), seed: u64) {
    let mut rng = Rng(seed);
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            let (u, v) = ((x - x0) as f32, (y - y0) as f32);
            let shade = 120.0 + 30.0 * (u * 0.05).sin() * (v * 0.04).cos() + 7.0 * rng.next();
            let l = shade.clamp(0.0, 255.0) as u8;
            img.put_pixel(x, y, Rgb([l, l, l.saturating_sub(8)]));
        }
    }
}

/// Blur the rim of the rectangle across its cut by [1 6 1] / 8.
fn soften_rim(img: &mut RgbImage, (x0, y0, w, h): (u32, u32, u32, u32)) {
    let pasted = img.clone();
    let at = |x: i64, y: i64| pasted.get_pixel(x as u32, y as u32)[0] as f32;
    for y in y0 - 2..y0 + h + 2 {
        for x in x0 - 2..x0 + w + 2 {
            let (xi, yi) = (x as i64, y as i64);
            let near_rim = (xi - x0 as i64).abs() <= 1
                || (xi - (x0 + w) as i64).abs() <= 1
                || (yi - y0 as i64).abs() <= 1
                || (yi - (y0 + h) as i64).abs() <= 1;
            if !near_rim {
                continue;
            }
            let mut sum = 0.0;
            for (dy, ky) in [(-1, 1.0), (0, 6.0), (1, 1.0)] {
                for (dx, kx) in [(-1, 1.0), (0, 6.0), (1, 1.0)] {
                    sum += kx * ky * at(xi + dx, yi + dy);
                }
            }
            let l = (sum / 64.0) as u8;
            img.put_pixel(x, y, Rgb([l, l, l.saturating_sub(8)]));
        }
    }
}

#[test]
fn a_softened_pasted_photo_leaves_long_grid_straight_cuts() {
    for (degrees, seed) in [(4.0, 3), (-6.0, 11)] {
        let clean = photo(degrees, seed);
        let mut pasted = clean.clone();
        paste_photo(&mut pasted, (110, 110, 150, 220), seed);
        let view = |img| strongest_corners(&View::new(img, &CardHints::default()));
        let (negative, positive) = (view(&clean), view(&pasted));
        // The tilted print holds no grid-straight cut over 64 / 128 px; the paste's rim does,
        // and weighed by its gain it is the stronger seam.
        assert!(negative.long.score < 5.0, "clean {negative:?}");
        assert!(negative.short.score < 20.0, "clean {negative:?}");
        let long = positive.long;
        assert!(long.score > 25.0, "pasted {positive:?}");
        assert!(
            crate::tampered::LONG_SEAM_GAIN * long.score > positive.short.score,
            "pasted {positive:?}"
        );
        assert!(
            (108..=262).contains(&long.x) && (108..=332).contains(&long.y),
            "{long:?}"
        );
    }
}

/// The axis-aligned card of [`photo`] with pixel-sharp printed rules and strokes (a born-digital
/// print): a frame of 3 px rules around x 280..620 × y 60..330 and bold bars 6 px high.
fn sharp_print() -> RgbImage {
    let mut img = photo(0.0, 21);
    for y in 60..330u32 {
        for x in 280..620u32 {
            let rule = !(283..617).contains(&x) || !(63..327).contains(&y);
            let bar = (90..300).contains(&y) && (y - 90) % 30 < 6 && (300..600).contains(&x);
            if rule || bar {
                img.put_pixel(x, y, Rgb([30, 30, 22]));
            }
        }
    }
    img
}

#[test]
fn an_axis_aligned_paste_is_found_by_its_pure_cuts() {
    let hints = mrz_hint(0.0);
    let clean = photo(0.0, 13);
    let mut pasted = clean.clone();
    paste_hard_photo(&mut pasted, (110, 110, 150, 220), 13);
    let (negative, positive) = (
        strongest_corners(&View::new(&clean, &hints)),
        strongest_corners(&View::new(&pasted, &hints)),
    );
    // The print's edges, softened over ~1.5 px, are no pure cut; the paste's rim is one.
    assert!(negative.pure_short.score < 5.0, "clean {negative:?}");
    let p = positive.pure_short;
    assert!(p.score > 40.0, "pasted {positive:?}");
    assert!(
        (108..=262).contains(&p.x) && (108..=332).contains(&p.y),
        "{p:?}"
    );
    // The detector counts it on the axis-aligned card, where the tilt-weighed seams are not.
    let score = |img| crate::tampered::detect(&View::new(img, &hints)).score;
    let t = crate::config::Level::Balanced.thresholds().tampered;
    assert!(score(&clean) < t, "{}", score(&clean));
    assert!(score(&pasted) >= t, "{}", score(&pasted));
}

#[test]
fn pixel_sharp_rules_and_strokes_are_lines_not_cuts() {
    let hints = mrz_hint(0.0);
    let c = strongest_corners(&View::new(&sharp_print(), &hints));
    // Grid-straight and one step sharp, their corners are strong seams on the plain search...
    assert!(c.short.score > 40.0, "{c:?}");
    // ...but each edge has its opposite a rule's or stroke's width across.
    assert!(c.pure_short.score < 5.0, "{c:?}");
    assert!(c.pure_long.score < 5.0, "{c:?}");
}

#[test]
fn a_rim_softened_across_the_cut_is_not_pure() {
    // [1 6 1] / 8 leaves 5/6 of the step's rise unexplained: below MIN_PURITY (a careful
    // forger's half-pixel blur defeats the pure cue; the tilt-weighed seams still see it).
    let hints = mrz_hint(0.0);
    let mut pasted = photo(0.0, 17);
    paste_photo(&mut pasted, (110, 110, 150, 220), 17);
    let c = strongest_corners(&View::new(&pasted, &hints));
    assert!(c.pure_short.score < 5.0, "{c:?}");
}

/// Luma rows (w × 1 per row, `rows` rows) of one step profile across columns.
fn steps_of(profile: &[f32], rows: usize) -> (Vec<f32>, usize, usize) {
    let w = profile.len();
    (
        (0..rows).flat_map(|_| profile.iter().copied()).collect(),
        w,
        rows,
    )
}

#[test]
fn purity_and_opposite_read_one_step_against_a_spread_edge_or_a_line() {
    let read = |profile: &[f32], x: usize| {
        let (y, w, h) = steps_of(profile, 4);
        let ex = cut_excess(&y, w, h);
        let purity = StepMaps::purity(&y, &ex, (x, w), 0..h);
        (purity, StepMaps::opposite(&y, (x, w), 0..h, 3))
    };
    let cut = [50.0, 50.0, 50.0, 50.0, 150.0, 150.0, 150.0, 150.0];
    let (p, o) = read(&cut, 4);
    assert!((p - 1.0).abs() < 1e-4 && o < 1e-4, "{p} {o}");
    // 70 % of the rise in one column, 30 % in the next: (1 - 2·0.3) / 0.7.
    let spread = [50.0, 50.0, 50.0, 50.0, 120.0, 150.0, 150.0, 150.0];
    let (p, _) = read(&spread, 4);
    assert!((p - 0.4 / 0.7).abs() < 1e-3, "{p}");
    // A 2 px dark stroke: its falling edge is undone by the rise 2 px on.
    let stroke = [150.0, 150.0, 150.0, 150.0, 50.0, 50.0, 150.0, 150.0];
    let (p, o) = read(&stroke, 4);
    assert!(p > 0.99 && (o - 1.0).abs() < 1e-4, "{p} {o}");
}

#[test]
fn a_square_cards_own_corner_is_kept_out_by_its_outline() {
    // The card drawn well inside the page the MRZ predicts (x 24..696, y -3..469): its hard,
    // aliased corners against the table fall on the predicted card, and lying square they are
    // pure single steps.
    let img = card_on_table(0.0, (90.0, 60.0, 630.0, 440.0));
    let hints = mrz_hint(0.0);
    let view = View::new(&img, &hints);
    let plain = strongest_corners(&view).pure_short;
    let at_card_corner = |c: &Corner| {
        [(90, 60), (630, 60), (630, 440), (90, 440)]
            .iter()
            .any(|&(x, y)| c.x.abs_diff(x) <= 3 && c.y.abs_diff(y) <= 3)
    };
    assert!(plain.score > 40.0 && at_card_corner(&plain), "{plain:?}");
    // Kept off the card's outline (working pixels = photo pixels here), nothing is left...
    let outline = [(90.0, 60.0), (630.0, 60.0), (630.0, 440.0), (90.0, 440.0)];
    let clear = strongest_corners_avoiding(
        &view,
        Avoid {
            pure: Some(&outline),
            ..Default::default()
        },
    )
    .pure_short;
    assert!(clear.score < 10.0, "{clear:?}");
    // ...and the detector finds that outline in the photo itself.
    let d = crate::tampered::detect(&view);
    let t = crate::config::Level::Balanced.thresholds().tampered;
    assert!(d.score < t, "{d:?}");
    // A photo pasted well inside the card is still found.
    let mut pasted = img.clone();
    paste_hard_photo(&mut pasted, (150, 120, 150, 220), 5);
    let d = crate::tampered::detect(&View::new(&pasted, &hints));
    assert!(d.score >= t, "{d:?}");
}

#[test]
fn every_corner_is_kept_off_the_cards_outline() {
    // The MRZ reads the card tilted by 2° but, under perspective, the card's top and left
    // edges lie level where they meet: a hard, grid-straight corner against the table, inside
    // the page the MRZ predicts (x 24..696, y -3..469) and off its margin.
    let img = card_on_table(0.0, (110.0, 80.0, 630.0, 440.0));
    let hints = mrz_hint(2.0);
    let view = View::new(&img, &hints);
    let at_card_corner = |c: &Corner| {
        [(110, 80), (630, 80), (630, 440), (110, 440)]
            .iter()
            .any(|&(x, y)| c.x.abs_diff(x) <= 3 && c.y.abs_diff(y) <= 3)
    };
    let plain = strongest_corners(&view).short;
    assert!(plain.score > 40.0 && at_card_corner(&plain), "{plain:?}");
    let outline = [(110.0, 80.0), (630.0, 80.0), (630.0, 440.0), (110.0, 440.0)];
    let avoid = Avoid {
        card: Some(&outline),
        ..Default::default()
    };
    let clear = strongest_corners_avoiding(&view, avoid);
    assert!(
        clear.short.score < 20.0 && clear.long.score < 20.0,
        "{clear:?}"
    );
    // A patch well inside the card is still found.
    let mut pasted = img.clone();
    paste(&mut pasted, (330, 190, 180, 44));
    let p = strongest_corners_avoiding(&View::new(&pasted, &hints), avoid).short;
    assert!(p.score > 40.0 && !at_card_corner(&p), "pasted {p:?}");
}

#[test]
fn near_outline_is_within_its_share_of_the_longer_side() {
    let q = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 600.0), (0.0, 600.0)];
    // 0.6 % of 1000 px: 6 px.
    assert!(near_outline(&q, (500.0, 5.0)));
    assert!(near_outline(&q, (994.5, 300.0)));
    assert!(!near_outline(&q, (500.0, 7.0)));
    assert!(!near_outline(&q, (500.0, 300.0)));
}
