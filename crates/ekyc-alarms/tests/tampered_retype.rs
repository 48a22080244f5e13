//! Tampered's baseline cue on a real specimen page (d006 of the shared test data) shown tilted
//! by 4° at twice its size, as a camera would see it: the genuine page stays below the strict
//! threshold, the same photo with a field re-typed along the pixel rows (a paper-coloured patch
//! over a printed line, new glyphs on it) stands out. Skips with a message when the data is
//! missing.

use std::path::PathBuf;

use ekyc_alarms::{detect_all, AlarmConfig, CardHints, Level, MrzHint};
use ekyc_types::CardAlarm;
use image::{Rgb, RgbImage};

const TILT_DEG: f32 = 4.0;
const SCALE: f32 = 2.0;
/// The specimen's MRZ band as the reader finds it (TL, TR, BR, BL), source pixels.
const BAND: [(f32, f32); 4] = [(27.6, 338.8), (563.4, 339.5), (563.3, 391.2), (27.5, 390.5)];

fn specimen() -> Option<RgbImage> {
    let root = std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = root.join("documents/d006.png");
    if !path.is_file() {
        eprintln!("SKIPPED: no specimen at {}", path.display());
        return None;
    }
    Some(image::open(&path).expect("d006.png decodes").to_rgb8())
}

/// Photo pixel of a source pixel: scaled about the source centre, turned by the tilt, centred
/// on a canvas `SCALE` × the page plus a margin.
struct Shot {
    src_c: (f32, f32),
    out_c: (f32, f32),
    out: (u32, u32),
}

impl Shot {
    fn new(page: &RgbImage) -> Shot {
        let (w, h) = (page.width() as f32, page.height() as f32);
        let out = ((w * SCALE * 1.15) as u32, (h * SCALE * 1.25) as u32);
        Shot {
            src_c: (w / 2.0, h / 2.0),
            out_c: (out.0 as f32 / 2.0, out.1 as f32 / 2.0),
            out,
        }
    }
    fn to_photo(&self, p: (f32, f32)) -> (f32, f32) {
        let (s, c) = TILT_DEG.to_radians().sin_cos();
        let (dx, dy) = ((p.0 - self.src_c.0) * SCALE, (p.1 - self.src_c.1) * SCALE);
        (
            self.out_c.0 + c * dx - s * dy,
            self.out_c.1 + s * dx + c * dy,
        )
    }
    fn to_source(&self, x: f32, y: f32) -> (f32, f32) {
        let (s, c) = TILT_DEG.to_radians().sin_cos();
        let (dx, dy) = (x - self.out_c.0, y - self.out_c.1);
        (
            self.src_c.0 + (c * dx + s * dy) / SCALE,
            self.src_c.1 + (-s * dx + c * dy) / SCALE,
        )
    }
    /// The page resampled bilinearly onto a grey-green table.
    fn take(&self, page: &RgbImage) -> RgbImage {
        RgbImage::from_fn(self.out.0, self.out.1, |x, y| {
            let (u, v) = self.to_source(x as f32 + 0.5, y as f32 + 0.5);
            let (u, v) = (u - 0.5, v - 0.5);
            let (u0, v0) = (u.floor(), v.floor());
            let inside = u0 >= 0.0
                && v0 >= 0.0
                && u0 + 1.0 < page.width() as f32
                && v0 + 1.0 < page.height() as f32;
            if !inside {
                return Rgb([90, 104, 92]);
            }
            let (fu, fv) = (u - u0, v - v0);
            let px = |du: u32, dv: u32| page.get_pixel(u0 as u32 + du, v0 as u32 + dv).0;
            let mut out = [0u8; 3];
            for (k, o) in out.iter_mut().enumerate() {
                let top = px(0, 0)[k] as f32 * (1.0 - fu) + px(1, 0)[k] as f32 * fu;
                let bottom = px(0, 1)[k] as f32 * (1.0 - fu) + px(1, 1)[k] as f32 * fu;
                *o = (top * (1.0 - fv) + bottom * fv).round() as u8;
            }
            Rgb(out)
        })
    }
    fn hints(&self) -> CardHints {
        CardHints {
            mrz: Some(MrzHint {
                corners: BAND.map(|p| self.to_photo(p)),
                lines: 2,
                chars: 44,
            }),
            card: None,
        }
    }
}

/// A paper-coloured patch from (x0, y0), with `n` glyph-like bars typed along the pixel rows.
fn retype(photo: &mut RgbImage, (x0, y0): (u32, u32), n: u32) {
    let paper = Rgb([196, 222, 224]);
    for y in y0..y0 + 30 {
        for x in x0..x0 + 13 * n + 8 {
            let (dx, dy) = (x - x0, y - y0);
            let bar = (6..24).contains(&dy) && (4..9).contains(&(dx % 13));
            photo.put_pixel(x, y, if bar { Rgb([25, 30, 35]) } else { paper });
        }
    }
}

fn baseline_z(photo: &RgbImage, hints: &CardHints) -> (f32, f32) {
    let (detections, _) = detect_all(photo, hints);
    let d = detections
        .iter()
        .find(|d| d.alarm == CardAlarm::Tampered)
        .expect("tampered runs");
    (d.evidence("baseline_z").expect("baseline_z"), d.score)
}

#[test]
fn a_level_retyped_line_on_a_tilted_specimen_stands_out() {
    let Some(page) = specimen() else { return };
    let shot = Shot::new(&page);
    let clean = shot.take(&page);
    let hints = shot.hints();
    let strict = AlarmConfig::with_level(Level::Strict)
        .threshold(CardAlarm::Tampered)
        .unwrap();
    let balanced = AlarmConfig::with_level(Level::Balanced)
        .threshold(CardAlarm::Tampered)
        .unwrap();
    let (z_clean, _) = baseline_z(&clean, &hints);
    assert!(z_clean < strict, "clean page: baseline_z {z_clean}");
    // Over the nationality line ("Suomi Finland Finland Finlance").
    let mut forged = clean.clone();
    let at = shot.to_photo((186.0, 146.0));
    retype(&mut forged, (at.0 as u32, at.1 as u32), 12);
    let (z_forged, score) = baseline_z(&forged, &hints);
    eprintln!("baseline_z: clean {z_clean:.2}, re-typed {z_forged:.2}");
    assert!(z_forged >= balanced, "re-typed: baseline_z {z_forged}");
    assert!(score >= z_forged);
}
