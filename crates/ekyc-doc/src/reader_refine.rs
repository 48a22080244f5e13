//! The closer look at one band (part of [`MrzReader`]): the band cut out of the page, deskewed
//! and scaled so its lines come out about [`REFINE_LINE_HEIGHT`] px tall, and its lines
//! detected again there.

use image::RgbImage;

use super::{regions, MrzReader};
use crate::band::{band_region, find_bands_with, Band, Pieces};
use crate::error::DocError;
use crate::geometry::{cover_span, crop_rotated, RotatedRect};

/// Length (in line-box heights) a band cut short is widened to on each side: a 44-character
/// line spans 30-36 of its boxes' heights, depending on how much margin the detector gives.
const WIDEN_TO_ASPECT: f32 = 36.0;
/// Line-box height (px) a band is scaled to for its second, closer detection.
const REFINE_LINE_HEIGHT: f32 = 40.0;
/// Widest band view handed to the detector.
const REFINE_MAX_WIDTH: f32 = 1600.0;
/// Most a band is enlarged for its view.
const REFINE_MAX_SCALE: f32 = 4.0;
/// Detector input size for the band view: its lines are then about 12 px tall there, plenty
/// for the DB net, at half the cost of the page size.
const REFINE_DETECT_SIDE: u32 = 480;
/// Largest detector input for the band view.
const REFINE_MAX_DETECT_SIDE: u32 = 1280;
/// Lines found in the view shorter than this share of [`REFINE_LINE_HEIGHT`] were scaled from
/// page boxes taller than the print (lines on a tilted page merged into one box): the view is
/// cut again at the scale they show. Lines come out 25-42 px in the usual view (27 px on the
/// bench's passport photo, where 0.7 cost an extra detection: +25 % MRZ time), 22 px on the
/// tilted page this is for.
const SMALL_VIEW_LINES: f32 = 0.6;
/// The second cut only when it enlarges the view by at least this much.
const MIN_CLOSER: f32 = 1.3;

/// The band's cut-out region and the page-size look's line height and extent in it.
struct BandCut {
    region: RotatedRect,
    line_h: f32,
    /// Widened by this much (px on the page) on each side of the band as found.
    extend: f32,
    /// Length of the band as found (px on the page).
    found_width: f32,
}

/// How far beyond the band as found its view reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// The band as found.
    Found,
    /// Each side widened by what the band falls short of
    /// [`super::ReaderOptions::refine_min_aspect`] line heights.
    Widened,
    /// Each side widened so that a whole 44-character line lies in the view wherever the band
    /// was cut ([`WIDEN_TO_ASPECT`]): a bigger, coarser view with more print beside the band,
    /// so only for a reading whose check digits still fail after [`Reach::Widened`].
    Far,
}

/// Added on each side of a band `width` px long whose line boxes are `line_h` px tall, so that
/// a 44-character line cut anywhere lies whole in the view.
fn widening(width: f32, line_h: f32) -> f32 {
    (WIDEN_TO_ASPECT * line_h - width).max(0.0)
}

impl MrzReader {
    /// Shorter than [`super::ReaderOptions::refine_min_aspect`] line heights: maybe cut short.
    pub(super) fn short_band(&self, band: &Band) -> bool {
        let line_h =
            band.lines.iter().map(|l| l.height).sum::<f32>() / band.lines.len().max(1) as f32;
        band_region(band, 1.0).is_some_and(|r| r.width < self.opts.refine_min_aspect * line_h)
    }

    /// Cut the band out, deskewed and scaled so its lines are about [`REFINE_LINE_HEIGHT`] px
    /// tall, and detect its lines again there: boxes found on the whole (downscaled) page are
    /// too coarse for small MRZs. `None` when the second look finds no band of as many lines.
    pub(super) fn refine(
        &self,
        image: &RgbImage,
        band: &Band,
        reach: Reach,
    ) -> Result<Option<(RgbImage, Band)>, DocError> {
        let Some(tight) = band_region(band, 1.0) else {
            return Ok(None);
        };
        let line_h = band.lines.iter().map(|l| l.height).sum::<f32>() / band.lines.len() as f32;
        // A band shorter than a 44-character line may be a line whose end (a faded filler run
        // and the check digits after it) the page-size look missed: look on both sides too.
        let extend = match reach {
            Reach::Found => 0.0,
            Reach::Widened => (self.opts.refine_min_aspect * line_h - tight.width).max(0.0),
            Reach::Far => widening(tight.width, line_h),
        };
        let cut = BandCut {
            region: tight.expanded(extend, 0.0),
            line_h,
            extend,
            found_width: tight.width,
        };
        let max_scale = REFINE_MAX_SCALE.min(REFINE_MAX_WIDTH / cut.region.width.max(1.0));
        let scale = (REFINE_LINE_HEIGHT / line_h.max(1.0)).min(max_scale);
        let Some((view, found)) = self.detect_in_view(image, &cut, scale, band.lines.len())? else {
            return Ok(None);
        };
        let view_h = found.lines.iter().map(|l| l.height).sum::<f32>() / found.lines.len() as f32;
        let closer = (scale * REFINE_LINE_HEIGHT / view_h.max(1.0)).min(max_scale);
        if view_h < SMALL_VIEW_LINES * REFINE_LINE_HEIGHT && closer > MIN_CLOSER * scale {
            if regions::debug_enabled() {
                eprintln!("  band view lines {view_h:.0} px: cut again at {closer:.2}×");
            }
            if let Some(again) = self.detect_in_view(image, &cut, closer, band.lines.len())? {
                return Ok(Some(again));
            }
        }
        Ok(Some((view, found)))
    }

    /// The band cut out at `scale` and its lines detected there: the first band of `lines`
    /// lines, each spanning at least the page-size look's extent.
    fn detect_in_view(
        &self,
        image: &RgbImage,
        cut: &BandCut,
        scale: f32,
        lines: usize,
    ) -> Result<Option<(RgbImage, Band)>, DocError> {
        let Some(view) = crop_rotated(image, &cut.region, scale) else {
            return Ok(None);
        };
        regions::debug_dump("view", &view);
        // The band view's lines are REFINE_LINE_HEIGHT tall; the detector misses parts of lines
        // whose glyphs come out much smaller than ~20 px at its input.
        let side = (view.width().max(view.height()) as f32 * self.opts.refine_detect_scale)
            .clamp(REFINE_DETECT_SIDE as f32, REFINE_MAX_DETECT_SIDE as f32);
        let boxes = self.detector.detect_at(&view, side as u32)?;
        // The first look's extent, in the view: a line the closer look cuts short keeps it.
        let first_look = (
            (cut.extend + cut.line_h) * scale,
            (cut.extend + cut.found_width - cut.line_h) * scale,
        );
        let found = find_bands_with(&boxes, Pieces::Apart)
            .into_iter()
            .find(|b| b.lines.len() == lines)
            .map(|b| Band {
                lines: b.lines.iter().map(|l| cover_span(l, first_look)).collect(),
            });
        Ok(found.map(|b| (view, b)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Attempt, Search};
    use super::widening;
    use crate::geometry::Point;

    fn attempt(line2: &str) -> Attempt {
        Attempt {
            reading: ekyc_mrz::parse(&["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", line2])
                .unwrap(),
            confidence: 0.9,
            slack: 0.0,
            swap_doubted: false,
            corners: [Point::new(0.0, 0.0); 4],
            from_cut_lines: false,
        }
    }

    #[test]
    fn the_far_look_is_for_failing_check_digits_not_for_doubt() {
        let mut search = Search::default();
        assert!(!search.plausible_failing(), "nothing read yet");
        // The closing check digit lost to a line end read short (`<0` for `10`).
        search.best = Some(attempt("L898902C36UTO7408122F1204159ZE184226B<<<<<<0"));
        assert!(search.plausible_failing());
        // Check digits that hold, the reading only doubted (a look-alike swap): no far look.
        let mut doubted = attempt("L898902C36UTO7408122F1204159ZE184226B<<<<<10");
        assert!(doubted.reading.check_digits_valid);
        doubted.reading.check_digits_valid = false;
        search.best = Some(doubted);
        assert!(!search.plausible_failing());
    }

    #[test]
    fn a_band_cut_short_is_widened_to_hold_a_whole_line_on_either_side() {
        // Line boxes 38 px tall, 44 characters at 30 px: the line is 1320 px (35 box heights).
        let (line_h, line) = (38.0, 1320.0);
        for found in [0.5, 0.7, 0.9] {
            let width = found * line;
            let extend = widening(width, line_h);
            // The found part may be the line's start or its end.
            assert!(width + extend >= line, "{found}: {extend}");
        }
        // A band as long as a whole line is not widened.
        assert_eq!(widening(40.0 * line_h, line_h), 0.0);
    }
}
