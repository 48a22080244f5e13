//! Each detector on small fixtures generated here: a plain synthetic card (header band, text
//! strokes, a portrait, sensor noise) and the same card with one attack. Positives must reach the
//! balanced threshold, negatives stay under it.

use ekyc_alarms::{
    blur, check, covered, glare, photocopy, raised_by, screen, tampered, AlarmConfig, CardHints,
    Detection, Level, MrzHint, View,
};
use ekyc_types::CardAlarm;
use image::{Rgb, RgbImage};

/// Deterministic xorshift noise.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Roughly Gaussian (sum of uniforms), unit σ.
    fn gauss(&mut self) -> f32 {
        (0..6).map(|_| self.next()).sum::<f32>() * std::f32::consts::SQRT_2 - 6.0 / 1.414
    }
}

const W: u32 = 640;
const H: u32 = 440;

/// A card photographed flat: paper, a red header, a brownish portrait, dark text strokes,
/// σ ≈ 3 sensor noise.
fn card(seed: u64) -> RgbImage {
    let mut rng = Rng(seed);
    let mut img = RgbImage::from_pixel(W, H, Rgb([205, 200, 185]));
    fill(&mut img, (0, 0, W, 40), [150, 30, 45]);
    for y in 70..250 {
        for x in 30..170 {
            let t = (x + y) as f32 / 420.0;
            img.put_pixel(
                x,
                y,
                Rgb([(180.0 - 60.0 * t) as u8, (130.0 - 50.0 * t) as u8, 95]),
            );
        }
    }
    for line in 0..9 {
        let y = 70 + line * 22;
        let mut x = 200;
        while x < 600 {
            let w = 4 + (rng.next() * 10.0) as u32;
            fill(&mut img, (x, y, w, 12), [30, 30, 40]);
            x += w + 3 + (rng.next() * 6.0) as u32;
        }
    }
    // Two MRZ-like lines at the bottom.
    for line in 0..2 {
        let mut x = 30;
        while x < 610 {
            fill(&mut img, (x, 360 + line * 30, 9, 16), [20, 20, 25]);
            x += 13;
        }
    }
    add_noise(&mut img, &mut rng, 3.0);
    img
}

fn fill(img: &mut RgbImage, (x0, y0, w, h): (u32, u32, u32, u32), c: [u8; 3]) {
    for y in y0..(y0 + h).min(img.height()) {
        for x in x0..(x0 + w).min(img.width()) {
            img.put_pixel(x, y, Rgb(c));
        }
    }
}

fn add_noise(img: &mut RgbImage, rng: &mut Rng, sigma: f32) {
    for p in img.pixels_mut() {
        let n = rng.gauss() * sigma;
        for c in 0..3 {
            p.0[c] = (p.0[c] as f32 + n + rng.gauss() * sigma * 0.3).clamp(0.0, 255.0) as u8;
        }
    }
}

fn score(detect: fn(&View) -> Detection, img: &RgbImage) -> f32 {
    detect(&View::new(img, &CardHints::default())).score
}

fn threshold(alarm: CardAlarm) -> f32 {
    AlarmConfig::default().threshold(alarm).unwrap()
}

fn assert_splits(alarm: CardAlarm, negative: f32, positive: f32) {
    let t = threshold(alarm);
    assert!(
        negative < t,
        "{alarm:?}: clean card scored {negative} ≥ {t}"
    );
    assert!(
        positive >= t,
        "{alarm:?}: attacked card scored {positive} < {t}"
    );
}

#[test]
fn blur_detector() {
    let clean = card(1);
    let blurred = image::imageops::blur(&clean, 3.0);
    assert_splits(
        CardAlarm::Blurry,
        score(blur::detect, &clean),
        score(blur::detect, &blurred),
    );
}

#[test]
fn photocopy_detector() {
    let clean = card(2);
    let mut copy = clean.clone();
    for p in copy.pixels_mut() {
        let l = 0.299 * p.0[0] as f32 + 0.587 * p.0[1] as f32 + 0.114 * p.0[2] as f32;
        // A slightly warm lamp: a uniform cast (each channel scaled alike everywhere) is not
        // colour.
        *p = Rgb([
            (l * 1.04).min(255.0) as u8,
            (l * 1.02).min(255.0) as u8,
            l as u8,
        ]);
    }
    assert_splits(
        CardAlarm::Photocopy,
        score(photocopy::detect, &clean),
        score(photocopy::detect, &copy),
    );
}

/// The card's colours pulled toward grey: `keep` = 0 is a black-and-white copy, 1 the original.
fn drained(img: &RgbImage, keep: f32) -> RgbImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let l = 0.299 * p.0[0] as f32 + 0.587 * p.0[1] as f32 + 0.114 * p.0[2] as f32;
        for c in 0..3 {
            p.0[c] = (l + keep * (p.0[c] as f32 - l)).round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

#[test]
fn photocopy_keeps_quiet_on_a_pale_card_with_a_grey_portrait() {
    // Only the header band and the ink differ in hue from the paper: still a colour print.
    let mut pale = card(5);
    let grey_portrait = drained(&pale, 0.0);
    for y in 70..250 {
        for x in 30..170 {
            pale.put_pixel(x, y, *grey_portrait.get_pixel(x, y));
        }
    }
    let s = score(photocopy::detect, &pale);
    assert!(s < threshold(CardAlarm::Photocopy), "pale card scored {s}");
}

#[test]
fn photocopy_finds_a_colour_copy_that_kept_a_little_colour() {
    let copy = drained(&card(6), 0.08);
    let s = score(photocopy::detect, &copy);
    assert!(
        s >= threshold(CardAlarm::Photocopy),
        "faint colour copy scored {s}"
    );
}

#[test]
fn glare_detector() {
    let clean = card(3);
    let mut shiny = clean.clone();
    for y in 0..H {
        for x in 0..W {
            let d2 = ((x as f32 - 380.0) / 70.0).powi(2) + ((y as f32 - 200.0) / 50.0).powi(2);
            let add = 260.0 * (-d2 / 2.0).exp();
            let p = shiny.get_pixel_mut(x, y);
            for c in 0..3 {
                p.0[c] = (p.0[c] as f32 + add).min(255.0) as u8;
            }
        }
    }
    assert_splits(
        CardAlarm::Reflective,
        score(glare::detect, &clean),
        score(glare::detect, &shiny),
    );
    // A white scan background around the card is not a reflection.
    let mut scan = RgbImage::from_pixel(W + 200, H + 200, Rgb([255, 255, 255]));
    image::imageops::replace(&mut scan, &clean, 100, 100);
    assert!(score(glare::detect, &scan) < threshold(CardAlarm::Reflective));
    // White paper clipped in a digital scan keeps its print at full contrast: not a
    // reflection either.
    let mut white = clean.clone();
    for p in white.pixels_mut() {
        if p.0.iter().all(|&c| c > 150) {
            *p = Rgb([255, 255, 255]);
        }
    }
    assert!(score(glare::detect, &white) < threshold(CardAlarm::Reflective));
}

#[test]
fn screen_detector() {
    let clean = card(4);
    let mut shown = clean.clone();
    // R, G, B sub-pixel stripes of a display with a 3.3 px pitch and dark rows between pixels.
    for (x, y, p) in shown.enumerate_pixels_mut() {
        let phase = (x as f32 % 3.3) / 3.3;
        let lit = (phase * 3.0) as usize;
        let row_gap = if (y as f32 % 3.3) / 3.3 > 0.8 {
            0.7
        } else {
            1.0
        };
        for c in 0..3 {
            let gain = if c == lit { 1.5 } else { 0.75 };
            p.0[c] = (p.0[c] as f32 * gain * row_gap).min(255.0) as u8;
        }
    }
    assert_splits(
        CardAlarm::Recapture,
        score(screen::detect, &clean),
        score(screen::detect, &shown),
    );
}

#[test]
fn tampered_detector() {
    let clean = card(5);
    let mut pasted = clean.clone();
    // A re-typed field: a noiseless patch of paper with fresh text over part of the text.
    fill(&mut pasted, (200, 110, 300, 70), [205, 200, 185]);
    for i in 0..12 {
        fill(&mut pasted, (210 + i * 22, 130, 14, 14), [25, 25, 30]);
    }
    // This fixture is drawn axis-aligned with grid-exact hard edges, like a flat digital scan:
    // its printed boxes look exactly like a paste, so the seam cue does not judge a card
    // that is not tilted (nor one whose tilt is unknown: no MRZ hint), and without an MRZ
    // the optics cue has nothing to compare with. Pastes into tilted photographed cards are
    // tested in src/tampered_seams_tests.rs, re-typed fields on scans in
    // src/tampered_sharp_tests.rs.
    let (negative, positive) = (
        score(tampered::detect, &clean),
        score(tampered::detect, &pasted),
    );
    assert_eq!((negative, positive), (0.0, 0.0));
}

#[test]
fn covered_by_a_thin_fingertip() {
    // A slim fingertip from the bottom edge over ~2.5 % of the card: a small hidden area, but
    // a finger all the same.
    let clean = card(8);
    let mut tip = clean.clone();
    for y in 320..H {
        for x in 300..360 {
            let d = ((x as f32 - 330.0) / 30.0).abs();
            let shade = 1.0 - 0.3 * d * d;
            tip.put_pixel(
                x,
                y,
                Rgb([
                    (225.0 * shade) as u8,
                    (170.0 * shade) as u8,
                    (135.0 * shade) as u8,
                ]),
            );
        }
    }
    assert_splits(
        CardAlarm::Covered,
        score(covered::detect, &clean),
        score(covered::detect, &tip),
    );
}

#[test]
fn covered_detector() {
    let clean = card(6);
    let mut fingered = clean.clone();
    // A finger from the bottom edge: smooth skin, darker at its sides.
    for y in 150..H {
        for x in 350..460 {
            let d = ((x as f32 - 405.0) / 55.0).abs();
            let shade = 1.0 - 0.3 * d * d;
            let c = [
                (225.0 * shade) as u8,
                (170.0 * shade) as u8,
                (135.0 * shade) as u8,
            ];
            fingered.put_pixel(x, y, Rgb(c));
        }
    }
    assert_splits(
        CardAlarm::Covered,
        score(covered::detect, &clean),
        score(covered::detect, &fingered),
    );
    // A flat skin-toned tint printed along the card's bottom is paper, not a finger.
    let mut tinted = clean.clone();
    for y in 300..H {
        for x in 0..W {
            if tinted.get_pixel(x, y).0[0] > 150 {
                tinted.put_pixel(x, y, Rgb([235, 200, 160]));
            }
        }
    }
    assert!(score(covered::detect, &tinted) < threshold(CardAlarm::Covered));
    // The card predicted from its MRZ runs out of the photo: half of the page is cut off.
    let hints = |dy: f32| CardHints {
        mrz: Some(MrzHint {
            corners: [
                (30.0, 355.0 + dy),
                (610.0, 355.0 + dy),
                (610.0, 410.0 + dy),
                (30.0, 410.0 + dy),
            ],
            lines: 2,
            chars: 44,
        }),
        card: None,
    };
    let inside = covered::detect(&View::new(&clean, &hints(0.0))).score;
    let cut = covered::detect(&View::new(&clean, &hints(-250.0))).score;
    assert_splits(CardAlarm::Covered, inside, cut);
}

#[test]
fn strictness_switches_what_is_raised() {
    let t = |l: Level| l.thresholds().blurry;
    let between = (t(Level::Strict) + t(Level::Lenient)) / 2.0;
    assert!(t(Level::Strict) < between && between < t(Level::Lenient));
    let d = vec![Detection::new(CardAlarm::Blurry, between)];
    assert_eq!(
        raised_by(&d, &AlarmConfig::with_level(Level::Strict)),
        vec![CardAlarm::Blurry]
    );
    assert!(raised_by(&d, &AlarmConfig::with_level(Level::Lenient)).is_empty());
}

#[test]
fn disabled_stage_reports_9109_and_clean_card_nothing() {
    let img = card(7);
    let off = AlarmConfig {
        enabled: false,
        ..AlarmConfig::default()
    };
    assert_eq!(
        check(&img, &CardHints::default(), &off).wire_codes(),
        vec![-9109]
    );
    let report = check(&img, &CardHints::default(), &AlarmConfig::default());
    assert!(report.raised.is_empty(), "{:?}", report.detections);
    assert_eq!(report.detections.len(), 6);
    // Tiny and degenerate inputs never panic.
    let tiny = RgbImage::new(20, 20);
    assert!(check(&tiny, &CardHints::default(), &AlarmConfig::default())
        .raised
        .is_empty());
}

/// The fixture card lying on a smooth dark-green table, with the MRZ band the reader would
/// report for it (44 characters across x 60..640 at y 400..455).
fn card_on_table(seed: u64) -> (RgbImage, CardHints) {
    let mut scene = RgbImage::from_pixel(W + 160, H + 160, Rgb([40, 90, 60]));
    image::imageops::replace(&mut scene, &card(seed), 80, 80);
    let hints = CardHints {
        mrz: Some(MrzHint {
            corners: [
                (110.0, 435.0),
                (690.0, 435.0),
                (690.0, 490.0),
                (110.0, 490.0),
            ],
            lines: 2,
            chars: 44,
        }),
        card: None,
    };
    (scene, hints)
}

fn covered_score(img: &RgbImage, hints: &CardHints) -> f32 {
    covered::detect(&View::new(img, hints)).score
}

#[test]
fn covered_by_objects() {
    let (clean, hints) = card_on_table(8);
    // A smooth coloured table around the card is not an occluder.
    let negative = covered_score(&clean, &hints);
    // A yellow sticky note across the card's right edge, reaching well inside and out to the
    // photo's edge.
    let mut note = clean.clone();
    fill(&mut note, (560, 180, 240, 150), [245, 225, 110]);
    assert_splits(CardAlarm::Covered, negative, covered_score(&note, &hints));
    // A black phone lying wholly on the card, over the text.
    let mut phone = clean.clone();
    fill(&mut phone, (330, 150, 200, 110), [22, 22, 28]);
    assert_splits(CardAlarm::Covered, negative, covered_score(&phone, &hints));
    // The portrait's dark print is textured, and the header band stays on the card: neither
    // is an object.
    let mut dark_print = clean.clone();
    let mut rng = Rng(9);
    for y in 150..330 {
        for x in 110..250 {
            let v = (40.0 + 30.0 * rng.next()) as u8;
            dark_print.put_pixel(x, y, Rgb([v, v, v]));
        }
    }
    assert!(covered_score(&dark_print, &hints) < threshold(CardAlarm::Covered));
}

#[test]
fn covered_when_the_mrz_runs_out_of_the_frame() {
    let (scene, hints) = card_on_table(10);
    // The photo cut at x = 600: the MRZ lines run into its right edge and the reader returns
    // the visible part (here 30 characters) — the card predicted from it fits in the photo.
    let cut = image::imageops::crop_imm(&scene, 0, 0, 600, H + 160).to_image();
    let visible = CardHints {
        mrz: Some(MrzHint {
            corners: [
                (110.0, 435.0),
                (599.0, 435.0),
                (599.0, 490.0),
                (110.0, 490.0),
            ],
            lines: 2,
            chars: 37,
        }),
        card: None,
    };
    assert_splits(
        CardAlarm::Covered,
        covered_score(&scene, &hints),
        covered_score(&cut, &visible),
    );
}
