//! A line's glyph scale (px per font unit) along its length. A photographed page seen at a
//! slant prints one end of an MRZ line taller than the other (seed 947: clear digits 161 font
//! units at the line's start, 145 at its end, against a median of 154), so a glyph's height is
//! judged against the scale where it stands, not the line's median.

use crate::ctc::RecognizedLine;

/// A character is a clear reference when the recogniser gave it at least this probability.
const CLEAR: f32 = 0.9;
/// Clear digits needed on a line to know its digit height.
const MIN_REFERENCES: usize = 4;
/// Clear digits needed to fit a trend along the line (fewer: the median, flat).
const MIN_TREND_REFERENCES: usize = 6;
/// Most the scale may change from one end of the line to the other, as a share of its median:
/// beyond what a page's slant does, a trend is fitted to misread digits.
const MAX_TREND: f32 = 0.15;
/// Clear letters needed to know the letters' height against the digits'.
const MIN_LETTERS: usize = 3;

/// The scale of the line's clear digits at each place of the line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DigitScale {
    /// Scale at the line's start (position 0).
    at_start: f32,
    /// Change of the scale over the line's width (positions are shares of it).
    slope: f32,
    /// Robust standard deviation of the clear digits around the trend, as a share of it.
    pub scatter: f32,
}

impl DigitScale {
    /// Scale at `position` (a share of the line's width).
    pub fn at(&self, position: f32) -> f32 {
        self.at_start + self.slope * position
    }
}

/// Font units of `c`'s glyph, from the caller's table.
pub(crate) type Units = fn(char) -> Option<f32>;

/// Positions and scales (height ÷ font units) of the line's clear characters that `keep`.
fn references(
    line: &RecognizedLine,
    heights: &[Option<f32>],
    units: Units,
    keep: fn(char) -> bool,
) -> Vec<(f32, f32)> {
    line.alternatives
        .iter()
        .zip(heights)
        .zip(&line.positions)
        .filter_map(|((alts, h), &x)| {
            let (c, p) = *alts.first()?;
            (keep(c) && p >= CLEAR).then_some((x, h.as_ref()? / units(c)?))
        })
        .collect()
}

fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

/// The clear digits' scale along the line: the median slope over all pairs of them (robust to
/// a few mismeasured glyphs), bounded by [`MAX_TREND`], when there are enough of them.
pub(crate) fn digit_scale(
    line: &RecognizedLine,
    heights: &[Option<f32>],
    units: Units,
) -> Option<DigitScale> {
    let refs = references(line, heights, units, |c| c.is_ascii_digit());
    if refs.len() < MIN_REFERENCES {
        return None;
    }
    let flat = median(refs.iter().map(|r| r.1).collect());
    let mut slope = 0.0;
    if refs.len() >= MIN_TREND_REFERENCES {
        let mut slopes = Vec::with_capacity(refs.len() * refs.len() / 2);
        for (i, a) in refs.iter().enumerate() {
            for b in &refs[i + 1..] {
                if (b.0 - a.0).abs() > 1e-3 {
                    slopes.push((b.1 - a.1) / (b.0 - a.0));
                }
            }
        }
        if !slopes.is_empty() {
            let bound = MAX_TREND * flat;
            slope = median(slopes).clamp(-bound, bound);
        }
    }
    let at_start = median(refs.iter().map(|(x, s)| s - slope * x).collect());
    let scale = DigitScale {
        at_start,
        slope,
        scatter: 0.0,
    };
    let off = median(refs.iter().map(|(x, s)| (s - scale.at(*x)).abs()).collect());
    Some(DigitScale {
        scatter: 1.4826 * off / flat.max(f32::EPSILON),
        ..scale
    })
}

/// The clear letters' scale as a share of the digits' where each stands, when there are enough.
pub(crate) fn letter_ratio(
    line: &RecognizedLine,
    heights: &[Option<f32>],
    units: Units,
    digits: &DigitScale,
) -> Option<f32> {
    let refs = references(line, heights, units, |c| c.is_ascii_uppercase());
    (refs.len() >= MIN_LETTERS).then(|| {
        median(
            refs.iter()
                .map(|(x, s)| s / digits.at(*x).max(f32::EPSILON))
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(c: char) -> Option<f32> {
        match c {
            'A'..='Z' => Some(140.0),
            '0'..='9' => Some(160.0),
            _ => None,
        }
    }

    /// A line whose characters stand at `scale(position)` px per unit, all read clearly.
    fn printed(text: &str, scale: impl Fn(f32) -> f32) -> (RecognizedLine, Vec<Option<f32>>) {
        let n = text.len() as f32;
        let positions: Vec<f32> = (0..text.len()).map(|k| (k as f32 + 0.5) / n).collect();
        let heights = text
            .chars()
            .zip(&positions)
            .map(|(c, &x)| units(c).map(|u| u * scale(x)))
            .collect();
        let line = RecognizedLine {
            text: text.into(),
            alternatives: text.chars().map(|c| vec![(c, 0.99)]).collect(),
            confidence: 0.99,
            positions,
        };
        (line, heights)
    }

    #[test]
    fn a_slanted_line_keeps_its_trend() {
        // 10 % taller at the start than at the end.
        let (line, heights) = printed("AB12345678CD9012<<", |x| 0.11 - 0.01 * x);
        let d = digit_scale(&line, &heights, units).unwrap();
        for x in [0.0, 0.5, 1.0] {
            assert!((d.at(x) - (0.11 - 0.01 * x)).abs() < 1e-4, "{x}: {d:?}");
        }
        assert!(d.scatter < 1e-3);
        let r = letter_ratio(&line, &heights, units, &d).unwrap();
        assert!((r - 1.0).abs() < 1e-3, "{r}");
    }

    #[test]
    fn a_few_digits_give_a_flat_scale_and_a_steep_fit_is_bounded() {
        let (line, heights) = printed("ABC1234DEF", |x| 0.1 + 0.05 * x);
        let d = digit_scale(&line, &heights, units).unwrap();
        assert_eq!(d.at(0.0), d.at(1.0));
        // 50 % over the line is no page's slant.
        let (line, heights) = printed("12345678", |x| 0.1 + 0.05 * x);
        let d = digit_scale(&line, &heights, units).unwrap();
        let change = d.at(1.0) - d.at(0.0);
        assert!(change > 0.0 && change <= MAX_TREND * 0.13, "{d:?}");
    }

    #[test]
    fn too_few_clear_digits_or_letters_give_nothing() {
        let (line, heights) = printed("ABC123DEF", |_| 0.1);
        assert!(digit_scale(&line, &heights, units).is_none());
        let (line, heights) = printed("A12345678", |_| 0.1);
        let d = digit_scale(&line, &heights, units).unwrap();
        assert!(letter_ratio(&line, &heights, units, &d).is_none());
    }
}
