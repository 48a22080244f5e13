//! The outline on generated photos: a card (paper, header band, print) turned a little on a
//! noisy table, whole, running out of the frame, or with a bar lying across its edge.

use image::{Rgb, RgbImage};

use super::*;
use crate::view::CardHints;

const W: u32 = 640;
const H: u32 = 480;
/// Card size in pixels (ID-3 proportions).
const CARD: (f32, f32) = (400.0, 282.0);

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

/// The card's corners when its centre is at `c` and it is turned by `deg`.
fn corners(c: (f32, f32), deg: f32) -> Quad {
    let (s, co) = deg.to_radians().sin_cos();
    let (hw, hh) = (CARD.0 / 2.0, CARD.1 / 2.0);
    [(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)]
        .map(|(x, y)| (c.0 + x * co - y * s, c.1 + x * s + y * co))
}

/// A photo of the card centred at `c`, turned by `deg`, on a green-grey table.
fn photo(c: (f32, f32), deg: f32, seed: u64) -> RgbImage {
    photo_on_grain(c, deg, seed, 0.0)
}

/// Blotch of a grainy table: ±`amplitude` levels, constant over 12 px cells.
fn blotch(x: u32, y: u32, amplitude: f32) -> f32 {
    let mut h = ((x / 12) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (y / 12) as u64;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 31;
    ((h % 1000) as f32 / 999.0 - 0.5) * 2.0 * amplitude
}

/// [`photo`] on a table with a blotchy grain of ±`grain` levels.
fn photo_on_grain(c: (f32, f32), deg: f32, seed: u64, grain: f32) -> RgbImage {
    let mut rng = Rng(seed);
    let (s, co) = deg.to_radians().sin_cos();
    RgbImage::from_fn(W, H, |x, y| {
        let (dx, dy) = (x as f32 - c.0, y as f32 - c.1);
        // Card coordinates from its top-left corner.
        let (u, v) = (
            dx * co + dy * s + CARD.0 / 2.0,
            -dx * s + dy * co + CARD.1 / 2.0,
        );
        // Sensor noise σ ≈ 4 (a camera photo; a flat-printed band in a noise-free image would
        // look like a flat object lying on the card, see covered.rs).
        let n = rng.next() * 14.0;
        let base = if u < 0.0 || v < 0.0 || u >= CARD.0 || v >= CARD.1 {
            [95.0, 120.0, 100.0].map(|b| b + blotch(x, y, grain))
        } else if v < 30.0 {
            [150.0, 30.0, 45.0]
        } else if (40.0..160.0).contains(&v) && (20.0..110.0).contains(&u) {
            [170.0, 130.0, 110.0]
        } else if (v as u32 % 24) < 10 && (130.0..380.0).contains(&u) && (u as u32 % 13) < 9 {
            [40.0, 40.0, 50.0]
        } else {
            [228.0, 224.0, 210.0]
        };
        Rgb(base.map(|b| (b + n).clamp(0.0, 255.0) as u8))
    })
}

fn locate_in(img: &RgbImage) -> Option<Outline> {
    locate(&View::new(img, &CardHints::default()))
}

fn near(a: (f32, f32), b: (f32, f32), tol: f32) -> bool {
    (a.0 - b.0).hypot(a.1 - b.1) <= tol
}

#[test]
fn finds_a_turned_card_on_a_table() {
    let c = (320.0, 240.0);
    let img = photo(c, 7.0, 1);
    let o = locate_in(&img).expect("outline");
    assert!(!o.frame_side && o.cut == 0.0, "{o:?}");
    assert!(o.support > 0.8, "{o:?}");
    // Every true corner has a found corner within 8 px.
    for t in corners(c, 7.0) {
        assert!(
            o.quad.iter().any(|&p| near(p, t, 8.0)),
            "{t:?} not in {o:?}"
        );
    }
}

#[test]
fn a_card_running_out_of_the_frame_is_cut() {
    // Centre 200 px right of the photo's centre: a quarter of the card's width is outside.
    let img = photo((520.0, 240.0), 3.0, 2);
    let o = locate_in(&img).expect("outline");
    assert!(o.frame_side, "{o:?}");
    assert!(o.cut > 0.15, "{o:?}");
}

#[test]
fn an_empty_table_has_no_outline() {
    let mut rng = Rng(3);
    let img = RgbImage::from_fn(W, H, |_, _| {
        Rgb([95.0, 120.0, 100.0].map(|b: f32| (b + rng.next() * 8.0) as u8))
    });
    assert_eq!(locate_in(&img), None);
}

#[test]
fn covered_finds_a_bar_across_the_edge_without_an_mrz() {
    let threshold = crate::AlarmConfig::default()
        .threshold(ekyc_types::CardAlarm::Covered)
        .unwrap();
    let c = (320.0, 240.0);
    let clean = photo(c, 5.0, 4);
    let mut barred = clean.clone();
    // A dark pen-like bar from off the card's right edge well into it.
    for y in 200..225u32 {
        for x in 420..600u32 {
            barred.put_pixel(x, y, Rgb([25, 25, 35]));
        }
    }
    let score =
        |img: &RgbImage| crate::covered::detect(&View::new(img, &CardHints::default())).score;
    let d = crate::covered::detect(&View::new(&clean, &CardHints::default()));
    assert!(d.score < threshold, "clean {d:?}");
    assert!(score(&barred) >= threshold, "barred {}", score(&barred));
}

#[test]
fn covered_raises_on_a_card_cut_by_the_frame_without_an_mrz() {
    let threshold = crate::AlarmConfig::default()
        .threshold(ekyc_types::CardAlarm::Covered)
        .unwrap();
    let covered = |img: &RgbImage| crate::covered::detect(&View::new(img, &CardHints::default()));
    // A quarter of the card's width outside the frame, no MRZ hint: the outline alone tells.
    let cut = covered(&photo((520.0, 240.0), 3.0, 2));
    assert!(cut.score >= threshold, "cut {cut:?}");
    // The same card whole in the frame stays quiet.
    let whole = covered(&photo((320.0, 240.0), 3.0, 2));
    assert!(whole.score < threshold, "whole {whole:?}");
}

#[test]
fn a_grainy_table_beside_the_card_is_not_print() {
    // The table's blotches (±40 levels) are edges, but much weaker than the step from the
    // table to the card's paper: the strip beyond the card's sides is not print.
    let img = photo_on_grain((520.0, 240.0), 3.0, 2, 40.0);
    let o = locate_in(&img).expect("outline");
    assert!(o.frame_side && o.cut > 0.15, "{o:?}");
    // The same grain alone, no card: its blotches' edges are all alike, no outline.
    let mut rng = Rng(3);
    let table = RgbImage::from_fn(W, H, |x, y| {
        Rgb([95.0, 120.0, 100.0].map(|b: f32| (b + blotch(x, y, 40.0) + rng.next() * 8.0) as u8))
    });
    assert_eq!(locate_in(&table), None);
}
