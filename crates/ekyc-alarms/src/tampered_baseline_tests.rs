//! Generated fixtures: a card tilted by 3° in the photo, its visual zone printed as rows of
//! glyph-like bars and its MRZ band as two rows of taller bars; the forged copy has one field
//! re-typed along the pixel rows on a paper-coloured patch.

use image::{Rgb, RgbImage};

use super::*;
use crate::view::{CardHints, MrzHint};

const W: u32 = 900;
const H: u32 = 640;
const TILT_DEG: f32 = 3.0;
const CENTRE: (f32, f32) = (450.0, 320.0);

/// Card coordinates (u right, v down, origin at the photo centre) of a photo pixel.
fn card_uv(x: f32, y: f32) -> (f32, f32) {
    let (s, c) = TILT_DEG.to_radians().sin_cos();
    let (dx, dy) = (x - CENTRE.0, y - CENTRE.1);
    (c * dx + s * dy, -s * dx + c * dy)
}

fn photo_xy(u: f32, v: f32) -> (f32, f32) {
    let (s, c) = TILT_DEG.to_radians().sin_cos();
    (CENTRE.0 + c * u - s * v, CENTRE.1 + s * u + c * v)
}

/// A row of `n` bars `bw` × `bh` every `pitch` from (u0, top), as card coordinates.
struct Row {
    u0: f32,
    top: f32,
    n: usize,
    bw: f32,
    bh: f32,
    pitch: f32,
}

impl Row {
    fn inked(&self, u: f32, v: f32) -> bool {
        if v < self.top || v >= self.top + self.bh || u < self.u0 {
            return false;
        }
        let k = ((u - self.u0) / self.pitch) as usize;
        k < self.n && u - self.u0 - k as f32 * self.pitch < self.bw
    }
}

/// Visual-zone rows (values and labels), then the two MRZ lines.
fn rows() -> Vec<Row> {
    let mut out = Vec::new();
    for i in 0..5 {
        let top = -230.0 + 48.0 * i as f32;
        out.push(Row {
            u0: -150.0,
            top,
            n: 9,
            bw: 6.0,
            bh: 18.0,
            pitch: 13.0,
        });
        out.push(Row {
            u0: 80.0,
            top: top + 4.0,
            n: 7,
            bw: 4.0,
            bh: 12.0,
            pitch: 10.0,
        });
    }
    for i in 0..2 {
        let top = 150.0 + 36.0 * i as f32;
        out.push(Row {
            u0: -390.0,
            top,
            n: 44,
            bw: 8.0,
            bh: 24.0,
            pitch: 18.0,
        });
    }
    out
}

fn card() -> RgbImage {
    let rows = rows();
    RgbImage::from_fn(W, H, |x, y| {
        let (u, v) = card_uv(x as f32 + 0.5, y as f32 + 0.5);
        let l = if rows.iter().any(|r| r.inked(u, v)) {
            35
        } else {
            210
        };
        Rgb([l, l, l - 10])
    })
}

/// A paper patch at (x0, y0) with `n` bars typed along the pixel rows.
fn retype(img: &mut RgbImage, (x0, y0): (u32, u32), n: u32) {
    for y in y0..y0 + 26 {
        for x in x0..x0 + 14 * n + 6 {
            let dy = y - y0;
            let bar = (4..20).contains(&dy) && (x - x0) % 14 >= 3 && (x - x0) % 14 < 9;
            let l = if bar { 30 } else { 210 };
            img.put_pixel(x, y, Rgb([l, l, l - 10]));
        }
    }
}

fn hints() -> CardHints {
    let band = [
        photo_xy(-395.0, 145.0),
        photo_xy(400.0, 145.0),
        photo_xy(400.0, 215.0),
        photo_xy(-395.0, 215.0),
    ];
    CardHints {
        mrz: Some(MrzHint {
            corners: band,
            lines: 2,
            chars: 44,
        }),
        ..CardHints::default()
    }
}

fn forged() -> RgbImage {
    let mut img = card();
    // Over the third row's value, where the card's own print is.
    let (x, y) = photo_xy(-160.0, -136.0);
    retype(&mut img, (x as u32, y as u32), 8);
    img
}

#[test]
fn a_level_field_on_a_tilted_card_stands_out() {
    let clean = most_deviant_word(&View::new(&card(), &hints()));
    let forged = most_deviant_word(&View::new(&forged(), &hints()));
    assert!(clean.words >= 8, "{clean:?}");
    assert!(clean.z < 1.0, "{clean:?}");
    assert!(forged.z > 3.0, "{forged:?}");
    assert!(forged.word_deg.abs() < 0.5, "{forged:?}");
    assert!((forged.neighbours_deg - TILT_DEG).abs() < 0.6, "{forged:?}");
}

#[test]
fn a_straight_card_gives_no_contrast_and_no_hint_nothing() {
    // The whole card level (a scan): the re-typed field runs like its neighbours.
    let mut img = RgbImage::from_pixel(W, H, Rgb([210, 210, 200]));
    for i in 0..6u32 {
        retype(&mut img, (200, 90 + 44 * i), 8);
    }
    for i in 0..2u32 {
        retype(&mut img, (60, 470 + 34 * i), 40);
    }
    let level = CardHints {
        mrz: Some(MrzHint {
            corners: [(55.0, 465.0), (640.0, 465.0), (640.0, 535.0), (55.0, 535.0)],
            lines: 2,
            chars: 44,
        }),
        ..CardHints::default()
    };
    let m = most_deviant_word(&View::new(&img, &level));
    assert!(m.z < 1.0, "{m:?}");
    let none = most_deviant_word(&View::new(&forged(), &CardHints::default()));
    assert_eq!(none, BaselineMismatch::default());
}

#[test]
fn a_level_word_counts_only_as_far_as_the_mrz_says_the_card_is_tilted() {
    // The print read as tilted by 3° around a level word, but the MRZ band level: the card is
    // not tilted, the neighbours' angle is what is off.
    let band = hints().mrz.expect("a hint").corners;
    let (x0, x1) = (band[0].0.min(band[3].0), band[1].0.max(band[2].0));
    let (y0, y1) = (band[0].1.min(band[1].1), band[2].1.max(band[3].1));
    let level = CardHints {
        mrz: Some(MrzHint {
            corners: [(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
            lines: 2,
            chars: 44,
        }),
        ..CardHints::default()
    };
    let img = forged();
    let tilted = View::new(&img, &hints());
    let word = most_deviant_word(&tilted).z;
    let d = crate::tampered::detect(&tilted);
    assert!(
        d.evidence("baseline_z")
            .is_some_and(|z| z > 3.0 && z >= 0.99 * word),
        "{d:?}"
    );
    let flat = View::new(&img, &level);
    assert!(most_deviant_word(&flat).z > 3.0);
    let d = crate::tampered::detect(&flat);
    assert_eq!(d.evidence("card_tilt_deg"), Some(0.0));
    assert_eq!(d.evidence("baseline_z"), Some(0.0), "{d:?}");
}
