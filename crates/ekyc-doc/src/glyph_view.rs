//! What the glyph judgements (`glyph_height`, `glyph_stem`) share: the line crop in grey
//! levels with its characters' centres, and the text brought in line with the alternatives.

use image::RgbImage;

use crate::ctc::RecognizedLine;

/// A line crop in grey levels with its characters' centres (px) and median pitch, and the
/// paper's level (90th percentile).
pub(crate) struct LineView {
    pub grey: Vec<f32>,
    pub w: usize,
    pub h: usize,
    pub xs: Vec<f32>,
    pub pitch: f32,
    pub paper: f32,
}

impl LineView {
    /// `None` for a crop or line too small to measure glyphs on.
    pub(crate) fn new(crop: &RgbImage, line: &RecognizedLine) -> Option<LineView> {
        let (w, h) = (crop.width() as usize, crop.height() as usize);
        if line.positions.len() < 2 || w < 8 || h < 8 {
            return None;
        }
        let grey: Vec<f32> = crop
            .pixels()
            .map(|p| 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32)
            .collect();
        let xs: Vec<f32> = line.positions.iter().map(|p| p * w as f32).collect();
        let mut steps: Vec<f32> = xs.windows(2).map(|p| p[1] - p[0]).collect();
        steps.sort_by(f32::total_cmp);
        let pitch = steps[steps.len() / 2];
        let paper = percentile(&grey, 0.9);
        (pitch >= 3.0).then_some(LineView {
            grey,
            w,
            h,
            xs,
            pitch,
            paper,
        })
    }
}

fn percentile(values: &[f32], q: f32) -> f32 {
    let mut v = values.to_vec();
    let k = ((v.len() - 1) as f32 * q) as usize;
    v.select_nth_unstable_by(k, f32::total_cmp);
    v[k]
}

/// The line's text as its alternatives' first choices, after a judgement reordered them.
pub(crate) fn refresh_text(line: &mut RecognizedLine) {
    if line.text.chars().count() == line.alternatives.len() {
        line.text = line
            .alternatives
            .iter()
            .zip(line.text.chars())
            .map(|(alts, c)| alts.first().map_or(c, |a| a.0))
            .collect();
    }
}
