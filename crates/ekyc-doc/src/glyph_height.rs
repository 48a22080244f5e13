//! Letter or digit by glyph height. In OCR-B the digits stand taller than the capitals (`0` 158
//! font units against `O` 147, `8` 158 against `B` 140), so on one printed line a look-alike
//! pair the recogniser cannot tell apart (`O`/`0` at places where the check digit weights make
//! both values pass) is told apart by how tall the glyph is against the line's clear digits.

use image::RgbImage;

use crate::ctc::RecognizedLine;
use crate::glyph_scale::{digit_scale, letter_ratio, DigitScale};
use crate::glyph_view::{refresh_text, LineView};

/// Heights of the OCR-B capitals and digits in font units (OCR-B as shipped by Debian
/// `fonts-ocr-b`, rendered at 200 px): facts of the font.
const LETTER_UNITS: [u16; 26] = [
    143, 140, 146, 140, 140, 142, 146, 145, 140, 146, 145, 143, 145, 145, 147, 142, 145, 142, 146,
    142, 146, 145, 145, 145, 145, 140,
];
const DIGIT_UNITS: [u16; 10] = [158, 156, 155, 155, 156, 155, 157, 154, 158, 157];

/// Fairly sure characters a line needs (beyond one) for the filler judgement's scale.
const MIN_REFERENCES: usize = 4;
/// Half-width of the column window around a character's centre, in character pitches: inside
/// the glyph, away from its neighbours.
const WINDOW: f32 = 0.42;
/// The same for the glyphs of [`PAIRS`], whose tops and bottoms cross their middle: a window
/// that a shifted position cannot push into a neighbour.
const PAIR_WINDOW: f32 = 0.25;

/// Font units of `c`, `None` for the filler and anything else.
fn units(c: char) -> Option<f32> {
    match c {
        'A'..='Z' => Some(LETTER_UNITS[c as usize - 'A' as usize] as f32),
        '0'..='9' => Some(DIGIT_UNITS[c as usize - '0' as usize] as f32),
        _ => None,
    }
}

/// Measured glyph heights (px) of `line`'s characters in `crop`, the image the recogniser read
/// (`None` where no glyph could be measured).
pub(crate) fn measure(crop: &RgbImage, line: &RecognizedLine) -> Vec<Option<f32>> {
    let Some(view) = LineView::new(crop, line) else {
        return vec![None; line.positions.len()];
    };
    let (grey, w, h, pitch, paper) = (&view.grey, view.w, view.h, view.pitch, view.paper);
    view.xs
        .iter()
        .zip(line.text.chars())
        .map(|(&x, c)| {
            let in_pair = PAIRS.iter().any(|&(l, d)| c == l || c == d);
            let half = if in_pair { PAIR_WINDOW } else { WINDOW } * pitch;
            let x0 = (x - half).floor().max(0.0) as usize;
            let x1 = ((x + half).ceil() as usize).min(w - 1);
            (x1 > x0).then(|| column_extent(grey, w, h, x0..=x1, paper))?
        })
        .collect()
}

/// Height of the dark run through the middle rows of columns `cols`, at half the way from the
/// paper to the darkest ink, with sub-pixel ends.
fn column_extent(
    grey: &[f32],
    w: usize,
    h: usize,
    cols: std::ops::RangeInclusive<usize>,
    paper: f32,
) -> Option<f32> {
    let rows: Vec<f32> = (0..h)
        .map(|y| {
            cols.clone()
                .map(|x| grey[y * w + x])
                .fold(f32::INFINITY, f32::min)
        })
        .collect();
    let ink = rows.iter().copied().fold(f32::INFINITY, f32::min);
    if paper - ink < 40.0 {
        return None;
    }
    let half = (paper + ink) / 2.0;
    // The run of dark rows holding the darkest row nearest the middle.
    let mid = h / 2;
    let seed = (0..h)
        .filter(|&y| rows[y] < half)
        .min_by_key(|&y| y.abs_diff(mid))?;
    let (mut top, mut bottom) = (seed, seed);
    while top > 0 && rows[top - 1] < half {
        top -= 1;
    }
    while bottom + 1 < h && rows[bottom + 1] < half {
        bottom += 1;
    }
    if top == 0 || bottom + 1 == h {
        return None;
    }
    // Where the profile crosses `half` between the last light row and the first dark one.
    let cross = |light: f32, dark: f32| (light - half) / (light - dark).max(1e-3);
    let top_edge = (top - 1) as f32 + cross(rows[top - 1], rows[top]);
    let bottom_edge = (bottom + 1) as f32 - cross(rows[bottom + 1], rows[bottom]);
    Some(bottom_edge - top_edge)
}

/// Letter/digit look-alike pairs told apart by height (letter first). Not `G`/`6`, `I`/`1`,
/// `S`/`5`: the top of `6` and `5` curves away from the glyph's middle and the flag of `1`
/// leans left, so measured in the middle they came out short on synthetic and real lines.
const PAIRS: [(char, char); 5] = [('O', '0'), ('Q', '0'), ('D', '0'), ('B', '8'), ('Z', '2')];

/// The look-alike of `c` across letters and digits, preferring one the recogniser offered.
fn partner(c: char, offered: &[(char, f32)]) -> Option<char> {
    let mut options = PAIRS.iter().filter_map(|&(l, d)| match c {
        _ if c == l => Some(d),
        _ if c == d => Some(l),
        _ => None,
    });
    let first = options.next()?;
    Some(
        std::iter::once(first)
            .chain(options)
            .find(|p| offered.iter().any(|a| a.0 == *p))
            .unwrap_or(first),
    )
}

/// Spread of a glyph's place between its letter (0) and digit (1) heights, measured on
/// synthetic phone photos: with the line's own letters as reference, and with the digits'
/// scale standing in for the letters' (printers' OCR-B capitals differ by a few per cent).
const SPREAD_WITH_LETTERS: f32 = 0.3;
const SPREAD_WITHOUT_LETTERS: f32 = 0.45;
/// Most a height shifts the odds between a letter and its digit look-alike: the recogniser's
/// clear choice stands against a height measured wrong.
const MAX_ODDS: f32 = 20.0;

/// Shift the recogniser's odds between letter/digit look-alikes it offered for one cell by how
/// tall the glyph stands against the line's clear letters and digits.
pub(crate) fn weigh(line: &mut RecognizedLine, heights: &[Option<f32>]) {
    if crate::reader::debug_enabled() {
        debug_print(line, heights);
    }
    weigh_pairs(line, heights);
    weigh_fillers(line, heights);
    refresh_text(line);
}

/// Each character's height in font units of the line's scale, with its alternatives.
fn debug_print(line: &RecognizedLine, heights: &[Option<f32>]) {
    let scale = line_scale(line, heights);
    let mut out = format!("  glyph heights of {} (scale {scale:?})\n   ", line.text);
    for (alts, h) in line.alternatives.iter().zip(heights) {
        let units = h.zip(scale).map_or(0.0, |(h, s)| h / s);
        let (c, p) = alts.first().copied().unwrap_or(('?', 0.0));
        out += &format!(" {c}{:.0}:{units:.0}", p * 100.0);
        if crate::reader::debug_verbose() {
            for a in alts.iter().skip(1) {
                out += &format!("/{}{:.0}", a.0, a.1 * 100.0);
            }
        }
    }
    eprintln!("{out}");
}

/// Letter/digit look-alikes told apart against the line's clear digits (and letters).
fn weigh_pairs(line: &mut RecognizedLine, heights: &[Option<f32>]) {
    let digits = digit_scale(line, heights, units);
    let letters = digits.and_then(|d| letter_ratio(line, heights, units, &d));
    let positions = line.positions.clone();
    let n = positions.len();
    for (k, ((alts, h), x)) in line
        .alternatives
        .iter_mut()
        .zip(heights)
        .zip(positions)
        .enumerate()
    {
        let Some(&(c, _)) = alts.first() else {
            continue;
        };
        let Some(q) = partner(c, alts) else { continue };
        let offered = alts.iter().any(|a| a.0 == q);
        let (l, d) = if c.is_ascii_digit() { (q, c) } else { (c, q) };
        // A line's last two cells are check digits or fillers in every layout, and glyphs
        // there measure short against the crop's end: the recogniser, right about all of
        // them on seeds 947 and 523, keeps its full say (the height made s617_0418's composite
        // `0` doubtful).
        let o_zero = is_o_zero(l, d) && k + 2 < n;
        let scales = digits.map(|digits| LineScales { digits, letters });
        let odds = match scales
            .zip(*h)
            .and_then(|(s, h)| s.height_odds(h, x, (l, d)))
        {
            None => continue,
            Some(HeightVerdict::Odds(odds)) => odds,
            Some(HeightVerdict::Untrustworthy) => {
                // The recogniser's `O`/`0` is a guess from context (see
                // [`O_ZERO_RECOGNISER_WEIGHT`]) and the line's heights cannot be trusted:
                // check digits choose, and where their weights cancel the reading stays in
                // doubt (s523_0038: `OO` read `00` at 97 % each, a false valid).
                if offered && o_zero {
                    set_tempered_odds(alts, (d, l), 1.0, 0.0);
                }
                continue;
            }
        };
        if !offered {
            if !o_zero || (c == d) == (odds >= 1.0) {
                continue;
            }
            // The recogniser reads `O`/`0` by context and may not offer the other at all
            // (seed 947: 18 of 85 such `0`s were printed `O`): when the height speaks for it,
            // it is added and the height decides.
            alts.push((q, UNOFFERED_SHARE * alts[0].1));
        }
        if o_zero {
            set_tempered_odds(alts, (d, l), odds, O_ZERO_RECOGNISER_WEIGHT);
        } else {
            shift_odds(alts, (d, l), odds);
        }
    }
}

/// What a glyph's height says between a letter and its digit look-alike.
enum HeightVerdict {
    /// Odds of the digit against the letter.
    Odds(f32),
    /// The line's letters stand about as tall as its digits: its heights tell nothing.
    Untrustworthy,
}

/// A line's digit scale along it and its letters' share of it.
#[derive(Clone, Copy)]
struct LineScales {
    digits: DigitScale,
    letters: Option<f32>,
}

impl LineScales {
    /// Odds of the digit against the letter of `pair` (letter first) for a glyph `h` px tall
    /// at `x`.
    fn height_odds(&self, h: f32, x: f32, (l, d): (char, char)) -> Option<HeightVerdict> {
        let (ul, ud) = (units(l)?, units(d)?);
        let ds = self.digits.at(x);
        let hd = ds * ud;
        let (hl, spread) = match self.letters {
            Some(r) => (r * ds * ul, SPREAD_WITH_LETTERS),
            None => (ds * ul, SPREAD_WITHOUT_LETTERS),
        };
        let debug = crate::reader::debug_verbose();
        // Letters standing so tall against the digits that the pair's heights nearly meet:
        // the line's heights are not to be trusted (judging by the font's ratio instead made
        // `2NBOOR` a false valid `2NB00R` on seed 523, its `O`s measured taller than digits).
        if hd - hl < 0.03 * hd {
            if debug {
                eprintln!("    {l} or {d}: letter {hl:.2} and digit {hd:.2} too close to judge");
            }
            return Some(HeightVerdict::Untrustworthy);
        }
        // Small or blurred print measures its clear digits unevenly: the spread is at least
        // their scatter, in shares of the pair's gap.
        let spread = spread.max(self.digits.scatter * hd / (hd - hl));
        let t = (h - hl) / (hd - hl);
        // Log odds of digit against letter under two equal spreads around 1 and 0.
        let odds = ((2.0 * t - 1.0) / (2.0 * spread * spread))
            .clamp(-MAX_ODDS.ln(), MAX_ODDS.ln())
            .exp();
        if debug {
            eprintln!(
                "    {l} or {d}: height {h:.2} px, letter {hl:.2}, digit {hd:.2}, spread \
                 {spread:.2}, odds {odds:.3}"
            );
        }
        Some(HeightVerdict::Odds(odds))
    }
}

/// How much of the recogniser's own odds between `O` and `0` count beside the height. OCR-B's
/// `O` and `0` differ in height only (same width, both oval), and the recogniser reads them by
/// context (a letter between digits comes out `0` at 97 %): on the glyphs of seed 947 and the
/// real specimens its top choice was right for 88 % of them, the height alone for 98 %, the two
/// combined at full weight 94 %, with the recogniser's odds at a fifth of their log 98 %.
const O_ZERO_RECOGNISER_WEIGHT: f32 = 0.2;

/// Share of the top choice's probability given to an `O` or `0` the recogniser did not offer.
const UNOFFERED_SHARE: f32 = 0.01;

fn is_o_zero(a: char, b: char) -> bool {
    matches!((a, b), ('O', '0') | ('0', 'O'))
}

/// Share `pair.0` and `pair.1`'s probability between them by the recogniser's odds at
/// `weight` of their log times the height's `odds`. Their sum stays: a clear
/// `0` the height confirms stays clear.
fn set_tempered_odds(alts: &mut [(char, f32)], pair: (char, char), odds: f32, weight: f32) {
    let p = |c: char| alts.iter().find(|a| a.0 == c).map_or(0.0, |a| a.1);
    let (p0, p1) = (p(pair.0), p(pair.1));
    let recogniser = (p0.max(1e-4) / p1.max(1e-4)).powf(weight);
    let ratio = recogniser * odds;
    let mass = p0 + p1;
    for a in alts.iter_mut() {
        if a.0 == pair.0 {
            a.1 = mass * ratio / (1.0 + ratio);
        } else if a.0 == pair.1 {
            a.1 = mass / (1.0 + ratio);
        }
    }
    alts.sort_by(|a, b| b.1.total_cmp(&a.1));
}

/// Multiply the odds of `pair.0` against `pair.1` by `odds`, keeping the probabilities a
/// distribution, best first.
fn shift_odds(alts: &mut [(char, f32)], pair: (char, char), odds: f32) {
    for a in alts.iter_mut() {
        if a.0 == pair.0 {
            a.1 *= odds.sqrt();
        } else if a.0 == pair.1 {
            a.1 /= odds.sqrt();
        }
    }
    let total: f32 = alts.iter().map(|a| a.1).sum();
    if total > 1.0 {
        alts.iter_mut().for_each(|a| a.1 /= total);
    }
    alts.sort_by(|a, b| b.1.total_cmp(&a.1));
}

/// Height of the filler `<` in font units: the chevron is shorter than any capital or digit
/// (and sits above the baseline), 126 against 140–158.
const FILLER_UNITS: f32 = 126.0;
/// A character counts towards the filler judgement's scale from this probability: the median
/// over a line's letters and digits stands against a few misread ones.
const SCALE_MIN_PROBABILITY: f32 = 0.6;
/// Spread of a glyph's place between the filler's height (0) and its rival's (1).
const FILLER_SPREAD: f32 = 0.3;

/// Capitals whose top or bottom ends in thin points, which blur takes below half contrast:
/// on phone photos `K` and `W` measured 125–145 units, down to the filler's 120–126.
const POINTED: &str = "AKMNVWXY";

/// The line's scale in px per font unit from all its fairly sure letters and digits.
pub(crate) fn line_scale(line: &RecognizedLine, heights: &[Option<f32>]) -> Option<f32> {
    let mut scales: Vec<f32> = line
        .alternatives
        .iter()
        .zip(heights)
        .filter_map(|(alts, h)| {
            let (c, p) = *alts.first()?;
            (p >= SCALE_MIN_PROBABILITY).then_some(h.as_ref()? / units(c)?)
        })
        .collect();
    if scales.len() < MIN_REFERENCES + 1 {
        return None;
    }
    scales.sort_by(f32::total_cmp);
    Some(scales[scales.len() / 2])
}

/// Filler against letters and digits (`<` read as `S`, `K`, `C`): when the recogniser offered
/// `<` among its first three choices and the glyph stands short, the taller characters it
/// offered lose odds against the filler. Only that way: a window that caught a neighbour's
/// stroke (the recogniser's positions drift by a fraction of a pitch beside a filler) measures
/// tall, never short.
fn weigh_fillers(line: &mut RecognizedLine, heights: &[Option<f32>]) {
    let Some(scale) = line_scale(line, heights) else {
        return;
    };
    for (alts, h) in line.alternatives.iter_mut().zip(heights) {
        let Some(h) = *h else { continue };
        let top = alts.len().min(3);
        if !alts[..top].iter().any(|a| a.0 == '<') {
            continue;
        }
        let total: f32 = alts.iter().map(|a| a.1).sum();
        let mut changed = false;
        for a in alts[..top].iter_mut() {
            let Some(u) = units(a.0).filter(|_| !POINTED.contains(a.0)) else {
                continue;
            };
            let (hf, hr) = (FILLER_UNITS * scale, u * scale);
            let t = (h - hf) / (hr - hf);
            let odds = ((2.0 * t - 1.0) / (2.0 * FILLER_SPREAD * FILLER_SPREAD))
                .clamp(-MAX_ODDS.ln(), 0.0)
                .exp();
            a.1 *= odds;
            changed |= odds < 1.0;
        }
        if changed {
            let now: f32 = alts.iter().map(|a| a.1).sum();
            alts.iter_mut().for_each(|a| a.1 *= total / now.max(1e-9));
            alts.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// A line of solid glyph boxes 10 px wide on a 16 px pitch, each as tall as its character's
    /// font units × `scale`, bottoms on one baseline.
    fn line_image(text: &str, scale: f32) -> (RgbImage, RecognizedLine) {
        let (pitch, base) = (16u32, 34.0f32);
        let w = pitch * text.len() as u32;
        let mut img = RgbImage::from_pixel(w, 44, Rgb([220, 220, 220]));
        let mut positions = Vec::new();
        for (k, c) in text.chars().enumerate() {
            let top = base - units(c).unwrap_or(FILLER_UNITS) * scale;
            let x0 = k as u32 * pitch + 3;
            for y in 0..44u32 {
                // Partial cover of the top row keeps the height sub-pixel.
                let cover = if (y as f32) < base {
                    (y as f32 + 1.0 - top).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let v = (220.0 - 190.0 * cover) as u8;
                for x in x0..x0 + 10 {
                    img.put_pixel(x, y, Rgb([v, v, v]));
                }
            }
            positions.push((x0 as f32 + 5.0) / w as f32);
        }
        let line = RecognizedLine {
            text: text.to_string(),
            alternatives: text.chars().map(|c| vec![(c, 0.99)]).collect(),
            confidence: 0.99,
            positions,
        };
        (img, line)
    }

    #[test]
    fn heights_follow_the_glyphs() {
        let (img, line) = line_image("P0123NLD456", 0.15);
        let h = measure(&img, &line);
        for (c, h) in line.text.chars().zip(&h) {
            let want = units(c).unwrap() * 0.15;
            assert!((h.unwrap() - want).abs() < 0.3, "{c}: {h:?} against {want}");
        }
    }

    #[test]
    fn a_tall_glyph_read_as_a_letter_becomes_the_digit() {
        // Cell 7 is printed as `0` (tall); the recogniser hesitated towards `O`.
        let (img, mut line) = line_image("UTO7411280", 0.15);
        let (tall, _) = line_image("UTO7411200", 0.15);
        let heights = measure(&tall, &line);
        line.alternatives[8] = vec![('O', 0.6), ('0', 0.4)];
        line.text = "UTO74112O0".into();
        weigh(&mut line, &heights);
        assert_eq!(line.alternatives[8][0].0, '0');
        assert_eq!(line.text, "UTO7411200");
        // The same hesitation over a short glyph keeps the letter, now more surely.
        let heights = measure(&img, &line);
        line.alternatives[2] = vec![('O', 0.6), ('0', 0.4)];
        weigh(&mut line, &heights);
        assert_eq!(line.alternatives[2][0].0, 'O');
        assert!(line.alternatives[2][0].1 > 0.6);
    }

    #[test]
    fn unevenly_measured_digits_make_the_height_count_less() {
        // Cell 9 is a tall glyph between `O` and `0`, read as `O`. Measured evenly, its height
        // moves the odds as far as they go; with the clear digits scattering ±6 % (print a few
        // px tall), only part of the way.
        let odds_after = |jitter: f32| {
            let (img, mut line) = line_image("ABCD7411200", 0.15);
            let mut heights = measure(&img, &line);
            for (k, h) in heights.iter_mut().enumerate().take(9).skip(4) {
                let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
                *h = h.map(|h| h * (1.0 + sign * jitter));
            }
            line.alternatives[9] = vec![('O', 0.5), ('0', 0.5)];
            weigh(&mut line, &heights);
            let p = |c: char| line.alternatives[9].iter().find(|a| a.0 == c).unwrap().1;
            p('0') / p('O')
        };
        let even = odds_after(0.0);
        let uneven = odds_after(0.06);
        assert!((even - MAX_ODDS).abs() < 0.01, "{even}");
        assert!(uneven > 1.0 && uneven < 0.5 * MAX_ODDS, "{uneven}");
    }

    #[test]
    fn a_short_glyph_read_as_a_letter_becomes_the_filler() {
        // Cell 1 is printed as `<`; the recogniser read `S` and offered the filler third.
        let (img, mut line) = line_image("I<ESZOKONKWO<ADEBAYO", 0.15);
        let heights = measure(&img, &line);
        line.alternatives[1] = vec![('S', 0.41), ('5', 0.38), ('<', 0.03)];
        line.text = "ISESZOKONKWO<ADEBAYO".into();
        weigh(&mut line, &heights);
        assert_eq!(line.alternatives[1][0].0, '<');
        assert_eq!(line.text, "I<ESZOKONKWO<ADEBAYO");
        // A glyph as tall as a letter keeps the recogniser's choice either way: a filler read
        // next to a letter may have caught its stroke.
        line.alternatives[3] = vec![('S', 0.5), ('<', 0.4)];
        line.alternatives[12] = vec![('<', 0.5), ('K', 0.4)];
        let before = line.clone();
        let mut tall = heights.clone();
        tall[12] = tall[3];
        weigh(&mut line, &tall);
        assert_eq!(line.alternatives[3], before.alternatives[3]);
        assert_eq!(line.alternatives[12][0].0, '<');
    }

    #[test]
    fn no_judgement_without_clear_digits_or_an_offered_look_alike() {
        let (img, mut line) = line_image("UTBPIA", 0.15);
        line.alternatives[2] = vec![('B', 0.6), ('8', 0.4)];
        let before = line.clone();
        let heights = measure(&img, &line);
        weigh(&mut line, &heights);
        assert_eq!(line, before);
        let (img, mut line) = line_image("UTOPIA", 0.15);
        line.alternatives[2] = vec![('O', 0.6), ('0', 0.4)];
        let before = line.clone();
        let heights = measure(&img, &line);
        weigh(&mut line, &heights);
        assert_eq!(line, before);
        let (img, mut line) = line_image("UTB7411280", 0.15);
        line.alternatives[2] = vec![('B', 0.6), ('R', 0.4)];
        let before = line.clone();
        let heights = measure(&img, &line);
        weigh(&mut line, &heights);
        assert_eq!(line, before);
    }

    #[test]
    fn o_and_zero_on_a_line_whose_letters_stand_as_tall_as_its_digits_are_left_to_the_checks() {
        let (img, mut line) = line_image("UTOPIA7411280", 0.15);
        let mut heights = measure(&img, &line);
        for h in heights.iter_mut().take(6) {
            *h = h.map(|h| h * 1.1);
        }
        line.alternatives[2] = vec![('0', 0.97), ('O', 0.02)];
        weigh(&mut line, &heights);
        assert_eq!(line.alternatives[2][0].1, line.alternatives[2][1].1);
    }

    #[test]
    fn a_short_zero_becomes_the_letter_the_recogniser_did_not_offer() {
        // Cell 2 is printed `O`; the recogniser read `0` by context and offered no `O`.
        let (img, mut line) = line_image("UTO7411280", 0.15);
        let heights = measure(&img, &line);
        line.alternatives[2] = vec![('0', 0.97), ('9', 0.02)];
        line.text = "UT07411280".into();
        weigh(&mut line, &heights);
        assert_eq!(line.text, "UTO7411280");
        // A `0` standing as tall as the digits stays.
        line.alternatives[8] = vec![('0', 0.97), ('9', 0.02)];
        weigh(&mut line, &heights);
        assert_eq!(line.alternatives[8][0].0, '0');
    }
}
