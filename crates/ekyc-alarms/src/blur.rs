//! Blurry (-9108): is the photo too blurred for its text to be read? With an MRZ hint, the
//! blur is measured on the MRZ at its own character scale ([`crate::blurry_mrz`]): the
//! Crété-Roffet re-blur measure (blur the image again and see how much of its local variation
//! survives; a sharp image loses a lot, a blurry one little) on the band resampled to a fixed
//! pitch, along four directions, as a multiple of what sharp print reads. A soft card print
//! (a low-resolution specimen) does not count against the photo there unless its MRZ is soft too,
//! and the same pixel blur counts more on a small MRZ than on a large one.
//!
//! Without an MRZ the re-blur measure is taken on the card's strongest edges along the same
//! four directions ([`crate::blurry_edges`]), divided by [`EDGE_SHARP`] so both land on one
//! score scale.

use ekyc_types::CardAlarm;

use crate::blurry_edges::edge_blur;
use crate::blurry_mrz::mrz_blur;
use crate::detection::Detection;
use crate::view::View;

/// The edge measure's value that counts as 1 on the score scale: its own balanced threshold
/// over the MRZ score's (1.51), so one level threshold serves both. Its own threshold, 4.4:
/// on the two tune sets (all 100 clean photos measured as if their MRZ had not been found)
/// clean photos read up to 3.45 and the blurred ones whose MRZ was lost from 5.2; soft
/// recaptures and heavy glare without an MRZ read 4–6.
pub const EDGE_SHARP: f32 = 4.4 / 1.51;

pub fn detect(v: &View) -> Detection {
    let d = Detection::new(CardAlarm::Blurry, 0.0);
    if let Some(m) = v.mrz.as_ref().and_then(|m| mrz_blur(v.full, m)) {
        // The MRZ decides: it is what must stay readable, at its own scale.
        return Detection {
            score: m.relative,
            ..d
        }
        .with("mrz_blur_h", m.along[0])
        .with("mrz_blur_v", m.along[1])
        .with("mrz_blur_d1", m.along[2])
        .with("mrz_blur_d2", m.along[3])
        .with("mrz_pitch_px", m.pitch_px)
        .with("on_mrz", 1.0);
    }
    let d = d.with("on_mrz", 0.0);
    match edge_blur(v.full, v.card_full) {
        Some(e) => Detection {
            score: e.relative / EDGE_SHARP,
            ..d
        }
        .with("edge_blur_h", e.along[0])
        .with("edge_blur_v", e.along[1])
        .with("edge_blur_d1", e.along[2])
        .with("edge_blur_d2", e.along[3])
        .with("edge_relative", e.relative),
        None => d.with("too_small", 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blurry_mrz::tests::band;
    use crate::view::CardHints;
    use crate::Level;
    use image::imageops;

    #[test]
    fn with_an_mrz_the_mrz_decides() {
        let balanced = Level::Balanced.thresholds().blurry;
        let (sharp, hint) = band(16);
        let hints = CardHints {
            mrz: Some(hint),
            card: None,
        };
        let crisp = detect(&View::new(&sharp, &hints));
        assert_eq!(crisp.evidence("on_mrz"), Some(1.0));
        assert!(crisp.score < balanced, "{crisp:?}");
        // Defocus of a fifth of the character pitch: the MRZ is hard to read.
        let blurred = detect(&View::new(&imageops::blur(&sharp, 3.2), &hints));
        assert!(blurred.score >= balanced, "{blurred:?}");
    }

    #[test]
    fn without_an_mrz_the_edges_decide() {
        let balanced = Level::Balanced.thresholds().blurry;
        let (sharp, _) = band(16);
        let hints = CardHints::default();
        let crisp = detect(&View::new(&sharp, &hints));
        let blurred = detect(&View::new(&imageops::blur(&sharp, 3.2), &hints));
        assert_eq!(crisp.evidence("on_mrz"), Some(0.0));
        assert!(crisp.evidence("edge_relative").is_some(), "{crisp:?}");
        assert!(crisp.score < balanced, "{crisp:?}");
        assert!(blurred.score >= balanced, "{blurred:?}");
        assert!(
            blurred.score > crisp.score + 0.5,
            "{blurred:?} vs {crisp:?}"
        );
    }
}
