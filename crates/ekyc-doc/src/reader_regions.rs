//! What the reader has seen already (bands read, readings doubted), keeping an attempt, and
//! the debug switch.

use super::{Attempt, BandLook, LocatedMrz, Search};
use crate::band::band_corners;
use crate::geometry::RotatedRect;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `EKYC_MRZ_DEBUG` set: the reader prints each look and reading on stderr.
pub(crate) fn debug_enabled() -> bool {
    std::env::var_os("EKYC_MRZ_DEBUG").is_some()
}

/// `EKYC_MRZ_DEBUG=2`: also every detected box, each glyph's alternatives and the look-alike
/// odds its height gave.
pub(crate) fn debug_verbose() -> bool {
    std::env::var_os("EKYC_MRZ_DEBUG").is_some_and(|v| v == "2")
}

/// With [`debug_verbose`]: the detector's boxes of one look.
pub(crate) fn debug_boxes(boxes: &[crate::detect::TextBox]) {
    if !debug_verbose() {
        return;
    }
    for b in boxes.iter().map(|b| &b.rect) {
        let (c, deg) = (b.center, b.angle.to_degrees());
        eprintln!(
            "    box ({:.0},{:.0} {:.0}x{:.0} {deg:.1}°)",
            c.x, c.y, b.width, b.height
        );
    }
}

/// `EKYC_MRZ_DUMP=DIR`: each band view and line crop the reader looks at is saved in `DIR` as
/// `KIND###.png`, numbered in the order they were made.
pub(crate) fn debug_dump(kind: &str, image: &image::RgbImage) {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let Some(dir) = std::env::var_os("EKYC_MRZ_DUMP") else {
        return;
    };
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let path = std::path::Path::new(&dir).join(format!("{kind}{n:03}.png"));
    if let Err(e) = image.save(&path) {
        eprintln!("  cannot save {}: {e}", path.display());
    }
}

/// Two band regions covering the same text: centres closer than the band is tall, widths within
/// a quarter of each other.
fn same_place(a: &RotatedRect, b: &RotatedRect) -> bool {
    let (dx, dy) = (a.center.x - b.center.x, a.center.y - b.center.y);
    let near = (dx * dx + dy * dy).sqrt() <= a.height.min(b.height);
    let wide = a.width.max(b.width);
    near && (a.width - b.width).abs() <= 0.25 * wide
}

/// A band at `region` (steep or not where it was found) was read before: at the same place,
/// unless only steep looks at it were read and this one lies flat. A band of three lines read
/// there does not count for two of its lines: one foreign line (print next to the MRZ) stops a
/// line-by-line read at that line.
pub(crate) fn read_before(read: &[(RotatedRect, bool)], region: &RotatedRect, steep: bool) -> bool {
    read.iter().any(|(r, was_steep)| {
        same_place(r, region) && (steep || !was_steep) && r.height <= 1.3 * region.height
    })
}

/// Three lines at `region` where only two-line bands were read before (the region is then half
/// as tall again): a TD1 whose first line, its trailing fillers cut short by the detector, made
/// the band of its last two lines rank first.
pub(crate) fn third_line_added(
    read: &[(RotatedRect, bool)],
    region: &RotatedRect,
    lines: usize,
) -> bool {
    let mut before = read
        .iter()
        .filter(|(r, _)| same_place(r, region))
        .peekable();
    lines == 3 && before.peek().is_some() && before.all(|(r, _)| r.height < 0.8 * region.height)
}

/// Readings whose check digits all held but that some look doubted: that look saw a rival
/// reading the check digits cannot refute (`OO` for `00` at weights 7 and 3). The doubt is about
/// the print, not the look, so a later look reading the same lines without seeing the rival
/// proves nothing against it. (A character chosen by a hair is a doubt about one look: a
/// clearer look settles it, so that doubt is not carried.)
#[derive(Debug, Default)]
pub(crate) struct DoubtedReadings(Vec<Vec<String>>);

impl DoubtedReadings {
    /// Remember `lines` when this look `doubted` them; whether any look so far did.
    pub(crate) fn seen(&mut self, lines: &[String], doubted: bool) -> bool {
        let before = self.0.iter().any(|l| l == lines);
        if doubted && !before {
            self.0.push(lines.to_vec());
        }
        doubted || before
    }
}

/// An accepted reading (located by `look`'s band), or `None` after keeping it in
/// `search.best` if it beats the best so far.
pub(super) fn keep(
    attempt: Option<Attempt>,
    look: &BandLook,
    upside_down: bool,
    search: &mut Search<'_>,
) -> Option<LocatedMrz> {
    let mut attempt = attempt?;
    if debug_enabled() {
        eprintln!(
            "mrz attempt turn {} upside_down {upside_down} valid {} lines {:?}",
            look.quarter_turns, attempt.reading.check_digits_valid, attempt.reading.lines
        );
    }
    attempt.corners = band_corners(look.band, upside_down, look.quarter_turns, look.image);
    if let Some(view) = &search.tilted {
        attempt.corners = attempt.corners.map(|p| view.image_point(p));
    }
    let doubted = search
        .doubted
        .seen(&attempt.reading.lines, attempt.swap_doubted);
    if attempt.accepted() {
        if !doubted {
            return Some(attempt.located());
        }
        attempt.reading.check_digits_valid = false;
    }
    if search.best.as_ref().is_none_or(|b| attempt.better_than(b)) {
        search.best = Some(attempt);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::DoubtedReadings;

    #[test]
    fn a_reading_doubted_once_stays_doubted_in_later_looks() {
        let read = |s: &str| vec![s.to_string(), "L898902C36<<<<".to_string()];
        let mut doubted = DoubtedReadings::default();
        assert!(!doubted.seen(&read("I<ESZOO618"), false));
        assert!(doubted.seen(&read("I<ESZ00618"), true));
        // A later look without the rival: still doubted. Other lines are not.
        assert!(doubted.seen(&read("I<ESZ00618"), false));
        assert!(!doubted.seen(&read("I<ESZOO618"), false));
    }
}
