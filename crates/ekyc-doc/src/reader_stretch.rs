//! A band whose line boxes stop short of the layout's length: the detector often leaves a long
//! run of faded fillers and the check digits after it out of a line's box (`P<OXOSMITH<<NOOR<<<`
//! and nothing after). The characters read so far give the pitch; the boxes are stretched from
//! where the reading starts to the whole layout's length and read once more.

use crate::band::Band;
use crate::ctc::RecognizedLine;
use crate::geometry::{Point, RotatedRect};

/// A box is stretched only when the layout needs this many pitches more than it has.
const MIN_GROWTH_PITCHES: f32 = 1.5;
/// Pitches added after the last cell: the glyph's own half and some margin.
const END_MARGIN_PITCHES: f32 = 1.0;
/// Fewer steps within runs of letters and digits than this give no trustworthy pitch.
const MIN_STEPS: usize = 8;

/// Cells of the line length the band's first line promises: three lines are a TD1 (30),
/// passports and visas (`P`, `V`) have 44, other cards 36 (TD2).
fn layout_cells(first_line: &str, lines: usize) -> Option<usize> {
    // The document code, then the issuing state's letters: every layout's first line holds a
    // filler early on (after the code, in the state, between names or after the number).
    let start: Vec<char> = first_line.chars().take(16).collect();
    let state_letters = start
        .iter()
        .skip(1)
        .take(4)
        .all(|c| *c == '<' || c.is_ascii_uppercase());
    if start.len() < 10 || !state_letters || !start.contains(&'<') {
        return None;
    }
    match (lines, start[0]) {
        (3, 'I' | 'A' | 'C') => Some(30),
        (2, 'P' | 'V') => Some(44),
        (2, 'I' | 'A' | 'C') => Some(36),
        _ => None,
    }
}

/// Pitch from runs of letters and digits (fillers merge and drift in CTC): a run of `m`
/// characters spans `m - 1` pitches; single steps are quantised to the net's frames.
fn pitch(lines: &[RecognizedLine]) -> Option<f32> {
    let (mut span, mut steps) = (0.0, 0usize);
    for line in lines {
        let chars: Vec<char> = line.text.chars().collect();
        let n = chars.len().min(line.positions.len());
        let mut start = 0;
        for k in 1..=n {
            if k == n || chars[k] == '<' || chars[k - 1] == '<' {
                if k - 1 > start + 2 {
                    span += line.positions[k - 1] - line.positions[start];
                    steps += k - 1 - start;
                }
                start = k;
            }
        }
    }
    (steps >= MIN_STEPS && span > 0.0).then(|| span / steps as f32)
}

/// `band` with every line box that stops short of the layout stretched along its reading
/// direction (`lines` in band order, positions in px from each box's reading start), or `None`
/// when no box needs it or the reading does not look like the start of an MRZ.
pub(super) fn stretched_band(
    band: &Band,
    lines: &[RecognizedLine],
    upside_down: bool,
) -> Option<Band> {
    if lines.len() != band.lines.len() || lines.is_empty() {
        return None;
    }
    let first = if upside_down {
        lines.last()?
    } else {
        lines.first()?
    };
    let cells = layout_cells(&first.text, lines.len())? as f32;
    let pitch = pitch(lines)?;
    let mut grown = false;
    let stretched = band
        .lines
        .iter()
        .zip(lines)
        .map(|(rect, line)| {
            let start = line.positions.first().copied().unwrap_or(0.5 * pitch);
            let want = start + (cells - 0.5 + END_MARGIN_PITCHES) * pitch;
            if want < rect.width + MIN_GROWTH_PITCHES * pitch {
                return *rect;
            }
            grown = true;
            // The reading starts at the box's left end, or its right end when read turned.
            let u = rect.axis_u();
            let shift = (want - rect.width) / 2.0 * if upside_down { -1.0 } else { 1.0 };
            RotatedRect {
                center: Point::new(rect.center.x + u.x * shift, rect.center.y + u.y * shift),
                width: want,
                ..*rect
            }
        })
        .collect();
    grown.then_some(Band { lines: stretched })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, pitch: f32) -> RecognizedLine {
        RecognizedLine {
            text: text.into(),
            alternatives: text.chars().map(|c| vec![(c, 0.9)]).collect(),
            confidence: 0.9,
            positions: (0..text.len()).map(|k| (k as f32 + 0.5) * pitch).collect(),
        }
    }

    fn rect(width: f32) -> RotatedRect {
        RotatedRect {
            center: Point::new(500.0, 100.0),
            width,
            height: 20.0,
            angle: 0.0,
        }
    }

    #[test]
    fn a_passport_band_cut_short_is_stretched_along_its_reading() {
        let lines = [
            line("P<OXOSMITH<<NOOR<<<<<<<<<<<<<<", 10.0),
            line("G8ITPWTRL9OXO851220ZF3101090<<", 10.0),
        ];
        let band = Band {
            lines: vec![rect(300.0), rect(300.0)],
        };
        let out = stretched_band(&band, &lines, false).expect("stretched");
        let r = out.lines[0];
        // 5 + 43.5 pitches + 1 of margin: 450 px, starting where the box started (x 350).
        assert!((r.width - 450.0).abs() < 1e-3, "{}", r.width);
        assert!((r.center.x - r.width / 2.0 - 350.0).abs() < 1e-3);
        // Read turned, the reading starts at the box's right end (x 650).
        let turned: Vec<RecognizedLine> = lines.iter().rev().cloned().collect();
        let out = stretched_band(&band, &turned, true).expect("stretched");
        let r = out.lines[1];
        assert!((r.center.x + r.width / 2.0 - 650.0).abs() < 1e-3);
    }

    #[test]
    fn whole_lines_and_text_that_is_no_mrz_are_left_alone() {
        let whole = [
            line("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", 10.0),
            line("L898902C36UTO7408122F1204159ZE184226B<<<<<10", 10.0),
        ];
        let band = Band {
            lines: vec![rect(450.0), rect(450.0)],
        };
        assert!(stretched_band(&band, &whole, false).is_none());
        let text = [
            line("INVOICE2024118TOTAL", 10.0),
            line("GATE12TEL0123", 10.0),
        ];
        assert!(stretched_band(&band, &text, false).is_none());
    }
}
