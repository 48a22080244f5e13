//! Reading a card front in any of the four orientations: the text lines of the image as it is,
//! then turned by 90°, 270° and 180°, until the layout's key field (a check-valid number) is
//! found; otherwise the orientation where most fields were found.

use std::time::Instant;

use chrono::NaiveDate;
use ekyc_doc::{dominant_direction, turn, DocError, LineReader, Point, TextLine};
use ekyc_infer::Engine;
use image::RgbImage;
use thiserror::Error;

use crate::hkid::{extract_hkid, HkidCard};
use crate::mykad::{extract_mykad, MykadCard};

#[derive(Debug, Error)]
pub enum CardError {
    /// The image holds no card of the asked kind.
    #[error("{0}")]
    NotThisCard(String),
    /// The text engine failed.
    #[error(transparent)]
    Engine(#[from] DocError),
}

/// A card read from an image, with the lines it came from.
#[derive(Debug, Clone)]
pub struct CardReading<T> {
    pub card: T,
    /// The text lines of the chosen orientation, in the turned image's coordinates.
    pub lines: Vec<TextLine>,
    /// How far the image was turned clockwise (× 90°) to read it.
    pub quarter_turns: u8,
    /// The box around all text lines, `[x0, y0, x1, y1]` in the input image's pixels.
    pub text_box: [f32; 4],
    pub ms: f64,
}

/// Reads HKID and MyKad fronts with the general line reader.
pub struct CardReader {
    lines: LineReader,
}

/// Orientations tried, in order of likelihood for phone photos.
const TURNS: [u8; 4] = [0, 1, 3, 2];

impl CardReader {
    pub fn new(lines: LineReader) -> CardReader {
        CardReader { lines }
    }

    /// The PP-OCR models of the manifest.
    pub fn from_engine(engine: &Engine) -> Result<CardReader, DocError> {
        Ok(CardReader::new(LineReader::from_engine(engine)?))
    }

    /// Every text line of `image` as it is (for `ekyc ocr lines`).
    pub fn lines(&self, image: &RgbImage) -> Result<Vec<TextLine>, DocError> {
        self.lines.read_lines(image)
    }

    /// The front of a Hong Kong identity card.
    pub fn read_hkid(&self, image: &RgbImage) -> Result<CardReading<HkidCard>, CardError> {
        let reading =
            self.read_turned(image, extract_hkid, |c| c.id_valid, HkidCard::found_fields)?;
        if reading.card.is_hkid() {
            Ok(reading)
        } else {
            Err(CardError::NotThisCard(format!(
                "no Hong Kong identity card was found (no card title and no identity number with a valid check digit among {} text lines)",
                reading.lines.len()
            )))
        }
    }

    /// The front of a Malaysian identity card; `today` decides the century of the birth date.
    pub fn read_mykad(
        &self,
        image: &RgbImage,
        today: NaiveDate,
    ) -> Result<CardReading<MykadCard>, CardError> {
        let extract = |lines: &[TextLine]| extract_mykad(lines, today);
        let reading = self.read_turned(
            image,
            extract,
            |c| !c.id.is_empty(),
            MykadCard::found_fields,
        )?;
        if reading.card.is_mykad() {
            Ok(reading)
        } else {
            Err(CardError::NotThisCard(format!(
                "no Malaysian identity card was found (no card title and no valid 12-digit number among {} text lines)",
                reading.lines.len()
            )))
        }
    }

    fn read_turned<T>(
        &self,
        image: &RgbImage,
        extract: impl Fn(&[TextLine]) -> T,
        done: impl Fn(&T) -> bool,
        score: impl Fn(&T) -> usize,
    ) -> Result<CardReading<T>, CardError> {
        let started = Instant::now();
        let mut best: Option<(usize, CardReading<T>)> = None;
        for quarter_turns in TURNS {
            let turned = turn(image, quarter_turns);
            let lines = self.lines.read_lines(&turned)?;
            let card = extract(&lines);
            // Lines running up or down the image are read along their boxes, but short words
            // (a lone "F") come out turned: keep looking for the upright view.
            let sideways = dominant_direction(&lines).abs() > std::f32::consts::FRAC_PI_4;
            // Text read fluently is upright: other turns would only read it worse.
            let stop = !sideways && (done(&card) || reads_upright(&lines));
            let s = score(&card);
            if best.as_ref().is_none_or(|(b, _)| s > *b) {
                let text_box = text_box(&lines, quarter_turns, image.dimensions());
                best = Some((
                    s,
                    CardReading {
                        card,
                        lines,
                        quarter_turns,
                        text_box,
                        ms: 0.0,
                    },
                ));
            }
            if stop {
                break;
            }
        }
        let (_, mut reading) =
            best.ok_or_else(|| CardError::NotThisCard("no orientation was read".into()))?;
        reading.ms = started.elapsed().as_secs_f64() * 1000.0;
        Ok(reading)
    }
}

/// Lines of at least this many characters count towards [`reads_upright`].
const UPRIGHT_MIN_CHARS: usize = 4;
/// Confidence of a fluently read line.
const UPRIGHT_CONFIDENCE: f32 = 0.9;

/// Most longer lines are read with high confidence (and there are a few of them): the image is
/// upright. Sideways or upside-down text reads as low-confidence garbage.
fn reads_upright(lines: &[TextLine]) -> bool {
    let long: Vec<&TextLine> = lines
        .iter()
        .filter(|l| l.text.chars().count() >= UPRIGHT_MIN_CHARS)
        .collect();
    let fluent = long
        .iter()
        .filter(|l| l.confidence >= UPRIGHT_CONFIDENCE)
        .count();
    fluent >= 4 && fluent * 10 >= long.len() * 7
}

/// The box around the lines, mapped back from the image turned by `quarter_turns` to the
/// original image of size `(w, h)`.
fn text_box(lines: &[TextLine], quarter_turns: u8, (w, h): (u32, u32)) -> [f32; 4] {
    let back = |p: Point| -> (f32, f32) {
        let (w, h) = (w as f32, h as f32);
        match quarter_turns % 4 {
            // Turned clockwise: a point (x, y) of the turned image came from (y, h - x).
            1 => (p.y, h - p.x),
            2 => (w - p.x, h - p.y),
            3 => (w - p.y, p.x),
            _ => (p.x, p.y),
        }
    };
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for p in lines.iter().flat_map(|l| l.quad()) {
        let (x, y) = back(p);
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    if lines.is_empty() {
        return [0.0, 0.0, w as f32, h as f32];
    }
    [
        b[0].max(0.0),
        b[1].max(0.0),
        b[2].min(w as f32),
        b[3].min(h as f32),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekyc_doc::RotatedRect;

    #[test]
    fn text_box_maps_back_from_each_turn() {
        // A point at (10, 20) of a 100×50 image.
        let line = |x: f32, y: f32| TextLine {
            text: "x".into(),
            confidence: 1.0,
            rect: RotatedRect {
                center: Point::new(x, y),
                width: 0.0,
                height: 0.0,
                angle: 0.0,
            },
        };
        let (w, h) = (100u32, 50u32);
        // Turned clockwise by 90°, the image is 50×100 and (10, 20) lands at (h - 20, 10).
        let b = text_box(&[line(30.0, 10.0)], 1, (w, h));
        assert_eq!((b[0], b[1]), (10.0, 20.0));
        let b = text_box(&[line(90.0, 30.0)], 2, (w, h));
        assert_eq!((b[0], b[1]), (10.0, 20.0));
        let b = text_box(&[line(20.0, 90.0)], 3, (w, h));
        assert_eq!((b[0], b[1]), (10.0, 20.0));
        assert_eq!(text_box(&[], 0, (w, h)), [0.0, 0.0, 100.0, 50.0]);
    }
}
