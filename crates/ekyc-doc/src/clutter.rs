//! Text beside an MRZ line read as part of it. A sticker, a receipt or the table's print lying
//! next to the card's MRZ can be joined to its line by the detector, and the line is then read
//! with a few foreign characters before or after it. Such text stands apart: a step between two
//! neighbouring characters of a few pitches, where the MRZ's monospaced characters follow each
//! other at one.

use crate::ctc::RecognizedLine;

/// Foreign text is looked for among this many characters at either end of a line.
const END_CHARS: usize = 10;
/// A step this many times the line's median step between neighbours sets text apart.
const GAP_STEPS: f32 = 1.8;
/// A line kept shorter than this cannot be an MRZ line (the shortest has 30; a few fillers
/// may be merged).
const MIN_KEPT_CHARS: usize = 26;

/// The readings of `line` without the text set apart from it at its start, at its end, or at
/// both (only the cuts that exist; none when the line stands alone).
pub fn without_foreign_ends(line: &RecognizedLine) -> Vec<RecognizedLine> {
    let n = line.positions.len();
    if n != line.alternatives.len() || n != line.text.chars().count() || n < MIN_KEPT_CHARS {
        return Vec::new();
    }
    let steps: Vec<f32> = line.positions.windows(2).map(|w| w[1] - w[0]).collect();
    let mut sorted = steps.clone();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2];
    if median.is_nan() || median <= 0.0 {
        return Vec::new();
    }
    let chars: Vec<char> = line.text.chars().collect();
    // The widest step near each end, when it is wide enough: cut after step k. A filler next
    // to the gap on the side cut off is part of a run the net merged (its frames spread
    // wide), not foreign text.
    let widest = |range: std::ops::Range<usize>, dropped: &dyn Fn(usize) -> usize| {
        range
            .filter(|&k| steps[k] > GAP_STEPS * median && chars[dropped(k)] != '<')
            .max_by(|&a, &b| steps[a].total_cmp(&steps[b]))
    };
    let start_cut = widest(0..END_CHARS.min(steps.len()), &|k| k).map(|k| k + 1);
    let end_cut = widest(steps.len().saturating_sub(END_CHARS)..steps.len(), &|k| {
        k + 1
    })
    .map(|k| k + 1);
    let mut cuts = Vec::new();
    if let Some(s) = start_cut {
        cuts.push((s, n));
    }
    if let Some(e) = end_cut {
        cuts.push((0, e));
        if let Some(s) = start_cut.filter(|&s| s < e) {
            cuts.push((s, e));
        }
    }
    cuts.into_iter()
        .filter(|&(s, e)| e - s >= MIN_KEPT_CHARS && e - s < n)
        .map(|(s, e)| keep_chars(line, s, e))
        .collect()
}

/// Characters `start..end` of `line`.
fn keep_chars(line: &RecognizedLine, start: usize, end: usize) -> RecognizedLine {
    let alternatives = line.alternatives[start..end].to_vec();
    let confidence = alternatives
        .iter()
        .map(|a| a.first().map_or(0.0, |x| x.1))
        .sum::<f32>()
        / (end - start) as f32;
    RecognizedLine {
        text: line.text.chars().skip(start).take(end - start).collect(),
        alternatives,
        confidence,
        positions: line.positions[start..end].to_vec(),
    }
}

/// Every band reading that drops foreign text from some of `lines` (each line as read, or
/// without one of its foreign ends), at most `limit` of them; not the reading as is.
pub fn bands_without_foreign_text(
    lines: &[RecognizedLine],
    limit: usize,
) -> Vec<Vec<RecognizedLine>> {
    let options: Vec<Vec<RecognizedLine>> = lines
        .iter()
        .map(|l| {
            let mut o = vec![l.clone()];
            o.extend(without_foreign_ends(l));
            o
        })
        .collect();
    if options.iter().all(|o| o.len() == 1) {
        return Vec::new();
    }
    let mut out: Vec<Vec<RecognizedLine>> = vec![Vec::new()];
    for o in &options {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                o.iter().map(move |l| {
                    let mut p = prefix.clone();
                    p.push(l.clone());
                    p
                })
            })
            .collect();
    }
    // The first combination is every line as read.
    out.into_iter().skip(1).take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line read from `text` with one pitch per character, `gap` extra pitches after the
    /// character at index `after`.
    fn read(text: &str, gaps: &[(usize, f32)]) -> RecognizedLine {
        let mut x = 5.0;
        let mut positions = Vec::new();
        for k in 0..text.chars().count() {
            positions.push(x);
            x += 12.0 + gaps.iter().find(|g| g.0 == k).map_or(0.0, |g| g.1 * 12.0);
        }
        RecognizedLine {
            text: text.into(),
            alternatives: text.chars().map(|c| vec![(c, 0.9)]).collect(),
            confidence: 0.9,
            positions,
        }
    }

    #[test]
    fn a_word_set_apart_before_the_line_is_dropped() {
        let line = read("NOTESWEJDUH<<<3UTO0106131F3810187466<<<<0", &[(4, 2.0)]);
        let cut = without_foreign_ends(&line);
        assert_eq!(cut.len(), 1);
        assert_eq!(cut[0].text, "WEJDUH<<<3UTO0106131F3810187466<<<<0");
        assert_eq!(cut[0].positions.len(), 36);
        assert_eq!(cut[0].positions[0], line.positions[5]);
    }

    #[test]
    fn a_word_set_apart_after_the_line_is_dropped_and_both_ends_together() {
        let line = read(
            "XY<0X0FC33804753<<<<<<<<<<<<<<<TOTAL",
            &[(1, 1.5), (30, 3.0)],
        );
        let texts: Vec<String> = without_foreign_ends(&line)
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            texts,
            [
                "<0X0FC33804753<<<<<<<<<<<<<<<TOTAL",
                "XY<0X0FC33804753<<<<<<<<<<<<<<<",
                "<0X0FC33804753<<<<<<<<<<<<<<<"
            ]
        );
    }

    #[test]
    fn a_merged_filler_run_at_an_end_is_not_foreign_text() {
        // Trailing fillers read one in three: wide steps, fillers on the side that would go.
        let line = read(
            "P<OXONGUYEN<<AIKO<MIRA<<<<<<<<<",
            &[(22, 2.0), (24, 2.0), (27, 2.0)],
        );
        assert!(without_foreign_ends(&line).is_empty());
    }

    #[test]
    fn an_evenly_spaced_line_has_nothing_to_drop() {
        let line = read("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", &[]);
        assert!(without_foreign_ends(&line).is_empty());
        assert!(bands_without_foreign_text(&[line.clone(), line], 8).is_empty());
    }

    #[test]
    fn band_readings_combine_each_lines_cuts_but_not_the_reading_as_is() {
        let clean = read("L898902C36UTO7408122F1204159ZE184226B<<<<<10", &[]);
        let noisy = read(
            "MP109P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            &[(4, 2.5)],
        );
        let bands = bands_without_foreign_text(&[noisy, clean], 8);
        assert_eq!(bands.len(), 1);
        assert_eq!(
            bands[0][0].text,
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
        );
        assert_eq!(bands[0][1].text.len(), 44);
    }
}
