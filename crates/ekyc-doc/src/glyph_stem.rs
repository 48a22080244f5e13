//! Filler or `K` by the stem. OCR-B's `K` is the filler's chevron `<` with a vertical stem on
//! its left: the recogniser, reading a name's trailing fillers, now and then calls the first
//! one `K` (`MARIAK<<`), and no check digit covers names. The height cannot settle it (the
//! pointed `K` measures as short as the chevron on blurred photos); the stem can: some column
//! on the glyph's left holds one dark run nearly the capitals' height, where every column of
//! the chevron crosses its two slanted arms in short runs.

use image::RgbImage;

use crate::ctc::RecognizedLine;
use crate::glyph_view::{refresh_text, LineView};

/// Columns searched for the stem around a character's centre, in pitches: the stem stands on
/// the glyph's left, and a position drifting by a fraction of a pitch must not lose it.
const LEFT: f32 = 0.5;
const RIGHT: f32 = 0.15;

/// Longest dark run down one column of the window left of each character's centre, in px, at
/// half the way from the paper to the window's darkest ink (`None` where nothing was measured).
pub(crate) fn stems(crop: &RgbImage, line: &RecognizedLine) -> Vec<Option<f32>> {
    let Some(view) = LineView::new(crop, line) else {
        return vec![None; line.positions.len()];
    };
    let (grey, w, h, pitch, paper) = (&view.grey, view.w, view.h, view.pitch, view.paper);
    smoothed(&view.xs, pitch)
        .into_iter()
        .map(|x| {
            let x0 = (x - LEFT * pitch).floor().max(0.0) as usize;
            let x1 = ((x + RIGHT * pitch).ceil() as usize).min(w - 1);
            (x1 > x0).then(|| longest_run(grey, (w, h), x0..=x1, paper))?
        })
        .collect()
}

/// Characters each side whose positions vote for a character's centre.
const NEIGHBOURS: usize = 3;

/// Each character's centre as the median of its neighbours' positions moved by their distance
/// in pitches: the recogniser's positions fall on its frames, about 0.6 of a pitch apart, so
/// one alone may stand a third of a pitch off (and the window catch its neighbour's stem).
fn smoothed(xs: &[f32], pitch: f32) -> Vec<f32> {
    (0..xs.len())
        .map(|k| {
            let lo = k.saturating_sub(NEIGHBOURS);
            let hi = (k + NEIGHBOURS).min(xs.len() - 1);
            let mut votes: Vec<f32> = (lo..=hi)
                .map(|j| xs[j] + (k as f32 - j as f32) * pitch)
                .collect();
            votes.sort_by(f32::total_cmp);
            votes[votes.len() / 2]
        })
        .collect()
}

/// The longest run of dark rows in any one of `cols`.
fn longest_run(
    grey: &[f32],
    (w, h): (usize, usize),
    cols: std::ops::RangeInclusive<usize>,
    paper: f32,
) -> Option<f32> {
    let ink = cols
        .clone()
        .flat_map(|x| (0..h).map(move |y| grey[y * w + x]))
        .fold(f32::INFINITY, f32::min);
    if paper - ink < 40.0 {
        return None;
    }
    let half = (paper + ink) / 2.0;
    let mut best = 0usize;
    for x in cols {
        let mut run = 0usize;
        for y in 0..h {
            run = if grey[y * w + x] < half { run + 1 } else { 0 };
            best = best.max(run);
        }
    }
    Some(best as f32)
}

/// Height of `K` in font units (see `glyph_height`).
const K_UNITS: f32 = 145.0;
/// Stems (share of the `K`'s height) from which a glyph may be a `K` as the recogniser says,
/// and up to which it is surely none. On seed 829's full-length lines, cells offering both `K`
/// and `<` (469 printed `K`, 18188 printed fillers): 99 % of the `K` from 0.6 up, 95 % from
/// 0.8; 99.3 % of the fillers below 0.6, 97 % below 0.5 (a neighbour's stem caught by a
/// position a third of a pitch off reaches higher, and then leaves `K` as read).
const STEM_OK: f32 = 0.6;
const STEM_NONE: f32 = 0.45;
/// Most the stem shifts the odds from `K` to the filler.
const MAX_ODDS: f32 = 20.0;

/// Where the recogniser offered both `K` and `<` among its first three choices and the glyph
/// has no stem, `K` loses odds against the filler (only that way: a stem may be a neighbour's,
/// a missing one is no `K`'s).
pub(crate) fn weigh_stems(
    line: &mut RecognizedLine,
    heights: &[Option<f32>],
    stems: &[Option<f32>],
) {
    let Some(scale) = crate::glyph_height::line_scale(line, heights) else {
        return;
    };
    let k_height = K_UNITS * scale;
    let read: Vec<char> = line.alternatives.iter().map(|a| top_char(a)).collect();
    for (k, (alts, stem)) in line.alternatives.iter_mut().zip(stems).enumerate() {
        let Some(stem) = *stem else { continue };
        if !filler_may_stand(&read, k) {
            continue;
        }
        let top = alts.len().min(3);
        let offers = |c: char| alts[..top].iter().any(|a| a.0 == c);
        if !offers('K') || !offers('<') {
            continue;
        }
        let share = stem / k_height;
        if share >= STEM_OK {
            continue;
        }
        let t = ((STEM_OK - share) / (STEM_OK - STEM_NONE)).min(1.0);
        let factor = MAX_ODDS.powf(-t);
        let total: f32 = alts.iter().map(|a| a.1).sum();
        alts.iter_mut()
            .filter(|a| a.0 == 'K')
            .for_each(|a| a.1 *= factor);
        let now: f32 = alts.iter().map(|a| a.1).sum();
        alts.iter_mut().for_each(|a| a.1 *= total / now.max(1e-9));
        alts.sort_by(|a, b| b.1.total_cmp(&a.1));
    }
    refresh_text(line);
}

fn top_char(alts: &[(char, f32)]) -> char {
    alts.first().map_or(' ', |a| a.0)
}

/// Where a filler read `K` can stand: not a line's first cell (every MRZ line opens with a
/// letter or digit: a document code, number or birth date), nor a cell opening a word right
/// after a filler (`<<KOVAC`, a number's `<K1`) — there small print's `K` whose stem measures
/// short would become a filler with nothing to say otherwise. Trailing fillers read `K`
/// (`MARIAK<<`, `<<K<<`) and a single separator read `K` (`JOHNKMARY`) are still judged.
fn filler_may_stand(read: &[char], k: usize) -> bool {
    if k == 0 {
        return false;
    }
    let opens_word = read[k - 1] == '<' && read.get(k + 1).is_some_and(|&c| c != '<');
    !opens_word
}

/// `EKYC_GLYPH_DUMP=FILE`: append the line's characters as read (`raw`) and after the glyph
/// judgements, the alternatives, glyph heights, stems and positions as one JSON line, for studying the glyph judgements offline
/// against labelled sets.
pub(crate) fn dump(
    crop: &RgbImage,
    (raw, line): (&str, &RecognizedLine),
    heights: &[Option<f32>],
    stems: &[Option<f32>],
) {
    use std::io::Write;
    let Some(path) = std::env::var_os("EKYC_GLYPH_DUMP") else {
        return;
    };
    // The crop beside the file, named by a hash of the reading, for measuring glyphs offline.
    let png = format!("{:016x}", {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        line.text.hash(&mut h);
        line.positions.iter().for_each(|x| x.to_bits().hash(&mut h));
        h.finish()
    });
    let _ = crop.save(format!("{}.{png}.png", path.to_string_lossy()));
    let alternatives: Vec<Vec<(String, f32)>> = line
        .alternatives
        .iter()
        .map(|alts| alts.iter().map(|(c, p)| (c.to_string(), *p)).collect())
        .collect();
    let row = serde_json::json!({
        "raw": raw, "text": line.text, "alts": alternatives, "h": heights, "stem": stems, "x": line.positions, "png": png,
    });
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
    {
        // One write per line, so lines of parallel readings stay whole.
        let _ = file.write_all(format!("{row}\n").as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// Glyphs 12 px wide on a 16 px pitch, 20 px tall (`K` units at scale 20/145): `I` a bar,
    /// `<` two slanted arms meeting at the left, `K` the arms with a stem on their left.
    fn line_image(text: &str) -> (RgbImage, RecognizedLine) {
        let (pitch, top, height) = (16u32, 10u32, 20u32);
        let mut img = RgbImage::from_pixel(pitch * text.len() as u32, 40, Rgb([220, 220, 220]));
        for (k, c) in text.chars().enumerate() {
            let x0 = k as u32 * pitch + 2;
            let mut ink = |x: u32, y: u32| img.put_pixel(x, y, Rgb([30, 30, 30]));
            if matches!(c, 'K' | 'I') {
                for y in top..top + height {
                    ink(x0, y);
                    ink(x0 + 1, y);
                }
            }
            if matches!(c, 'K' | '<') {
                for dy in 0..height / 2 {
                    let x = x0 + 2 + dy;
                    ink(x, top + height / 2 + dy);
                    ink(x, top + height / 2 - 1 - dy);
                }
            }
        }
        let w = img.width() as f32;
        let line = RecognizedLine {
            text: text.to_string(),
            alternatives: text.chars().map(|c| vec![(c, 0.9)]).collect(),
            confidence: 0.9,
            // Each glyph's centre (its box spans x0..x0 + 12).
            positions: (0..text.len())
                .map(|k| (k as f32 * pitch as f32 + 8.0) / w)
                .collect(),
        };
        (img, line)
    }

    #[test]
    fn a_stem_is_found_on_k_and_not_on_the_filler() {
        let (img, line) = line_image("IIKK<<II");
        let s = stems(&img, &line);
        assert!(s[2].unwrap() >= 19.0 && s[3].unwrap() >= 19.0, "{s:?}");
        // The chevron's arms cross each column in short runs.
        assert!(s[4].unwrap() <= 4.0 && s[5].unwrap() <= 4.0, "{s:?}");
    }

    #[test]
    fn a_k_without_a_stem_gives_way_to_the_offered_filler() {
        let (img, mut line) = line_image("IIIIIKK<<");
        // Both K cells were read K over the filler; only the first is printed so.
        line.alternatives[5] = vec![('K', 0.5), ('<', 0.4), ('C', 0.1)];
        line.alternatives[6] = vec![('K', 0.5), ('<', 0.4), ('C', 0.1)];
        line.alternatives[7] = vec![('K', 0.5), ('<', 0.4)];
        let heights: Vec<Option<f32>> = line
            .text
            .chars()
            .map(|c| Some(if c == '<' { 17.0 } else { 20.0 }))
            .collect();
        let s = stems(&img, &line);
        weigh_stems(&mut line, &heights, &s);
        assert_eq!(
            line.alternatives[5][0].0, 'K',
            "printed K keeps its reading"
        );
        assert_eq!(
            line.alternatives[6][0].0, 'K',
            "printed K keeps its reading"
        );
        assert_eq!(line.alternatives[7][0].0, '<', "a filler read K gives way");
        assert_eq!(line.text, "IIIIIKK<<");
        let total: f32 = line.alternatives[7].iter().map(|a| a.1).sum();
        assert!((total - 0.9).abs() < 1e-4, "mass kept: {total}");
    }

    #[test]
    fn a_k_opening_a_line_or_a_word_keeps_its_reading_without_a_stem() {
        // Every K drawn without its stem (a short stem on small print): printed `K` where a
        // filler cannot stand keeps its reading; the one read between words is judged.
        let (img, mut line) = line_image("<III<<IIII<III<");
        line.text = "KIII<KIIIIKIII<".to_string();
        for k in [0, 5, 10] {
            line.alternatives[k] = vec![('K', 0.5), ('<', 0.4), ('C', 0.1)];
        }
        let heights: Vec<Option<f32>> = line
            .text
            .chars()
            .map(|c| Some(if c == '<' { 17.0 } else { 20.0 }))
            .collect();
        let s = stems(&img, &line);
        weigh_stems(&mut line, &heights, &s);
        assert_eq!(line.alternatives[0][0].0, 'K', "a line's first cell");
        assert_eq!(
            line.alternatives[5][0].0, 'K',
            "a word opening after fillers"
        );
        assert_eq!(
            line.alternatives[10][0].0, '<',
            "a separator read K between words"
        );
    }
}
