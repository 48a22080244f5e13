//! Reading a band's lines: crop each line, recognise it with the MRZ alphabet, place the
//! characters in cells and let the check digits choose (part of [`MrzReader`]).

use std::sync::atomic::{AtomicBool, Ordering};

use ekyc_mrz::{doubt, resolve, CandidateLine};
use image::imageops::{self, FilterType};
use image::RgbImage;

use super::{Attempt, LocatedMrz, MrzReader, MAX_LINE_CHARS, MIN_LINE_CHARS};
use crate::assemble::{align, expected_len, slips_in_one_run};
use crate::band::Band;
use crate::clutter::bands_without_foreign_text;
use crate::ctc::RecognizedLine;
use crate::ensemble::combine;
use crate::error::DocError;
use crate::geometry::{crop_rotated, Point, RotatedRect};
use crate::letters::{fix_letter_fields, letters_plausible};
use crate::line_end::closing_digit_moved;
use crate::recognize::{TextRecognizer, LINE_HEIGHT};
use crate::slots::assemble;
use stretch::stretched_band;

#[path = "reader_stretch.rs"]
mod stretch;

/// Band readings without foreign text tried at most (each line as read or cut at a gap).
const MAX_CLUTTER_READINGS: usize = 15;

/// Line-box heights added at both ends of every line for a last read of a band whose check
/// digits fail.
const WIDER_LINE_ENDS: f32 = 0.4;

/// A line is MRZ-like when at least this share of its characters are, to the net reading it
/// over its whole dictionary, `A-Z0-9<` (running text is mostly small letters).
const MRZ_LIKE_SHARE: f32 = 0.5;

/// A TD1 line has 30 characters; a line read with about as many may be one.
const TD1_PAIR_CHARS: std::ops::RangeInclusive<usize> = 26..=34;

/// Where a band's lines are cut from and how they are read.
pub(super) struct LineCrops<'a> {
    pub image: &'a RgbImage,
    /// The band is read turned by 180°.
    pub upside_down: bool,
    /// Read the lines side by side (see `MrzReader::with_line_pool`).
    pub at_once: bool,
    /// Set when a line read is MRZ-like (see [`MRZ_LIKE_SHARE`]).
    pub mrz_like: &'a AtomicBool,
}

/// What reading a band's lines gave.
#[derive(Default)]
pub(super) struct LinesRead {
    pub attempt: Option<Attempt>,
    /// Two lines read with about a TD1 line's length each: maybe a TD1 whose third line the
    /// band missed (no two-line layout has 30-character lines).
    pub td1_pair: bool,
    /// The lines as read, in the band's order (empty when one was no MRZ line).
    pub lines: Vec<RecognizedLine>,
}

/// The two three-line bands a two-line band may be part of: one more line a line pitch below,
/// or above, with the neighbouring line's size and angle.
pub(crate) fn with_third_line(band: &Band) -> Vec<Band> {
    let [a, b] = band.lines.as_slice() else {
        return Vec::new();
    };
    let (dx, dy) = (b.center.x - a.center.x, b.center.y - a.center.y);
    let moved = |r: &RotatedRect, k: f32| RotatedRect {
        center: Point::new(r.center.x + k * dx, r.center.y + k * dy),
        ..*r
    };
    vec![
        Band {
            lines: vec![*a, *b, moved(b, 1.0)],
        },
        Band {
            lines: vec![moved(a, -1.0), *a, *b],
        },
    ]
}

impl MrzReader {
    /// One read per line first (fast); only when that reading is not accepted, read every line
    /// from a second crop too and combine the two (slower, more robust on small or tilted MRZs).
    /// `at_once`: the lines are read side by side on the line pool, when there is one.
    pub(super) fn read_lines_twice_if_needed(
        &self,
        crops: &LineCrops,
        band: &Band,
    ) -> Result<LinesRead, DocError> {
        let mut read = self.read_lines(crops, band, None)?;
        // Boxes cut short of the layout's length: stretched and read again; the stretched
        // band stands in for the band when its reading is accepted.
        let stretched = match &read.attempt {
            Some(a) if a.accepted() => None,
            _ => stretched_band(band, &read.lines, crops.upside_down),
        };
        let mut band = band;
        if let Some(stretched) = &stretched {
            let again = self.read_lines(crops, stretched, None)?;
            if super::debug_enabled() {
                let lines = again.attempt.as_ref().map(|a| &a.reading.lines);
                eprintln!("  line boxes stretched to the layout's length: {lines:?}");
            }
            // Only an accepted reading: the stretch is a guess, and a plausible reading kept
            // from it ends the search before a wider look could read the band right.
            let better = match (&again.attempt, &read.attempt) {
                (Some(s), Some(a)) => s.accepted() && s.better_than(a),
                (Some(s), None) => s.accepted(),
                (None, _) => false,
            };
            if better {
                read = again;
                band = stretched;
            }
        }
        // No reading at all (a line of the wrong length, or the band read upside down): a
        // second crop of the same lines will not make it an MRZ.
        let Some(first) = read.attempt else {
            return Ok(read);
        };
        if first.accepted() || self.opts.second_pad_y.is_none() {
            return Ok(LinesRead {
                attempt: Some(first),
                ..read
            });
        }
        let second = self
            .read_lines(crops, band, self.opts.second_pad_y)?
            .attempt;
        // A look-alike rival the single-crop read saw is about the print: the combined read
        // of the same lines, softer between the two, does not clear it.
        let first_doubted = first.swap_doubted.then(|| first.reading.lines.clone());
        let mut attempt = match second {
            Some(b) if !first.better_than(&b) => b,
            _ => first,
        };
        attempt.swap_doubted |= first_doubted.is_some_and(|l| l == attempt.reading.lines);
        // A plausible MRZ whose check digits fail may have lost a line's last check digit to a
        // box that stops short of it: read once more with the line ends widened, and keep that
        // reading only when its check digits hold. (Wide margins by default read more clutter
        // beside the lines; and a reading that was only doubted is not read again until some
        // look happens to pass.)
        if !attempt.reading.check_digits_valid && letters_plausible(&attempt.reading) {
            let wider = Band {
                lines: band
                    .lines
                    .iter()
                    .map(|r| r.expanded(r.height * WIDER_LINE_ENDS, 0.0))
                    .collect(),
            };
            if let Some(w) = self.read_lines(crops, &wider, None)?.attempt {
                if w.accepted() {
                    attempt = w;
                }
            }
        }
        Ok(LinesRead {
            attempt: Some(attempt),
            td1_pair: read.td1_pair,
            lines: read.lines,
        })
    }

    /// One line read (from two crops when `second_pad_y` is set), `None` when it cannot be an
    /// MRZ line.
    fn read_mrz_line(
        &self,
        recognizer: &TextRecognizer,
        crops: &LineCrops,
        rect: &RotatedRect,
        second_pad_y: Option<f32>,
    ) -> Result<Option<RecognizedLine>, DocError> {
        let Some(mut line) = self.read_line(recognizer, crops, rect, self.opts.pad_y)? else {
            return Ok(None);
        };
        let chars = line.text.chars().count();
        if super::debug_enabled() {
            eprintln!(
                "  line ({:.0},{:.0} {:.0}x{:.0} {:.1}°) upside_down {} read {}",
                rect.center.x,
                rect.center.y,
                rect.width,
                rect.height,
                rect.angle.to_degrees(),
                crops.upside_down,
                line.text
            );
        }
        if !(MIN_LINE_CHARS..=MAX_LINE_CHARS).contains(&chars) {
            return Ok(None);
        }
        if let Some(pad_y) = second_pad_y {
            if let Some(other) = self.read_line(recognizer, crops, rect, pad_y)? {
                line = combine(line, other);
            }
        }
        Ok(Some(line))
    }

    /// Every line of `band` read, or `None` when one cannot be an MRZ line: side by side on
    /// the line pool when `crops.at_once`, else one after the other, stopping at the first
    /// line that is not an MRZ line (or read upside down), sparing the others' recognition.
    fn band_lines(
        &self,
        crops: &LineCrops,
        band: &Band,
        second_pad_y: Option<f32>,
    ) -> Result<Option<Vec<RecognizedLine>>, DocError> {
        let pool = self.line_pool.as_ref().filter(|_| crops.at_once);
        let Some((pool, [first, rest @ ..])) = pool.zip(Some(band.lines.as_slice())) else {
            let mut lines = Vec::with_capacity(band.lines.len());
            for rect in &band.lines {
                match self.read_mrz_line(&self.recognizer, crops, rect, second_pad_y)? {
                    Some(line) => lines.push(line),
                    None => return Ok(None),
                }
            }
            return Ok(Some(lines));
        };
        let read = |rect: &RotatedRect| self.read_mrz_line(pool, crops, rect, second_pad_y);
        std::thread::scope(|scope| {
            let others: Vec<_> = rest.iter().map(|r| scope.spawn(move || read(r))).collect();
            let mut lines = vec![read(first)];
            for handle in others {
                let line = handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                lines.push(line);
            }
            lines.into_iter().collect::<Result<Option<Vec<_>>, _>>()
        })
    }

    fn read_lines(
        &self,
        crops: &LineCrops,
        band: &Band,
        second_pad_y: Option<f32>,
    ) -> Result<LinesRead, DocError> {
        let Some(mut lines) = self.band_lines(crops, band, second_pad_y)? else {
            return Ok(LinesRead::default());
        };
        let as_read = lines.clone();
        let upside_down = crops.upside_down;
        let td1_pair = lines.len() == 2
            && lines
                .iter()
                .all(|l| TD1_PAIR_CHARS.contains(&l.text.chars().count()));
        if upside_down {
            lines.reverse();
        }
        let mut attempt = self.attempt_from(&lines);
        // Text beside the band joined to its lines (a sticker, a receipt): read again without
        // it. The recognition is reused; only the placing and the check digits run again.
        // Such a reading stands in for one read as is only when its check digits hold: a
        // plausible reading ends the orientation search, and a cut may be a wrong guess.
        if !attempt.as_ref().is_some_and(Attempt::accepted) {
            for band in bands_without_foreign_text(&lines, MAX_CLUTTER_READINGS) {
                let Some(other) = self.attempt_from(&band) else {
                    continue;
                };
                let replaces = match &attempt {
                    None => true,
                    Some(a) => other.better_than(a) && (other.accepted() || a.from_cut_lines),
                };
                if replaces {
                    attempt = Some(Attempt {
                        from_cut_lines: true,
                        ..other
                    });
                }
            }
        }
        Ok(LinesRead {
            attempt,
            td1_pair,
            lines: as_read,
        })
    }

    /// The band's reading from its recognised `lines`: characters placed in cells (or counted),
    /// check digits choosing among the alternatives.
    fn attempt_from(&self, lines: &[RecognizedLine]) -> Option<Attempt> {
        let assembled = assemble(lines);
        if super::debug_enabled() {
            let texts: Vec<String> = assembled
                .iter()
                .flatten()
                .map(|p| {
                    p.cells
                        .iter()
                        .map(|a| a.first().map_or('?', |x| x.0))
                        .collect()
                })
                .collect();
            eprintln!("  assembled {texts:?}");
        }
        let mut name_padded = false;
        let mut run_slipped = false;
        let (mut candidates, unread): (Vec<CandidateLine>, Vec<Vec<usize>>) = match assembled {
            // A line read at its full length keeps its own order: cells from positions can
            // split a name where its letters stand unevenly apart.
            Some(mut placed) => {
                if let Some(want) = expected_len(lines) {
                    for (p, line) in placed.iter_mut().zip(lines) {
                        if p.cells.len() == want && line.text.chars().count() == want {
                            p.cells = align(line, want);
                            p.unread.clear();
                        }
                    }
                }
                placed.into_iter().map(|p| (p.cells, p.unread)).unzip()
            }
            // Positions explain nothing (too few letters, uneven spacing): count characters,
            // but only lines read at their full length — guessing which filler run lost or
            // gained characters can make a wrong reading pass its check digits — or off by a
            // little in their one long filler run (no guess; see `slips_in_one_run`).
            // The name line alone may be short of trailing fillers: padding them is no guess
            // for the check digits, but a letter it lost would go unseen, so such a reading is
            // not reported valid.
            None => {
                let want = expected_len(lines)?;
                let name_line = if lines.len() == 3 { 2 } else { 0 };
                for (i, l) in lines.iter().enumerate() {
                    let n = l.text.chars().count();
                    let short_name = i == name_line && n < want && l.text.ends_with("<<<");
                    let slipped = i != name_line && slips_in_one_run(&l.text, want);
                    if n != want && !short_name && !slipped {
                        return None;
                    }
                    run_slipped |= slipped;
                    name_padded |= short_name;
                }
                let aligned = lines.iter().map(|l| align(l, want)).collect();
                (aligned, vec![Vec::new(); lines.len()])
            }
        };
        let confidence = lines.iter().map(|l| l.confidence).sum::<f32>() / lines.len() as f32;
        let mut resolved = resolve(&candidates);
        // Kept only when its check digits hold: which cells the digits fill is then settled.
        if !resolved.as_ref().is_some_and(|r| r.check_digits_valid) {
            if let Some(moved) = closing_digit_moved(&candidates) {
                if let Some(r) = resolve(&moved).filter(|r| r.check_digits_valid) {
                    resolved = Some(r);
                    candidates = moved;
                }
            }
        }
        // A line counted with a slipped filler run stands only when its check digits hold: a
        // reading that ends the search is otherwise made of a guess (see `slips_in_one_run`).
        if run_slipped && !resolved.as_ref().is_some_and(|r| r.check_digits_valid) {
            return None;
        }
        resolved.map(|reading| {
            let mut reading = fix_letter_fields(reading, &candidates);
            let mut slack = 0.0;
            let mut swap_doubted = false;
            // A cell the recogniser skipped between two letters held a letter as likely as a
            // filler ("O<AFOR" for OKAFOR), and no check digit covers names: not valid.
            if name_padded || unread_between_letters(&reading.lines, &unread) {
                reading.check_digits_valid = false;
            }
            if reading.check_digits_valid {
                let d = doubt(&reading, &candidates);
                slack = d.slack(&self.opts.doubt);
                swap_doubted = d.swap_support >= self.opts.doubt.max_swap_support;
                reading.check_digits_valid &= !d.exceeds(&self.opts.doubt);
            }
            Attempt {
                reading,
                confidence,
                slack,
                swap_doubted,
                corners: [Point::new(0.0, 0.0); 4],
                from_cut_lines: false,
            }
        })
    }

    /// Crop one line with `pad_y` margins (upright, or turned by 180°) and read it.
    fn read_line(
        &self,
        recognizer: &TextRecognizer,
        crops: &LineCrops,
        rect: &RotatedRect,
        pad_y: f32,
    ) -> Result<Option<RecognizedLine>, DocError> {
        let (image, upside_down) = (crops.image, crops.upside_down);
        let h = rect.height;
        let padded = rect.expanded(h * self.opts.pad_x, h * pad_y);
        // Crop near the net's resolution: at most twice its input height.
        let scale = (2.0 * LINE_HEIGHT as f32 / padded.height.max(1.0)).min(1.0);
        let Some(mut crop) = crop_rotated(image, &padded, scale) else {
            return Ok(None);
        };
        if self.opts.stretch != 1.0 {
            let w = (crop.width() as f32 * self.opts.stretch)
                .round()
                .clamp(1.0, 8192.0);
            crop = imageops::resize(&crop, w as u32, crop.height(), FilterType::Triangle);
        }
        if upside_down {
            crop = imageops::rotate180(&crop);
        }
        super::regions::debug_dump("line", &crop);
        let (mut line, share) = recognizer.recognize_mrz_with_share(&crop)?;
        if self.opts.glyph_heights {
            let heights = crate::glyph_height::measure(&crop, &line);
            let stems = crate::glyph_stem::stems(&crop, &line);
            let raw = line.text.clone();
            crate::glyph_height::weigh(&mut line, &heights);
            crate::glyph_stem::weigh_stems(&mut line, &heights, &stems);
            crate::glyph_stem::dump(&crop, (&raw, &line), &heights, &stems);
        }
        if share >= MRZ_LIKE_SHARE {
            crops.mrz_like.store(true, Ordering::Relaxed);
        }
        // Positions from shares of the crop to pixels from the line box's reading start: the
        // band's lines share their extent, so these are comparable across its lines.
        let margin = h * self.opts.pad_x;
        for x in &mut line.positions {
            *x = *x * padded.width - margin;
        }
        Ok(Some(line))
    }
}

/// Some cell in `unread` (per line) lies between two letters of the reading's line.
fn unread_between_letters(lines: &[String], unread: &[Vec<usize>]) -> bool {
    lines.iter().zip(unread).any(|(line, cells)| {
        let chars: Vec<char> = line.chars().collect();
        let letter = |k: usize| chars.get(k).is_some_and(|c| c.is_ascii_uppercase());
        cells
            .iter()
            .any(|&k| k > 0 && letter(k - 1) && letter(k + 1))
    })
}

/// Ranking and accepting attempts (the search's side of an [`Attempt`]).
impl Attempt {
    pub(super) fn located(self) -> LocatedMrz {
        LocatedMrz {
            reading: self.reading,
            corners: self.corners,
        }
    }

    /// Good enough to stop looking.
    pub(super) fn accepted(&self) -> bool {
        self.reading.check_digits_valid && letters_plausible(&self.reading)
    }

    fn rank(&self) -> (bool, bool, usize, f32, f32) {
        let ok = self.reading.checks.iter().filter(|c| c.ok).count();
        let letters = letters_plausible(&self.reading);
        (
            letters,
            self.reading.check_digits_valid,
            ok,
            self.slack,
            self.confidence,
        )
    }

    /// Plausible first, then valid, more check digits holding, less doubt (among readings
    /// whose check digits all hold: a look that read a name letter by a hair loses to one that
    /// read it clearly), higher mean confidence.
    pub(super) fn better_than(&self, other: &Attempt) -> bool {
        let (a, b) = (self.rank(), other.rank());
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then(a.3.total_cmp(&b.3))
            .then(a.4.total_cmp(&b.4))
            == std::cmp::Ordering::Greater
    }
}

#[cfg(test)]
mod tests {
    use super::unread_between_letters;

    #[test]
    fn a_skipped_cell_inside_a_name_is_doubt_but_not_at_its_end() {
        let lines = vec![
            "P<ZARO<AFOR<<CHEN<<<<".to_string(),
            "L898902C36<<<<".to_string(),
        ];
        // Cell 6 (between O and A) was not read: a letter may stand there.
        assert!(unread_between_letters(&lines, &[vec![6], vec![]]));
        // Unread fillers after the name or between digits prove nothing.
        assert!(!unread_between_letters(&lines, &[vec![18, 19], vec![11]]));
        // A filler next to a read filler (cell 12 of "<<") is padding between name parts.
        assert!(!unread_between_letters(&lines, &[vec![12], vec![]]));
        assert!(!unread_between_letters(&lines, &[vec![0], vec![]]));
    }
}
