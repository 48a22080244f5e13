//! Which bands the reader has read already, and its debug switch.

use crate::geometry::RotatedRect;

/// `EKYC_MRZ_DEBUG` set: the reader prints each look and reading on stderr.
pub(crate) fn debug_enabled() -> bool {
    std::env::var_os("EKYC_MRZ_DEBUG").is_some()
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
