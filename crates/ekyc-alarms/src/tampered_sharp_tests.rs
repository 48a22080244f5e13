//! Generated fixtures: a straight (scanned) card whose print is softened by the optics — text
//! bars in the visual zone and in the MRZ band — and the same scan with a field re-typed on a
//! flat patch after the scan (hard one-pixel edges).

use image::{Rgb, RgbImage};

use super::*;
use crate::view::{CardHints, MrzHint};

const W: u32 = 720;
const H: u32 = 500;

/// Deterministic noise in [-0.5, 0.5) from the pixel position.
fn noise(x: u32, y: u32) -> f32 {
    let mut s = (x as u64) * 0x9E37_79B9 + (y as u64) * 0x85EB_CA6B + 1;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    (s >> 40) as f32 / (1u64 << 24) as f32 - 0.5
}

/// Rows of character-like bars (6 px strokes every 14 px) from `top`, `rows` rows 15 px high
/// every 25 px, between columns 280 and 600 (VIZ) or 80 and 640 (MRZ); edges ramp over 3 px.
fn bars(u: f32, v: f32, place: (f32, f32, f32, usize)) -> f32 {
    bars_ramped(u, v, place, 3.0)
}

/// [`bars`] with edges ramping over `width` px.
fn bars_ramped(
    u: f32,
    v: f32,
    (left, right, top, rows): (f32, f32, f32, usize),
    width: f32,
) -> f32 {
    let ramp = |d: f32| (0.5 + d / width).clamp(0.0, 1.0);
    let mut ink = 0.0f32;
    for row in 0..rows {
        let t = top + 25.0 * row as f32;
        let phase = (u - left).rem_euclid(14.0);
        let stroke = ramp(phase) * ramp(6.0 - phase);
        let line = ramp(v - t) * ramp(t + 15.0 - v) * ramp(u - left) * ramp(right - u);
        ink = ink.max(stroke * line);
    }
    ink
}

fn scan() -> RgbImage {
    scan_with_viz_ramp(3.0)
}

/// The scan with the visual zone's edges ramping over `width` px (the MRZ's over 3).
fn scan_with_viz_ramp(width: f32) -> RgbImage {
    RgbImage::from_fn(W, H, |x, y| {
        let (u, v) = (x as f32, y as f32);
        let viz = bars_ramped(u, v, (280.0, 600.0, 100.0, 6), width);
        let ink = viz.max(bars(u, v, (80.0, 640.0, 405.0, 2)));
        let l = (205.0 - 170.0 * ink + 4.0 * noise(x, y)).clamp(0.0, 255.0) as u8;
        Rgb([l, l, l.saturating_sub(8)])
    })
}

/// A flat paper-coloured patch at (x0, y0) with crisp new strokes, pasted grid-aligned.
fn retype(img: &mut RgbImage, (x0, y0, w, h): (u32, u32, u32, u32)) {
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            let text = (y - y0) > h / 4 && (y - y0) < 3 * h / 4 && (x / 5) % 2 == 0;
            let l = if text { 30 } else { 205 };
            img.put_pixel(x, y, Rgb([l, l, l - 8]));
        }
    }
}

fn hints() -> CardHints {
    CardHints {
        mrz: Some(MrzHint {
            corners: [(70.0, 400.0), (650.0, 400.0), (650.0, 450.0), (70.0, 450.0)],
            lines: 2,
            chars: 44,
        }),
        ..CardHints::default()
    }
}

#[test]
fn a_hard_step_is_sharper_than_a_ramp() {
    let w = 40;
    let row: Vec<f32> = (0..w)
        .map(|x| match x {
            0..=9 => 200.0,
            10..=19 => 40.0,                          // hard step down at 10
            20..=23 => 40.0 + 40.0 * (x - 19) as f32, // ramp up over 4 px
            _ => 200.0,
        })
        .collect();
    let s = edge_sharpness(&row, w, 1, MIN_RISE);
    assert_eq!(s[10], 1.0);
    let ramp: Vec<f32> = s[20..25].iter().copied().filter(|v| !v.is_nan()).collect();
    assert_eq!(ramp.len(), 1, "{s:?}");
    assert!((ramp[0] - 0.25).abs() < 1e-6, "{ramp:?}");
    // Too small to be print: nothing.
    assert!(edge_sharpness(&[1.0, 2.0, 1.0], 3, 1, MIN_RISE)
        .iter()
        .all(|v| v.is_nan()));
}

#[test]
fn retyped_field_is_sharper_than_the_mrz_clean_print_is_not() {
    let clean = scan();
    let mut forged = clean.clone();
    retype(&mut forged, (300, 175, 200, 40));
    let negative = sharpest_block_avoiding(&View::new(&clean, &hints()), None);
    let positive = sharpest_block_avoiding(&View::new(&forged, &hints()), None);
    assert!(negative.mrz > 0.2 && negative.mrz < 0.6, "{negative:?}");
    assert!(negative.ratio < 1.6, "clean {negative:?}");
    assert!(positive.ratio > 2.5, "forged {positive:?}");
    assert!(
        (300 - BLOCK..500).contains(&positive.x) && (175 - BLOCK..215).contains(&positive.y),
        "{positive:?}"
    );
    // The detector raises the forged scan at the balanced level, not the clean one.
    let t = crate::config::Level::Balanced.thresholds().tampered;
    let score = |img: &RgbImage| crate::tampered::detect(&View::new(img, &hints())).score;
    assert!(score(&clean) < t && score(&forged) >= t);
}

/// `img` with the table showing left of column `x` above row `bottom`: the card's hard cut
/// edge against it runs down column `x`.
fn table_left_of(img: &RgbImage, x: u32, bottom: u32) -> RgbImage {
    let mut out = img.clone();
    for y in 0..bottom {
        for xx in 0..x {
            out.put_pixel(xx, y, Rgb([40, 38, 36]));
        }
    }
    out
}

#[test]
fn the_cards_cut_edge_on_its_outline_is_no_paste() {
    // The card's edge (a one-pixel step against the table) inside the page the MRZ predicts.
    let clean = table_left_of(&scan(), 200, 380);
    let outline = [(200.0, 0.0), (719.0, 0.0), (719.0, 499.0), (200.0, 499.0)];
    let plain = sharpest_block_avoiding(&View::new(&clean, &hints()), None);
    assert!(plain.ratio > 2.0 && plain.x < 200, "{plain:?}");
    let off = sharpest_block_avoiding(&View::new(&clean, &hints()), Some(&outline));
    assert!(off.ratio < 1.6, "{off:?}");
    // A field re-typed inside the card is still found.
    let mut forged = clean.clone();
    retype(&mut forged, (300, 175, 200, 40));
    let p = sharpest_block_avoiding(&View::new(&forged, &hints()), Some(&outline));
    assert!(p.ratio > 2.5 && p.x >= 300 - BLOCK, "{p:?}");
}

#[test]
fn no_mrz_hint_or_no_mrz_print_is_not_judged() {
    let mut forged = scan();
    retype(&mut forged, (300, 175, 200, 40));
    assert_eq!(
        sharpest_block_avoiding(&View::new(&forged, &CardHints::default()), None),
        Sharpness::default()
    );
    let blank = RgbImage::from_pixel(W, H, Rgb([205, 205, 197]));
    assert_eq!(
        sharpest_block_avoiding(&View::new(&blank, &hints()), None).ratio,
        0.0
    );
}

#[test]
fn a_visual_zone_printed_sharper_than_the_mrz_is_not_a_paste() {
    // The whole visual zone crisp (edges over 1 px), the MRZ soft: against the MRZ alone every
    // text block would stand out; against the card's typical block none does.
    let crisp = scan_with_viz_ramp(1.0);
    let s = sharpest_block_avoiding(&View::new(&crisp, &hints()), None);
    assert!(
        s.block > 1.5 * s.mrz,
        "the print is sharper than the MRZ: {s:?}"
    );
    assert!(s.card > CARD_OVER_MRZ * s.mrz, "{s:?}");
    let t = crate::config::Level::Balanced.thresholds().tampered;
    assert!(crate::tampered::detect(&View::new(&crisp, &hints())).score < t);
    // On the soft card a re-typed field still stands out against the card's typical block
    // (here a fifth of the text blocks are the field's).
    let mut forged = scan();
    retype(&mut forged, (300, 175, 200, 40));
    let p = sharpest_block_avoiding(&View::new(&forged, &hints()), None);
    assert!(p.ratio >= t, "{p:?}");
    assert!(crate::tampered::detect(&View::new(&forged, &hints())).score >= t);
}

/// A scan of both sides of an ID card, the front (no MRZ) above the back (3-line TD1 MRZ at
/// rows 645–710), both printed soft (bar rows end between strokes).
fn two_sided_scan() -> RgbImage {
    RgbImage::from_fn(720, 740, |x, y| {
        let (u, v) = (x as f32, y as f32);
        let front = bars(u, v, (180.0, 568.0, 60.0, 6));
        let back = bars(u, v, (180.0, 568.0, 420.0, 3));
        let mrz = bars(u, v, (90.0, 630.0, 645.0, 3));
        let ink = front.max(back).max(mrz);
        let l = (205.0 - 170.0 * ink + 4.0 * noise(x, y)).clamp(0.0, 255.0) as u8;
        Rgb([l, l, l.saturating_sub(8)])
    })
}

fn td1_hints() -> CardHints {
    CardHints {
        mrz: Some(MrzHint {
            corners: [(90.0, 640.0), (630.0, 640.0), (630.0, 712.0), (90.0, 712.0)],
            lines: 3,
            chars: 30,
        }),
        ..CardHints::default()
    }
}

#[test]
fn a_field_retyped_on_the_id_cards_other_side_is_found() {
    let clean = two_sided_scan();
    let mut forged = clean.clone();
    retype(&mut forged, (250, 120, 200, 40));
    let negative = sharpest_block_avoiding(&View::new(&clean, &td1_hints()), None);
    let positive = sharpest_block_avoiding(&View::new(&forged, &td1_hints()), None);
    assert!(
        negative.mrz > 0.2 && negative.ratio < 1.6,
        "clean {negative:?}"
    );
    assert!(positive.ratio > 2.5, "forged {positive:?}");
    assert!(positive.y < 200, "found on the front: {positive:?}");
    // A passport page (TD3) has no other side in the photo: the same paste above the
    // predicted page is not searched.
    let td3 = CardHints {
        mrz: td1_hints().mrz.map(|m| MrzHint { chars: 44, ..m }),
        ..CardHints::default()
    };
    let page = sharpest_block_avoiding(&View::new(&forged, &td3), None);
    assert!(page.y > 200 || page.ratio < 1.6, "{page:?}");
}

#[test]
fn other_sides_lie_wholly_in_the_photo_and_only_for_id_cards() {
    // A card 200 × 100 (deep quad 170 × 85) in the middle of a 1000 × 200 photo: the
    // cores of the sides left and right fit, above and below do not.
    let deep = [(415.0, 57.5), (585.0, 57.5), (585.0, 142.5), (415.0, 142.5)];
    let sides = other_sides(&deep, 30, 1000.0, 200.0);
    assert_eq!(sides.len(), 2, "{sides:?}");
    for q in &sides {
        let cx = q.iter().map(|p| p.0).sum::<f32>() / 4.0;
        assert!(
            (cx - 300.0).abs() < 1e-3 || (cx - 700.0).abs() < 1e-3,
            "{q:?}"
        );
        assert!(q.iter().all(|p| (0.0..1000.0).contains(&p.0)));
    }
    assert!(other_sides(&deep, 44, 1000.0, 200.0).is_empty());
    // A passport's upper page: only the page above, where the photo holds it.
    let page = [
        (415.0, 257.5),
        (585.0, 257.5),
        (585.0, 342.5),
        (415.0, 342.5),
    ];
    let above = other_sides(&page, 44, 1000.0, 400.0);
    assert_eq!(above.len(), 1, "{above:?}");
    let cy = above[0].iter().map(|p| p.1).sum::<f32>() / 4.0;
    assert!((cy - 200.0).abs() < 1e-3, "{above:?}");
    // 750 wide: the right side's core (x 630–770) runs off the photo.
    assert_eq!(other_sides(&deep, 30, 750.0, 200.0).len(), 1);
}

/// [`scan`] with the visual zone reduced to two rows of print at row 260 and the print's ink
/// scaled by `ink` (1: as dark as [`scan`]'s).
fn sparse_scan(ink: f32) -> RgbImage {
    RgbImage::from_fn(W, H, |x, y| {
        let (u, v) = (x as f32, y as f32);
        let viz = bars(u, v, (280.0, 600.0, 260.0, 2));
        let print = viz.max(bars(u, v, (80.0, 640.0, 405.0, 2)));
        let l = (205.0 - 170.0 * ink * print + 4.0 * noise(x, y)).clamp(0.0, 255.0) as u8;
        Rgb([l, l, l.saturating_sub(8)])
    })
}

#[test]
fn a_paste_holding_many_of_the_cards_edges_is_not_its_typical_print() {
    // Two rows of soft print and a field re-typed over two more: a third of the card's
    // text blocks are the paste's, so the typical block (75th percentile) would be the paste.
    let mut forged = sparse_scan(1.0);
    retype(&mut forged, (300, 150, 240, 40));
    let s = sharpest_block_avoiding(&View::new(&forged, &hints()), None);
    // Judged against the paste itself the ratio would be CARD_OVER_MRZ at most.
    assert!(s.ratio > 2.5, "{s:?}");
    let clean = sharpest_block_avoiding(&View::new(&sparse_scan(1.0), &hints()), None);
    assert!(clean.ratio < 1.6, "{clean:?}");
}

#[test]
fn a_faint_mrz_is_measured_on_lower_edges() {
    // Grey print (rise ~75 grey levels, below MIN_RISE) and a field re-typed in dark ink.
    let clean = sparse_scan(0.45);
    let mut forged = clean.clone();
    retype(&mut forged, (300, 150, 240, 40));
    let c = sharpest_block_avoiding(&View::new(&clean, &hints()), None);
    let f = sharpest_block_avoiding(&View::new(&forged, &hints()), None);
    assert!(c.mrz > 0.2 && c.ratio < 1.6, "clean {c:?}");
    assert!(f.ratio > 2.5, "forged {f:?}");
}
