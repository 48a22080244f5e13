//! Tampered (-9104): a portrait or a re-typed field pasted into the saved photo. Cues in the
//! image (the first three about what the camera's optics cannot produce on a card's print, the
//! last about the file's compression history):
//! - optics mismatch ([`crate::tampered_sharp`]): a block of the card whose edges are much
//!   sharper than the MRZ's (printed by the same process, seen through the same lens) — the
//!   paste never went through the optics. Works on straight cards and scans too.
//! - paste seams ([`crate::tampered_seams`]): a corner of two cuts one pixel wide, straight
//!   along the pixel grid. That holds only when the card is tilted in the photo: on a scan or
//!   a flat digital image the card's own printed boxes are grid-straight and as sharp as a
//!   paste, so the seam score is weighed by the card's tilt (from the MRZ band): none when the
//!   card is axis-aligned or its tilt is unknown, full from [`FULL_TILT_DEG`] on. A corner of
//!   two pure cuts — exactly one step, no line — counts at any known tilt
//!   ([`PURE_SEAM_PER_RATIO`]): on axis-aligned cards this finds most pasted photos.
//! - baseline mismatch ([`crate::tampered_baseline`]): on a card tilted in the photo, a word of
//!   the visual zone whose baseline runs along the pixel rows while the lines next to it follow
//!   the card — a field typed on the saved photo. Its gap in standard errors is on the
//!   sharpness ratio's scale as it is (clean pages of both tune sets ≤ 1.5).
//! - compression history ([`crate::tampered_jpeg`], with the file's quantisation table in
//!   [`CrossChecks::jpeg`]): a compact window of 8×8 blocks lacking the first JPEG save's
//!   quantisation trace that the rest of the photo carries — a field or face pasted before the
//!   last save. Needs the file's own grid; nothing without a trace.
//!
//! The score is the strongest of the four, the seam score brought to the sharpness ratio's
//! scale by [`SEAM_PER_RATIO`], the missing-trace score by [`JPEG_PER_RATIO`]; where the
//! sharpest block and the strongest missing-trace window lie at one place, the two weak cues
//! back each other ([`corroborated`]).
//!
//! What a genuine page's own structure lends these cues, and is kept out (helper tamper11, from
//! the clean alarms of the tune and hold-out sets, looked at one by one): the card's cut edge
//! against the table is a hard step where the page predicted from the MRZ reaches past the card
//! (perspective, an ID card's two sides in one photo, a header band running to the edge), so
//! the card's outline found in the photo ([`crate::outline::locate`], holding the MRZ band)
//! keeps both the sharpest block and every seam corner off its sides; the baseline cue's
//! neighbours are read from small print and can be degrees off, so it is weighed by the MRZ's
//! tilt as the seams are; and flat blocks lend the compression cue no evidence
//! ([`crate::tampered_jpeg`]). Still raising on clean pages: corners of a synthetic page's
//! portrait, a printed frame and a header band that lie grid-straight under perspective
//! while the MRZ reads the card tilted — as straight and as hard as a paste's rim.
//!
//! One more cue comes from outside the image ([`CrossChecks::viz_mismatch`]): a printed field of the visual zone
//! read clearly and contradicting the check-digit-valid MRZ — what a forger who edits a printed
//! value (and not the MRZ with its check digits) leaves. It raises at any level
//! ([`VIZ_MISMATCH_SCORE`]).
//!
//! An earlier noise-σ feature (compact groups of blocks much smoother than their
//! neighbourhood) was dropped: scans' noise-free paper looks like a pasted patch and
//! grain-matched pastes are invisible to it (best tune point 4 % TPR at 2 % FPR). Measured
//! again (prototype, block |Laplacian| per luma level: quietest window against its ring and
//! the photo's noise floor; the predicted portrait's noise and edge sharpness) and dropped for
//! the same reason: clean cards' flat print is as quiet when the camera's noise is low.
//!
//! A flat-ground cue was measured and dropped too: a re-typed patch is one paper colour, so the
//! ground between its glyphs (3 × 3-smoothed luma, spread within 8 px cells, away from ink)
//! lacks the background print and light that run on around it. At the patch itself the
//! contrast is strong (generated tune-split pastes: ground 0.15–1.1 grey levels against
//! 1.2–20 around), but finding the patch as a word fails on half of them (thin strips from
//! tilted boxes, one- or two-glyph fields, words merged with the print beside them), and
//! clean cards have words on plain label boxes with print around (ratio up to 2.6–6.4 on 180
//! clean tune-source pages). Where clean pages stay below the threshold the prototype added 4
//! of 33 missed re-typed fields among 120 generated pastes (in the baseline cue's words: 1 of
//! 41 misses, and 1 on tune), for ~6 ms.
//!
//! Measured on tune + tune2 and two fresh tune-split sets (seeds 7707/7708, 120 pastes,
//! 120 clean) and dropped:
//! - text size: a visual-zone word whose glyph height matches no other word's (the baseline
//!   cue's words). Clean pages reach a log-ratio of 0.6–0.77 to their nearest word, pastes
//!   mostly < 0.4: re-typed fields are often one to four glyphs (no word), and genuine cards
//!   carry one-off sizes (titles, numbers).
//! - flat strips: a run of cells without background texture ended by textured cells on both
//!   sides (a paper-coloured patch over guilloche). On one fresh set clean pages scored as
//!   high as pastes (23.8 against 28 at best, and half the pastes' best strip lay elsewhere):
//!   plain label boxes and white gaps between fields.
//! - optics sharpness down the columns instead of along the rows (hinted fonts snap
//!   horizontal strokes to pixel rows): 78 % against 75 % of the tune sets' pastes at the
//!   same clean rate, but on the hold-out sets one paste more (56 → 57 of 75) for more
//!   alarms: clean 3 → 7 of 150, other attacks 4 → 11 of 375.
//! - the sharpest block and the strongest seam corner at one place (within 60 px) as a
//!   combined cue: 8 of 52 missed pastes, but clean pages' corners meet their sharpest block
//!   as close (9 of 220) at the same strengths.
//!
//! Texture termination, measured and dropped (prototype on the tune-split sets above, 117
//! re-typed fields, 220 clean): a paste's rim cuts the background print on one straight pixel
//! line, so along a cut the print (3 × 3-smoothed gradient) stops on one side and the ground
//! lies flat at the same level on the other. Longest such run per page: clean pages 8–650 px
//! (white gaps and plain boxes beside guilloche, text lines' tops), pastes 15–330, and the
//! page's longest run lay on the patch on 5 of 44; also requiring the flat side to sit
//! mid-way in the print's range: clean up to 119, pastes mostly < 50.
//!
//! Flat ground under the sharpest blocks, measured and not merged (branch
//! `attic/tamper10-ground`): each of the 6 sharpest blocks' ratio times a gain from how much
//! rougher the ground (off the glyphs) is in the strips above and below it than in the block.
//! Balanced TPR: tune 88 → 92 %, fresh sets 9901 72 → 78 % and 9902 78 → 80 %, but hold-out,
//! seeds 3003 and 5005 unchanged, best seed-3003 TPR at ≤ 5 % clean 84 → 80 %, clean pages'
//! scores closer to the threshold (one tune-split set's clean 5 → 7 %); +1.5 ms.
//!
//! Printed rules and glyph strokes kept out of the tilt-weighed seam corners as lines (the pure
//! corners' opposite-step test, [`crate::tampered_seams::MAX_OPPOSITE`], on both cuts), measured
//! and dropped (helper tamper11): it removed a printed frame's corner lying grid-straight under
//! perspective (fresh hold-out set 9902) and a header's glyph (seed 3003), but on the tune-split
//! sets lost 4 pastes (a pasted face's rim over dark hair reads as a line; re-typed glyphs) for
//! no clean page there; on the long runs only, 1 paste lost for none.
//!
//! Around the pure corners (tune-split sets as above), measured and dropped: the card's outline
//! check with any located outline, also one with a side on the photo's border (in scans the
//! portrait box passed for the card's side: 3 pastes lost); the opposite step read per offset
//! instead of as the level coming back (a stroke's far edge split over two columns let a
//! specimen's digit pass); long pure runs counted [`LONG_SEAM_GAIN`]× like the seams (a clean
//! card's own corner 19.2 → 34.6, over the threshold).

use ekyc_types::CardAlarm;

use crate::detection::Detection;
use crate::outline::Outline;
use crate::tampered_baseline::most_deviant_word;
use crate::tampered_jpeg::{missing_trace, JpegTrace, MissingTrace};
use crate::tampered_seams::{near_outline, strongest_corners_avoiding, Avoid, Corners};
use crate::tampered_sharp::sharpest_block_avoiding;
use crate::view::View;

/// Tilt (degrees) from which the card's print can no longer run grid-straight over a cut run
/// (48 px at 1.5° drift 1.3 px).
pub const FULL_TILT_DEG: f32 = 1.5;

/// Seam-corner contrast worth one unit of the sharpness ratio: the seams' balanced point
/// before the merge (36) over the sharpness ratio's (2.0) on the tune split.
pub const SEAM_PER_RATIO: f32 = 18.0;

/// Pure-corner contrast ([`crate::tampered_seams::MIN_PURITY`]) worth one unit of the sharpness
/// ratio, at any tilt, short or long runs alike (no [`LONG_SEAM_GAIN`]: a pure long run is
/// no rarer on clean pages). Over the 220 clean and 250 other-attack pages of four tune-split
/// sets (tune, tune2, seeds 7707/7708) the strongest pure corner on a clean page reached 7.4
/// (short) and 19.2 (long: a low-resolution card's own corner), while pasted photos on
/// axis-aligned cards reach 21–150; 15 puts the balanced threshold (2.1) at 31.5.
pub const PURE_SEAM_PER_RATIO: f32 = 15.0;

/// Pure-corner contrast from which the corner is checked against the card's outline seen in
/// the photo (below every level's threshold: 1.95 × [`PURE_SEAM_PER_RATIO`] = 29).
pub const PURE_CHECK_FLOOR: f32 = 20.0;

/// Long-run seam contrast worth one unit of the short-run contrast (runs of
/// [`crate::tampered_seams::LONG_RUN`]): on tilted clean pages of tune + tune2 the highest
/// long-run corner was 17.0 against 32.4 over the short runs, while a pasted photo's rim keeps
/// its contrast over both; 1.8 keeps the long runs' clean maximum (30.6) below the short ones'.
pub const LONG_SEAM_GAIN: f32 = 1.8;

/// Missing-trace deficit (standard errors) worth one unit of the sharpness ratio: the
/// balanced threshold (2.1) sits at 21.4, where it sat before the thresholds moved (21.3):
/// above every clean page of the regenerated tune + tune2 sets (`/tmp/t2`; highest 20.9, a
/// camera save at quality 92 with 7 traced frequencies). Recaptures and photocopies without
/// a first-save trace reach 16–18, so a scale of 8 (16.8) raised tampered on 14 of them.
pub const JPEG_PER_RATIO: f32 = 10.2;

/// Distance (full-resolution pixels) within which the sharpest block and the strongest
/// missing-trace window count as one place ([`corroborated`]).
pub const CO_LOCATED_PX: f32 = 96.0;

/// Missing-trace deficit that doubles the sharpness ratio where both cues meet.
pub const JPEG_CORROBORATION: f32 = 40.0;

/// Score given to a visual-zone field contradicting the MRZ: above every level's threshold.
pub const VIZ_MISMATCH_SCORE: f32 = 10.0;

/// Outcomes of checks made outside the image detectors, and what the file says beside its
/// pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CrossChecks {
    /// The visual zone read against the MRZ: `Some(true)` when a printed field clearly
    /// contradicts a check-digit-valid MRZ, `Some(false)` when read and consistent, `None` when
    /// not read.
    pub viz_mismatch: Option<bool>,
    /// The photo's JPEG quantisation table, parsed from the file's bytes
    /// ([`JpegTrace::from_jpeg`]); `None` for other formats or when the image given to the
    /// alarm stage is not the file's decoded grid (cropped, rotated, resized).
    pub jpeg: Option<JpegTrace>,
}

/// The compression-history cue's outcome and its time (ms), `None` without a table.
pub type JpegOutcome = Option<(MissingTrace, f32)>;

/// Runs the compression-history cue ([`crate::tampered_jpeg`]) on the decoded photo.
pub fn jpeg_outcome(full: &image::RgbImage, trace: Option<&JpegTrace>) -> JpegOutcome {
    let t0 = std::time::Instant::now();
    let m = missing_trace(full, trace?);
    Some((m, t0.elapsed().as_secs_f32() * 1000.0))
}

/// Tampered's detection with the compression-history cue counted: its window deficit over
/// [`JPEG_PER_RATIO`] competes with the image cues (evidence `jpeg_*`; `jpeg_missing` -1
/// without a table).
pub fn with_jpeg_trace(d: Detection, outcome: JpegOutcome) -> Detection {
    let Some((m, ms)) = outcome else {
        return d.with("jpeg_missing", -1.0);
    };
    let together = corroborated(&d, &m);
    Detection {
        score: d.score.max(m.score / JPEG_PER_RATIO).max(together),
        ..d
    }
    .with("sharp_with_jpeg", together)
    .with("jpeg_missing", m.score)
    .with("jpeg_freqs", m.freqs as f32)
    .with("jpeg_x", m.x as f32)
    .with("jpeg_y", m.y as f32)
    .with("jpeg_ms", ms)
}

/// The optics cue's ratio raised by a missing-trace window at the same place
/// ([`CO_LOCATED_PX`]): two independent weak cues on one field — a block sharper than the
/// optics allow whose blocks also lack the first save's trace — by `1 + deficit /`
/// [`JPEG_CORROBORATION`]. 0 when they lie apart.
fn corroborated(d: &Detection, m: &MissingTrace) -> f32 {
    let ev = |name| d.evidence(name).unwrap_or(0.0);
    let (ratio, x, y) = (ev("sharp_ratio"), ev("sharp_x"), ev("sharp_y"));
    let half = crate::tampered_sharp::BLOCK as f32 / 2.0;
    // The window's top-left corner against the block's centre: windows span 16–64 px.
    let apart = (x + half - m.x as f32).hypot(y + half - m.y as f32);
    if ratio <= 0.0 || m.score <= 0.0 || apart > CO_LOCATED_PX {
        return 0.0;
    }
    ratio * (1.0 + m.score / JPEG_CORROBORATION)
}

/// Tampered's detection with the cross-checks counted (evidence `viz_mismatch`: 1 mismatch,
/// 0 consistent, -1 not read).
pub fn with_cross_checks(d: Detection, cross: &CrossChecks) -> Detection {
    let score = match cross.viz_mismatch {
        Some(true) => d.score.max(VIZ_MISMATCH_SCORE),
        _ => d.score,
    };
    let evidence = cross.viz_mismatch.map_or(-1.0, |m| f32::from(u8::from(m)));
    Detection { score, ..d }.with("viz_mismatch", evidence)
}

pub fn detect(v: &View) -> Detection {
    let t0 = std::time::Instant::now();
    let located = v.outline();
    let outline = located.filter(|o| holds_the_mrz(v, o));
    let outline_ms = t0.elapsed().as_secs_f32() * 1000.0;
    let t0 = std::time::Instant::now();
    let sharp = sharpest_block_avoiding(v, outline.map(|o| o.quad).as_ref());
    let sharp_ms = t0.elapsed().as_secs_f32() * 1000.0;
    let tilt = card_tilt_deg(v);
    let weight = tilt.map_or(0.0, |t| (t / FULL_TILT_DEG).min(1.0));
    let t2 = std::time::Instant::now();
    let card = outline.map(|o| o.quad);
    let mut avoid = Avoid {
        card: card.as_ref(),
        pure: None,
    };
    let mut corners = if tilt.is_some() {
        strongest_corners_avoiding(v, avoid)
    } else {
        Default::default()
    };
    let square = square_cards_own_corner(v, located.as_ref(), &corners);
    if let Some(outline) = square.as_ref() {
        avoid.pure = Some(outline);
        corners = strongest_corners_avoiding(v, avoid);
    }
    let seams_ms = t2.elapsed().as_secs_f32() * 1000.0;
    let corner = corners.short;
    let long = corners.long.score * LONG_SEAM_GAIN;
    let seam = corner.score.max(long) * weight / SEAM_PER_RATIO;
    let t1 = std::time::Instant::now();
    let baseline = most_deviant_word(v);
    let baseline_ms = t1.elapsed().as_secs_f32() * 1000.0;
    // The neighbours' tilt is read from small print and may be off by degrees (blurred text,
    // a slanted signature line): a word along the pixel rows counts only as far as the MRZ's
    // long lines say the card is tilted.
    let baseline_z = baseline.z * weight;
    // A pure corner counts whatever the tilt: the card's print, resampled or softened, and its
    // strokes (lines) do not pass for one.
    let pure = corners.pure_short.score.max(corners.pure_long.score);
    let seam = seam.max(pure / PURE_SEAM_PER_RATIO);
    Detection::new(CardAlarm::Tampered, seam.max(sharp.ratio).max(baseline_z))
        .with("card_tilt_deg", tilt.unwrap_or(-1.0))
        .with("seam_corner", corner.score)
        .with("corner_x", corner.x as f32)
        .with("corner_y", corner.y as f32)
        .with("seam_long", corners.long.score)
        .with("long_x", corners.long.x as f32)
        .with("long_y", corners.long.y as f32)
        .with("seam_pure", corners.pure_short.score)
        .with("pure_x", corners.pure_short.x as f32)
        .with("pure_y", corners.pure_short.y as f32)
        .with("seam_pure_long", corners.pure_long.score)
        .with("pure_long_x", corners.pure_long.x as f32)
        .with("pure_long_y", corners.pure_long.y as f32)
        .with("seams_ms", seams_ms)
        .with("sharp_ratio", sharp.ratio)
        .with("sharp_block", sharp.block)
        .with("sharp_mrz", sharp.mrz)
        .with("sharp_card", sharp.card)
        .with("sharp_x", sharp.x as f32)
        .with("sharp_y", sharp.y as f32)
        .with("sharp_ms", sharp_ms)
        .with("outline_found", f32::from(u8::from(outline.is_some())))
        .with("outline_ms", outline_ms)
        .with("baseline_z", baseline_z)
        .with("baseline_word_z", baseline.z)
        .with("baseline_deg", baseline.word_deg)
        .with("baseline_neighbours_deg", baseline.neighbours_deg)
        .with("baseline_x", baseline.x as f32)
        .with("baseline_y", baseline.y as f32)
        .with("baseline_words", baseline.words as f32)
        .with("baseline_ms", baseline_ms)
}

/// The card's outline (working pixels) when the strongest pure corner may be the card's own
/// corner against the table: a pure corner from [`PURE_CHECK_FLOOR`] on, lying on the sides of
/// an outline seen whole in the photo (four real sides: where one is the photo's border the
/// page fills the frame, and the "sides" found inside it are as likely its print, such as the
/// portrait box a pasted photo sits in).
fn square_cards_own_corner(
    v: &View,
    outline: Option<&Outline>,
    corners: &Corners,
) -> Option<crate::view::Quad> {
    let pure = [corners.pure_short, corners.pure_long]
        .into_iter()
        .filter(|c| c.score >= PURE_CHECK_FLOOR)
        .collect::<Vec<_>>();
    if pure.is_empty() {
        return None;
    }
    let o = outline.filter(|o| !o.frame_side)?;
    let f = v.factor as f32;
    pure.iter()
        .any(|c| near_outline(&o.quad, (c.x as f32 / f, c.y as f32 / f)))
        .then_some(o.quad)
}

/// Whether the outline seen in the photo ([`crate::outline::locate`]) holds the MRZ band: one
/// that leaves it out is a box of print (a portrait's frame, the MRZ box), not the card.
fn holds_the_mrz(v: &View, o: &Outline) -> bool {
    v.mrz_band
        .is_none_or(|band| band.iter().all(|p| crate::outline::contains_loosely(o, *p)))
}

/// The MRZ band's angle to the nearer image axis, degrees (`None` without an MRZ hint).
fn card_tilt_deg(v: &View) -> Option<f32> {
    let [tl, tr, _, _] = v.mrz_band?;
    let a = (tr.1 - tl.1).atan2(tr.0 - tl.0).to_degrees().abs() % 90.0;
    let a = a.min(90.0 - a);
    a.is_finite().then_some(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image_only(score: f32) -> Detection {
        Detection::new(CardAlarm::Tampered, score)
    }

    #[test]
    fn a_viz_mismatch_raises_at_every_level() {
        let cross = CrossChecks {
            viz_mismatch: Some(true),
            ..Default::default()
        };
        let d = with_cross_checks(image_only(0.4), &cross);
        assert_eq!(d.score, VIZ_MISMATCH_SCORE);
        assert_eq!(d.evidence("viz_mismatch"), Some(1.0));
        for level in crate::Level::ALL {
            let t = crate::AlarmConfig::with_level(level).threshold(CardAlarm::Tampered);
            assert!(t.is_some_and(|t| t < VIZ_MISMATCH_SCORE), "{level:?}");
        }
    }

    #[test]
    fn check_with_raises_tampered_on_a_viz_mismatch_only() {
        let page = image::RgbImage::from_pixel(200, 140, image::Rgb([205, 200, 190]));
        let hints = crate::CardHints::default();
        let config = crate::AlarmConfig::default();
        let read = |viz_mismatch| {
            let cross = CrossChecks {
                viz_mismatch,
                ..Default::default()
            };
            crate::check_with(&page, &hints, &cross, &config).raised
        };
        assert!(read(Some(true)).contains(&CardAlarm::Tampered));
        assert!(!read(Some(false)).contains(&CardAlarm::Tampered));
        assert!(!read(None).contains(&CardAlarm::Tampered));
    }

    #[test]
    fn a_sharp_block_and_a_missing_trace_at_one_place_back_each_other() {
        let sharp = |x: f32, y: f32| {
            image_only(1.8)
                .with("sharp_ratio", 1.8)
                .with("sharp_x", x)
                .with("sharp_y", y)
        };
        let trace = |x, y| {
            Some((
                MissingTrace {
                    score: 15.0,
                    freqs: 20,
                    x,
                    y,
                },
                1.0,
            ))
        };
        let t = crate::AlarmConfig::with_level(crate::Level::Balanced)
            .threshold(CardAlarm::Tampered)
            .unwrap();
        // Each alone stays below the balanced threshold (15 / JPEG_PER_RATIO ≈ 1.5).
        let together = with_jpeg_trace(sharp(400.0, 300.0), trace(408, 320));
        assert!(together.score >= t, "{together:?}");
        assert_eq!(together.evidence("sharp_with_jpeg"), Some(together.score));
        let apart = with_jpeg_trace(sharp(400.0, 300.0), trace(700, 320));
        assert!(apart.score < t, "{apart:?}");
        assert_eq!(apart.evidence("sharp_with_jpeg"), Some(0.0));
    }

    #[test]
    fn a_consistent_or_unread_viz_leaves_the_image_score() {
        for (viz, ev) in [(Some(false), 0.0), (None, -1.0)] {
            let cross = CrossChecks {
                viz_mismatch: viz,
                ..Default::default()
            };
            let d = with_cross_checks(image_only(1.3), &cross);
            assert_eq!(d.score, 1.3);
            assert_eq!(d.evidence("viz_mismatch"), Some(ev));
        }
    }
}
