//! General text lines: every box the detector finds, read with the recogniser's whole
//! dictionary (Latin, digits, CJK...). The building block of the visual-zone and ID-card
//! readers, which then pick fields out by layout.

use ekyc_infer::Engine;
use image::imageops;
use image::RgbImage;

use crate::detect::{DetectorOptions, TextDetector};
use crate::error::DocError;
use crate::geometry::{crop_rotated, normalise_half_turn, Point, RotatedRect};
use crate::reader::{DETECTOR_MODEL, RECOGNIZER_MODEL};
use crate::recognize::{TextRecognizer, LINE_HEIGHT};

/// A line of text read from an image.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    pub text: String,
    /// Mean probability of the characters read (0 for an empty line).
    pub confidence: f32,
    /// Where the line lies, in the coordinates of the image handed to the reader; its width
    /// axis runs along the text.
    pub rect: RotatedRect,
}

impl TextLine {
    /// Corners in reading order: top-left, top-right, bottom-right, bottom-left.
    pub fn quad(&self) -> [Point; 4] {
        self.rect.corners()
    }
}

/// Tuning of [`LineReader`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineOptions {
    /// Detector input size (longer side); ID-card print is small, so larger than the MRZ's.
    pub max_side: u32,
    /// Margin added left and right of each box, in box heights.
    pub pad_x: f32,
    /// Margin added above and below each box, in box heights.
    pub pad_y: f32,
    /// Boxes lower than this (px) are not read.
    pub min_height: f32,
    /// At most this many boxes are read (the largest first), bounding the time per image.
    pub max_lines: usize,
    /// Readings less confident than this are dropped (pictures read as text: portraits,
    /// patterns).
    pub min_confidence: f32,
}

impl Default for LineOptions {
    fn default() -> Self {
        LineOptions {
            max_side: 960,
            pad_x: 0.15,
            pad_y: 0.05,
            min_height: 6.0,
            max_lines: 80,
            min_confidence: 0.3,
        }
    }
}

/// Detects and reads every text line of an image.
pub struct LineReader {
    detector: TextDetector,
    recognizer: TextRecognizer,
    opts: LineOptions,
}

impl LineReader {
    pub fn new(detector: TextDetector, recognizer: TextRecognizer, opts: LineOptions) -> Self {
        LineReader {
            detector,
            recognizer,
            opts,
        }
    }

    /// The PP-OCR models of the manifest (see [`DETECTOR_MODEL`], [`RECOGNIZER_MODEL`]).
    pub fn from_engine(engine: &Engine) -> Result<LineReader, DocError> {
        let opts = LineOptions::default();
        let det_opts = DetectorOptions {
            max_side: opts.max_side,
            ..DetectorOptions::default()
        };
        let detector = TextDetector::new(engine.model(DETECTOR_MODEL)?, det_opts);
        let session = engine.session(RECOGNIZER_MODEL)?;
        let path = session.path().to_path_buf();
        let recognizer = TextRecognizer::with_onnx_dictionary(session as std::sync::Arc<_>, &path)?;
        Ok(LineReader::new(detector, recognizer, opts))
    }

    /// Every line of `image` in reading order (top to bottom, then left to right, along the
    /// dominant text direction). Text tilted up to about ±45° is read; beyond that, turn the
    /// image first (see [`turn`]).
    pub fn read_lines(&self, image: &RgbImage) -> Result<Vec<TextLine>, DocError> {
        let mut boxes = self.detector.detect(image)?;
        boxes.retain(|b| b.rect.height >= self.opts.min_height && b.rect.width > 0.0);
        // Largest boxes first when there are too many.
        boxes.sort_by(|a, b| {
            (b.rect.width * b.rect.height).total_cmp(&(a.rect.width * a.rect.height))
        });
        boxes.truncate(self.opts.max_lines);
        let mut lines = Vec::with_capacity(boxes.len());
        for b in boxes {
            let rect = b.rect.canonical();
            let Some(crop) = self.crop(image, &rect) else {
                continue;
            };
            let (text, confidence) = self.recognizer.recognize(&crop)?;
            let text = text.trim().to_string();
            if text.is_empty() || confidence < self.opts.min_confidence {
                continue;
            }
            lines.push(TextLine {
                text,
                confidence,
                rect,
            });
        }
        reading_order(&mut lines);
        Ok(lines)
    }

    fn crop(&self, image: &RgbImage, rect: &RotatedRect) -> Option<RgbImage> {
        let h = rect.height;
        let padded = rect.expanded(h * self.opts.pad_x, h * self.opts.pad_y);
        // Near the net's resolution: at most twice its input height.
        let scale = (2.0 * LINE_HEIGHT as f32 / padded.height.max(1.0)).min(1.0);
        crop_rotated(image, &padded, scale)
    }
}

/// `image` turned clockwise by `quarter_turns` × 90°.
pub fn turn(image: &RgbImage, quarter_turns: u8) -> RgbImage {
    match quarter_turns % 4 {
        1 => imageops::rotate90(image),
        2 => imageops::rotate180(image),
        3 => imageops::rotate270(image),
        _ => image.clone(),
    }
}

/// The median direction of the longer lines (radians), 0 when there are none.
pub fn dominant_direction(lines: &[TextLine]) -> f32 {
    let mut angles: Vec<f32> = lines
        .iter()
        .filter(|l| l.rect.aspect() >= 2.0)
        .map(|l| normalise_half_turn(l.rect.angle))
        .collect();
    if angles.is_empty() {
        return 0.0;
    }
    angles.sort_by(f32::total_cmp);
    angles[angles.len() / 2]
}

/// Position of a point in the frame turned by `angle`: (along the text, across it).
pub fn in_text_frame(p: Point, angle: f32) -> (f32, f32) {
    let (c, s) = (angle.cos(), angle.sin());
    (p.x * c + p.y * s, -p.x * s + p.y * c)
}

/// Sort lines top to bottom, then left to right, in the frame of the dominant direction; lines
/// whose centres are closer across the text than half the lower of the two line heights count
/// as one row (the lower height, so one tall box cannot swallow the rows beside it).
pub fn reading_order(lines: &mut [TextLine]) {
    let angle = dominant_direction(lines);
    let key = |l: &TextLine| in_text_frame(l.rect.center, angle);
    lines.sort_by(|a, b| key(a).1.total_cmp(&key(b).1));
    // Group into rows, then order each row along the text.
    let mut start = 0;
    while start < lines.len() {
        let (_, y0) = key(&lines[start]);
        let h0 = lines[start].rect.height.max(1.0);
        let mut end = start + 1;
        while end < lines.len()
            && key(&lines[end]).1 - y0 < 0.5 * h0.min(lines[end].rect.height.max(1.0))
        {
            end += 1;
        }
        lines[start..end].sort_by(|a, b| key(a).0.total_cmp(&key(b).0));
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, x: f32, y: f32, angle: f32) -> TextLine {
        TextLine {
            text: text.into(),
            confidence: 0.9,
            rect: RotatedRect {
                center: Point::new(x, y),
                width: 100.0,
                height: 20.0,
                angle,
            },
        }
    }

    #[test]
    fn reading_order_groups_rows_then_columns() {
        let mut lines = vec![
            line("c", 50.0, 100.0, 0.0),
            line("b", 300.0, 42.0, 0.0),
            line("a", 50.0, 40.0, 0.0),
            line("d", 300.0, 104.0, 0.0),
        ];
        reading_order(&mut lines);
        let order: String = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(order, "abcd");
    }

    #[test]
    fn reading_order_follows_a_tilted_page() {
        // Rows tilted by 15°: the right-hand line of the first row sits lower on screen than
        // the left-hand line of the second row's start would if the tilt were ignored.
        let a = 15f32.to_radians();
        let at = |u: f32, v: f32| (u * a.cos() - v * a.sin(), u * a.sin() + v * a.cos());
        let mk = |t: &str, u: f32, v: f32| {
            let (x, y) = at(u, v);
            line(t, x + 100.0, y + 100.0, a)
        };
        let mut lines = vec![
            mk("d", 300.0, 60.0),
            mk("b", 300.0, 0.0),
            mk("c", 0.0, 60.0),
            mk("a", 0.0, 0.0),
        ];
        reading_order(&mut lines);
        let order: String = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(order, "abcd");
        assert!((dominant_direction(&lines) - a).abs() < 1e-4);
    }

    #[test]
    fn turning_keeps_pixels() {
        let mut img = RgbImage::new(3, 2);
        img.put_pixel(0, 0, image::Rgb([9, 9, 9]));
        assert_eq!(turn(&img, 1).dimensions(), (2, 3));
        assert_eq!(turn(&img, 1).get_pixel(1, 0).0, [9, 9, 9]);
        assert_eq!(turn(&img, 4), img);
    }
}
