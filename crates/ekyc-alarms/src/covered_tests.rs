//! Covered on generated photos: a card (paper, header band, print, MRZ-like lines) on a smooth
//! table, clean or with a finger or an object over it. Each cue has a positive and a negative.

use image::{Rgb, RgbImage};

use super::*;
use crate::view::{CardHints, MrzHint};
use crate::AlarmConfig;

/// Deterministic xorshift noise, roughly Gaussian with unit σ.
struct Rng(u64);

impl Rng {
    fn gauss(&mut self) -> f32 {
        (0..6)
            .map(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                (self.0 >> 40) as f32 / (1u64 << 24) as f32
            })
            .sum::<f32>()
            * std::f32::consts::SQRT_2
            - 6.0 / std::f32::consts::SQRT_2
    }
}

/// Where the card lies in the scene: its top-left corner; it is 640 × 440.
const CARD: (u32, u32) = (640, 440);

/// A scene `w` × `h` with the card at `at` on a dark-green table, with camera noise `sigma`,
/// and the MRZ band the reader would report for it.
fn scene(w: u32, h: u32, at: (u32, u32), sigma: f32) -> (RgbImage, CardHints) {
    let mut img = RgbImage::from_pixel(w, h, Rgb([40, 90, 60]));
    fill(&mut img, (at.0, at.1, CARD.0, CARD.1), [205, 200, 185]);
    fill(&mut img, (at.0, at.1, CARD.0, 40), [150, 30, 45]);
    fill(&mut img, (at.0 + 30, at.1 + 70, 140, 180), [150, 105, 95]);
    for line in 0..9 {
        for k in 0..40 {
            let x = at.0 + 200 + k * 10;
            fill(&mut img, (x, at.1 + 70 + line * 22, 6, 12), [30, 30, 40]);
        }
    }
    for line in 0..2 {
        for k in 0..44 {
            let x = at.0 + 30 + k * 13;
            fill(&mut img, (x, at.1 + 360 + line * 30, 9, 16), [20, 20, 25]);
        }
    }
    noise(&mut img, sigma);
    let (x0, y0) = (at.0 as f32 + 30.0, at.1 as f32 + 355.0);
    let hints = CardHints {
        mrz: Some(MrzHint {
            corners: [
                (x0, y0),
                (x0 + 580.0, y0),
                (x0 + 580.0, y0 + 55.0),
                (x0, y0 + 55.0),
            ],
            lines: 2,
            chars: 44,
        }),
        card: None,
    };
    (img, hints)
}

fn fill(img: &mut RgbImage, (x0, y0, w, h): (u32, u32, u32, u32), c: [u8; 3]) {
    for y in y0..(y0 + h).min(img.height()) {
        for x in x0..(x0 + w).min(img.width()) {
            img.put_pixel(x, y, Rgb(c));
        }
    }
}

fn noise(img: &mut RgbImage, sigma: f32) {
    let mut rng = Rng(7);
    for p in img.pixels_mut() {
        let n = rng.gauss() * sigma;
        for c in 0..3 {
            p.0[c] = (p.0[c] as f32 + n).clamp(0.0, 255.0) as u8;
        }
    }
}

/// A vertical finger of `skin` colour over columns `x0..x0 + 80`, rows `ys`, darker towards
/// its sides by up to `shade` (0 = flat), with the scene's noise `sigma` on it.
fn finger(img: &mut RgbImage, x0: u32, ys: std::ops::Range<u32>, skin: [f32; 3], shade: f32) {
    let mut rng = Rng(11);
    for y in ys {
        for x in x0..x0 + 80 {
            let d = (x as f32 - x0 as f32 - 40.0) / 40.0;
            let k = 1.0 - shade * d * d;
            let n = rng.gauss() * 2.0;
            let c = skin.map(|v| (v * k + n).clamp(0.0, 255.0) as u8);
            img.put_pixel(x, y.min(img.height() - 1), Rgb(c));
        }
    }
}

fn score(img: &RgbImage, hints: &CardHints) -> f32 {
    detect(&View::new(img, hints)).score
}

fn threshold() -> f32 {
    AlarmConfig::default()
        .threshold(CardAlarm::Covered)
        .unwrap()
}

#[test]
fn dark_finger_with_little_shading_is_a_finger_a_flat_strip_is_not() {
    // Dark skin in shade loses fewer grey levels: σ ≈ 5 of a mean of ≈ 95, under any fixed
    // limit that paler skin-toned print would need, but a finger's relative shading.
    let (clean, hints) = scene(800, 600, (80, 80), 3.0);
    let dark = [141.0, 85.0, 60.0];
    let mut fingered = clean.clone();
    finger(&mut fingered, 380, 300..600, dark, 0.16);
    let mut strip = clean.clone();
    finger(&mut strip, 380, 300..600, dark, 0.0);
    let t = threshold();
    assert!(score(&clean, &hints) < t);
    assert!(
        score(&fingered, &hints) >= t,
        "{}",
        score(&fingered, &hints)
    );
    assert!(score(&strip, &hints) < t, "{}", score(&strip, &hints));
}

#[test]
fn finger_entering_where_the_card_nearly_meets_the_frame() {
    // The card fills the photo but for 16 px at the top; a finger from the top edge has only
    // that much off the card.
    let (clean, hints) = scene(800, 560, (80, 16), 3.0);
    let mut fingered = clean.clone();
    finger(&mut fingered, 420, 0..220, [224.0, 172.0, 140.0], 0.3);
    let t = threshold();
    assert!(score(&clean, &hints) < t, "{}", score(&clean, &hints));
    assert!(
        score(&fingered, &hints) >= t,
        "{}",
        score(&fingered, &hints)
    );
}

#[test]
fn phone_across_an_edge_close_to_the_frame() {
    // The card ends 40 px from the photo's right side; a phone over 430 px of it and the
    // 40 px beyond: little of it is off the card, but some of that well off it.
    let (clean, hints) = scene(800, 600, (120, 80), 3.0);
    let mut phone = clean.clone();
    fill(&mut phone, (330, 200, 470, 130), [25, 25, 30]);
    let t = threshold();
    assert!(score(&clean, &hints) < t);
    assert!(score(&phone, &hints) >= t, "{}", score(&phone, &hints));
}

/// The blobs of `kind` against the card predicted from the MRZ hint.
fn blobs_of(img: &RgbImage, hints: &CardHints, kind: Kind) -> Vec<Blob> {
    let v = View::new(img, hints);
    blobs(&v, &Shape::of_view(&v), &Small::new(&v), kind)
}

#[test]
fn a_finger_is_brighter_in_its_middle_a_blob_lit_at_its_flanks_is_not() {
    let (clean, hints) = scene(800, 600, (80, 80), 3.0);
    let skin = [180.0, 130.0, 100.0];
    let mut fingered = clean.clone();
    finger(&mut fingered, 420, 300..600, skin, 0.3);
    // The same strip from the photo's edge, as shaded but darker in its middle than at its
    // flanks: no round thing lit from above looks like that.
    let mut hollow = clean.clone();
    finger(&mut hollow, 420, 300..600, skin, -0.3);
    let from_edge = |img: &RgbImage| {
        blobs_of(img, &hints, Kind::Skin)
            .into_iter()
            .find(|b| b.touches_edge)
            .unwrap()
    };
    let (f, h) = (from_edge(&fingered), from_edge(&hollow));
    assert!(f.rounded > 0.03, "{f:?}");
    assert!(h.rounded < FINGER_MIN_ROUNDED, "{h:?}");
    let t = threshold();
    assert!(
        score(&fingered, &hints) >= t,
        "{}",
        score(&fingered, &hints)
    );
    assert!(score(&hollow, &hints) < t, "{}", score(&hollow, &hints));
}

#[test]
fn an_object_across_the_edge_is_one_colour_a_band_merged_with_the_table_is_not() {
    let (clean, hints) = scene(800, 600, (80, 80), 3.0);
    // A blue pen cap lying across the card's left edge: the same colour on and off the card.
    let mut capped = clean.clone();
    fill(&mut capped, (20, 250, 260, 60), [30, 50, 150]);
    let t = threshold();
    assert!(score(&capped, &hints) >= t, "{}", score(&capped, &hints));
    let cap = blobs_of(&capped, &hints, Kind::Foreign)
        .into_iter()
        .find(|b| b.far_share > 0.0 && b.deep_share > 0.0)
        .unwrap();
    assert!(cap.split < 2.0, "{cap:?}");
    // A dark teal band printed along the card's left edge, its edge blurred into the green
    // table: one smooth foreign blob, teal on the card and green off it.
    let mut banded = clean.clone();
    fill(&mut banded, (0, 0, 80, 600), [40, 90, 60]);
    for x in 0..260u32 {
        let a = ((x as f32 - 76.0) / 8.0).clamp(0.0, 1.0);
        let c = [
            40.0 * (1.0 - a) + 20.0 * a,
            90.0,
            60.0 * (1.0 - a) + 120.0 * a,
        ];
        fill(&mut banded, (x, 80, 1, 440), c.map(|v| v as u8));
    }
    let merged = blobs_of(&banded, &hints, Kind::Foreign)
        .into_iter()
        .filter(|b| b.far_share > 0.0 && b.deep_share > 0.0)
        .map(|b| b.split)
        .fold(0.0f32, f32::max);
    assert!(merged > OBJECT_MAX_SPLIT, "{merged}");
    assert!(score(&banded, &hints) < t, "{}", score(&banded, &hints));
}

#[test]
fn a_flat_band_spanning_a_scan_is_print_not_an_object_lying_on_it() {
    // A noise-free scan filling the photo: its dark header band reaches both sides.
    let (mut scan, _) = scene(640, 440, (0, 0), 0.0);
    fill(&mut scan, (0, 0, 640, 60), [60, 50, 90]);
    let (x0, y0) = (30.0, 355.0);
    let hints = CardHints {
        mrz: Some(MrzHint {
            corners: [
                (x0, y0),
                (x0 + 580.0, y0),
                (x0 + 580.0, y0 + 55.0),
                (x0, y0 + 55.0),
            ],
            lines: 2,
            chars: 44,
        }),
        card: None,
    };
    assert!(
        score(&scan, &hints) < threshold(),
        "{}",
        score(&scan, &hints)
    );
    // A phone lying on the same scan, clear of its sides, is raised.
    let mut phone = scan.clone();
    fill(&mut phone, (250, 120, 200, 110), [25, 25, 30]);
    assert!(
        score(&phone, &hints) >= threshold(),
        "{}",
        score(&phone, &hints)
    );
}

/// The scene's card without its MRZ hint (half the cut cards have no MRZ read).
fn no_hints() -> CardHints {
    CardHints {
        mrz: None,
        card: None,
    }
}

#[test]
fn a_card_cut_by_the_frame_with_card_proportions_left_is_covered() {
    // The card runs 60 px (9 %) past the photo's right edge: 580 × 440 are left, a page's
    // proportions, but its print (header band, text lines, MRZ) runs into the edge.
    let (cut, _) = scene(800, 600, (220, 80), 3.0);
    let d = detect(&View::new(&cut, &no_hints()));
    assert!(d.score >= threshold(), "{d:?}");
    // The same card ending 4 px before the photo's edge with a blank margin there: a strip of
    // table runs along the border, as beyond the card's top and bottom sides.
    let (mut whole, _) = scene(800, 600, (156, 80), 0.0);
    fill(&mut whole, (766, 80, 30, CARD.1), [205, 200, 185]);
    noise(&mut whole, 3.0);
    let d = detect(&View::new(&whole, &no_hints()));
    assert!(d.score < threshold(), "{d:?}");
}

#[test]
fn a_cards_blank_paper_running_into_the_frame_is_covered() {
    // The card's blank margin reaches the photo's edge (no print there) while the table lies
    // beyond its top and bottom sides along the same edge: the frame cuts the card. (A card
    // ending exactly on the photo's edge looks the same; a photo's edge falling on the card's
    // own within a pixel is the rarer event.)
    let (mut cut, _) = scene(800, 600, (160, 80), 0.0);
    fill(&mut cut, (770, 80, 30, CARD.1), [205, 200, 185]);
    noise(&mut cut, 3.0);
    let d = detect(&View::new(&cut, &no_hints()));
    assert!(d.score >= threshold(), "{d:?}");
    let card_at_frame = d.evidence.iter().find(|e| e.name == "card_at_frame");
    assert!(card_at_frame.is_some_and(|e| e.value >= 0.9), "{d:?}");
}

#[test]
fn an_opaque_object_lying_on_the_card_is_covered_through_camera_noise() {
    // A phone wholly on the card, camera noise on it (σ of its blob above the flat limit).
    let (mut phone, hints) = scene(800, 600, (80, 80), 0.0);
    fill(&mut phone, (300, 160, 220, 120), [25, 25, 30]);
    noise(&mut phone, 3.4);
    let blob = blobs_of(&phone, &hints, Kind::Foreign)
        .into_iter()
        .max_by(|a, b| a.share.total_cmp(&b.share))
        .unwrap();
    assert!(
        blob.shading > LYING_MAX_SHADING && blob.solid >= LYING_SOLID_OPAQUE,
        "{blob:?}"
    );
    assert!(
        score(&phone, &hints) >= threshold(),
        "{}",
        score(&phone, &hints)
    );
    // A dark printed block of the same size and noise, perforated by its white lettering: print.
    let (mut block, hints) = scene(800, 600, (80, 80), 0.0);
    fill(&mut block, (300, 160, 220, 120), [25, 25, 30]);
    for row in 0..5 {
        for k in 0..20 {
            fill(
                &mut block,
                (305 + k * 11, 168 + row * 23, 6, 12),
                [205, 200, 185],
            );
        }
    }
    noise(&mut block, 3.4);
    assert!(
        score(&block, &hints) < threshold(),
        "{}",
        score(&block, &hints)
    );
}

#[test]
fn a_phone_whose_rim_blends_into_the_paper_is_judged_flat_by_its_core() {
    // A phone wholly on the card whose rim is darker than its body: the σ over the whole
    // blob says "textured" while its core shows only camera noise.
    let (mut phone, hints) = scene(800, 600, (80, 80), 0.0);
    // Its rim darkens by 2.5 levels a pixel over 8 px (JPEG's undershoot at a dark object's
    // edge; smooth, so still the blob).
    for k in 0..8u32 {
        let c = 5 + (2.5 * k as f32) as u8;
        fill(
            &mut phone,
            (300 + k, 160 + k, 220 - 2 * k, 120 - 2 * k),
            [c, c, c + 4],
        );
    }
    fill(&mut phone, (308, 168, 204, 104), [25, 25, 30]);
    noise(&mut phone, 2.0);
    let blob = blobs_of(&phone, &hints, Kind::Foreign)
        .into_iter()
        .max_by(|a, b| a.share.total_cmp(&b.share))
        .unwrap();
    assert!(
        blob.shading > LYING_MAX_SHADING_SOLID
            && blob.core_shading <= LYING_MAX_SHADING_SOLID
            && blob.solid >= LYING_SOLID_OPAQUE,
        "{blob:?}"
    );
    assert!(
        score(&phone, &hints) >= threshold(),
        "{}",
        score(&phone, &hints)
    );
}

/// An opaque blob lying wholly on the card, as measured on a phone of the tune sets.
fn lying_blob(core_shading: f32, solid: f32) -> Blob {
    Blob {
        on: 3813.0,
        off: 0.0,
        share: 0.039,
        deep_share: 0.039,
        far_share: 0.0,
        solid,
        shading: 3.6,
        luma: 23.0,
        core_shading,
        span: 0.5,
        touches_edge: false,
        sides: 0,
        rounded: 0.12,
        split: 0.0,
    }
}

#[test]
fn an_opaque_blob_lying_on_the_card_is_an_object_only_when_its_core_is_flat() {
    // Flat core (camera noise only): a phone.
    assert!(is_object(&lying_blob(1.3, 0.84), true));
    // A textured core (a dark photo's shading, halftone): print.
    assert!(!is_object(&lying_blob(3.7, 0.84), true));
    // A flat core but perforated (lettering through it): a printed block.
    assert!(!is_object(&lying_blob(1.3, 0.66), true));
}

/// An outline with its right side on the photo's border, seen this well.
fn frame_outline(support: f32, longest_gap: f32) -> crate::outline::Outline {
    crate::outline::Outline {
        quad: [(100.0, 50.0), (800.0, 50.0), (800.0, 500.0), (100.0, 500.0)],
        support,
        longest_gap,
        cut: 0.1,
        frame_side: true,
    }
}

#[test]
fn print_and_surface_both_at_the_frame_count_on_a_less_clean_outline() {
    // A page of two cards side by side, cut by the frame: the gap between the cards leaves a
    // third of a side without an edge.
    let gappy = frame_outline(0.88, 0.34);
    assert!(frame_cut(gappy, 0.08, 0.65) >= threshold());
    // Either cue alone on that outline: it may be print, or a card lying whole inside.
    assert_eq!(frame_cut(gappy, 0.08, 0.0), 0.0);
    assert_eq!(frame_cut(gappy, 0.0, 0.65), 0.0);
    // Both cues on an outline mostly unsupported (a long gap): not a card's outline.
    assert_eq!(frame_cut(frame_outline(0.88, 0.6), 0.08, 0.65), 0.0);
    assert_eq!(frame_cut(frame_outline(0.7, 0.3), 0.08, 0.65), 0.0);
    // Each cue alone on a clean outline, as before.
    let clean = frame_outline(0.97, 0.03);
    assert!(frame_cut(clean, 0.08, 0.0) >= threshold());
    assert!(frame_cut(clean, 0.0, 0.65) >= threshold());
}

#[test]
fn a_band_printed_across_the_card_spans_it_an_object_on_it_does_not() {
    // A dark band printed from the card's left side to its right (white lettering in it), and
    // a note-sized patch of the same colour lying on the card.
    let (mut banded, hints) = scene(800, 600, (80, 80), 0.0);
    fill(&mut banded, (80, 330, 640, 50), [60, 50, 90]);
    for k in 0..12 {
        fill(&mut banded, (120 + k * 48, 345, 8, 20), [205, 200, 185]);
    }
    noise(&mut banded, 2.0);
    let widest = |img: &RgbImage| {
        blobs_of(img, &hints, Kind::Foreign)
            .into_iter()
            .max_by(|a, b| a.share.total_cmp(&b.share))
            .unwrap()
    };
    let band = widest(&banded);
    assert!(band.span > LYING_MAX_SPAN, "{band:?}");
    let (mut patched, _) = scene(800, 600, (80, 80), 0.0);
    fill(&mut patched, (300, 180, 220, 120), [60, 50, 90]);
    noise(&mut patched, 2.0);
    let patch = widest(&patched);
    assert!(patch.span < 0.5, "{patch:?}");
}

#[test]
fn a_perforated_flat_blob_spanning_the_card_is_print() {
    let band = |span: f32, solid: f32| Blob {
        shading: 0.9,
        core_shading: 0.9,
        span,
        ..lying_blob(0.9, solid)
    };
    // A header band: perforated, flat, from side to side.
    assert!(!is_object(&band(0.99, 0.63), true));
    // The same blob over half the card: a flat note lying on it.
    assert!(is_object(&band(0.5, 0.63), true));
    // Opaque and spanning the card: a phone lying across it.
    assert!(is_object(&band(0.99, 0.85), true));
}
