//! Reading the text of the visual zone at less cost, since recognition is the cost (about
//! 8 ms per 100 px of line at the net's 48 px height on one core): every box is first read over
//! its first [`PREFIX`] heights, which holds a whole label's first language ("Date of issue /
//! Date de déliv..." stops there); only boxes that are not labels and are longer are then read
//! in full.

use ekyc_doc::{
    crop_rotated, DocError, Point, RotatedRect, TextDetector, TextLine, TextRecognizer, LINE_HEIGHT,
};
use image::RgbImage;

use crate::passport_viz_text::label_of;

/// Boxes lower than this (px) are not read.
const MIN_HEIGHT: f32 = 6.0;
/// At most this many boxes are read (the largest first).
const MAX_BOXES: usize = 32;
/// The portrait takes the left of a TD3 data page (ICAO 9303 zone V, about a quarter of the
/// width): boxes centred there are not read.
const PORTRAIT_ZONE: f32 = 0.26;
/// Readings less confident than this are dropped.
const MIN_CONFIDENCE: f32 = 0.3;
/// First reading over at most this many box heights: about 14 characters.
const PREFIX: f32 = 8.0;
/// Boxes longer than this many heights are titles or notes, not field values (a 39-letter
/// name is about 24): their first words are all that is read.
const MAX_VALUE: f32 = 26.0;

/// The nets of the visual-zone reader.
pub struct VizNets {
    pub detector: TextDetector,
    pub recognizer: TextRecognizer,
}

impl VizNets {
    /// The text lines of `region` (upright) in reading order; labels may be cut after their
    /// first words.
    pub fn read_lines(&self, region: &RgbImage) -> Result<Vec<TextLine>, DocError> {
        let mut boxes: Vec<RotatedRect> = self
            .detector
            .detect(region)?
            .into_iter()
            .map(|b| b.rect.canonical())
            .filter(|r| r.height >= MIN_HEIGHT && r.width > 0.0)
            .filter(|r| r.center.x >= PORTRAIT_ZONE * region.width() as f32)
            .collect();
        boxes.sort_by(|a, b| (b.width * b.height).total_cmp(&(a.width * a.height)));
        boxes.truncate(MAX_BOXES);
        let mut lines = Vec::with_capacity(boxes.len());
        for rect in boxes {
            lines.extend(self.read_box(region, rect)?);
        }
        ekyc_doc::reading_order(&mut lines);
        Ok(lines)
    }

    /// A box read over its prefix, then in full when it is a longer value.
    fn read_box(&self, region: &RgbImage, rect: RotatedRect) -> Result<Option<TextLine>, DocError> {
        let cut = prefix(&rect);
        let Some(first) = self.read(region, rect, cut)? else {
            return Ok(None);
        };
        let title = rect.width > MAX_VALUE * rect.height;
        if cut.width >= rect.width || title || label_of(&first.text).is_some() {
            return Ok(Some(first));
        }
        self.read(region, rect, rect)
    }

    /// The text of `crop_rect`, reported at `rect`; `None` when unreadable.
    fn read(
        &self,
        image: &RgbImage,
        rect: RotatedRect,
        crop_rect: RotatedRect,
    ) -> Result<Option<TextLine>, DocError> {
        let h = crop_rect.height;
        let padded = crop_rect.expanded(h * 0.15, h * 0.05);
        let scale = (2.0 * LINE_HEIGHT as f32 / padded.height.max(1.0)).min(1.0);
        let Some(crop) = crop_rotated(image, &padded, scale) else {
            return Ok(None);
        };
        let (text, confidence) = self.recognizer.recognize(&crop)?;
        let text = text.trim().to_string();
        Ok(
            (!text.is_empty() && confidence >= MIN_CONFIDENCE).then_some(TextLine {
                text,
                confidence,
                rect,
            }),
        )
    }
}

/// The first [`PREFIX`] heights of a label box.
fn prefix(label: &RotatedRect) -> RotatedRect {
    let width = label.width.min(PREFIX * label.height);
    let shift = (label.width - width) / 2.0;
    let u = label.axis_u();
    RotatedRect {
        center: Point::new(label.center.x - u.x * shift, label.center.y - u.y * shift),
        width,
        ..*label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_prefix_keeps_the_left_end() {
        let r = RotatedRect {
            center: Point::new(100.0, 50.0),
            width: 200.0,
            height: 10.0,
            angle: 0.0,
        };
        let p = prefix(&r);
        assert_eq!(p.width, 80.0);
        assert_eq!(p.center.x - p.width / 2.0, 0.0);
    }
}
