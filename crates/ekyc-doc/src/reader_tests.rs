//! [`MrzReader`] end to end with fake nets: the "detector" marks dark pixels as text and the
//! "recogniser" tells the lines apart by their grey level and spells the line it was given.

use std::sync::Arc;

use ekyc_infer::ndarray::ArrayD;
use ekyc_infer::{InferError, Model, NamedTensor};
use image::{Rgb, RgbImage};

use crate::{
    Charset, DetectorOptions, DocError, MrzReader, ReaderOptions, TextDetector, TextRecognizer,
    MRZ_ALPHABET,
};

const TD1: [&str; 3] = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
];
/// Grey level of each printed line (all below the fake detector's darkness threshold).
const GREYS: [u8; 3] = [0, 25, 50];

struct DarkIsText;

impl Model for DarkIsText {
    fn name(&self) -> &str {
        "dark-is-text"
    }
    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
        let x = &inputs[0].data;
        let s = x.shape().to_vec();
        let map = ArrayD::from_shape_fn(vec![1, 1, s[2], s[3]], |i| {
            if x[[0, 0, i[2], i[3]]] < -1.0 {
                0.95
            } else {
                0.0
            }
        });
        Ok(vec![NamedTensor::new("map", map)])
    }
}

/// Spells `lines[k]` when the darkest pixel of its input is closest to `GREYS[k]`.
struct Speller {
    lines: Vec<String>,
    classes: usize,
}

impl Model for Speller {
    fn name(&self) -> &str {
        "speller"
    }
    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
        // Inputs are BGR in [-1, 1]; back to 0..255.
        let darkest = inputs[0].data.iter().fold(f32::MAX, |m, &v| m.min(v));
        let grey = (darkest + 1.0) * 127.5;
        let k = (0..GREYS.len())
            .min_by(|&a, &b| {
                let da = (GREYS[a] as f32 - grey).abs();
                let db = (GREYS[b] as f32 - grey).abs();
                da.total_cmp(&db)
            })
            .unwrap_or(0);
        let text: Vec<char> = self.lines[k].chars().collect();
        // One frame per character followed by a blank frame.
        let out = ArrayD::from_shape_fn(vec![1, text.len() * 2, self.classes], |i| {
            let (t, class) = (i[1], i[2]);
            let want = if t % 2 == 1 {
                0
            } else {
                MRZ_ALPHABET
                    .chars()
                    .position(|c| c == text[t / 2])
                    .map_or(0, |p| p + 1)
            };
            if class == want {
                0.97
            } else {
                0.03 / (self.classes - 1) as f32
            }
        });
        Ok(vec![NamedTensor::new("y", out)])
    }
}

fn reader(lines: &[&str]) -> MrzReader {
    let dict: Vec<String> = MRZ_ALPHABET.chars().map(String::from).collect();
    let charset = Charset::from_dictionary(&dict.join("\n"));
    let speller = Speller {
        lines: lines.iter().map(|l| l.to_string()).collect(),
        classes: charset.len(),
    };
    // A small net input keeps the debug-build tests fast.
    let opts = DetectorOptions {
        max_side: 320,
        ..DetectorOptions::default()
    };
    let detector = TextDetector::new(Arc::new(DarkIsText), opts);
    let recognizer = TextRecognizer::new(Arc::new(speller), charset).expect("charset");
    MrzReader::new(detector, recognizer, ReaderOptions::default())
}

/// A white card with three 600×16 bars, one per MRZ line, in the line's grey.
fn card() -> RgbImage {
    RgbImage::from_fn(800, 400, |x, y| {
        let line = (0..3).find(|&k| {
            let top = 200 + 60 * k;
            (100..700).contains(&x) && (top..top + 16).contains(&y)
        });
        match line {
            Some(k) => Rgb([GREYS[k as usize]; 3]),
            None => Rgb([255, 255, 255]),
        }
    })
}

#[test]
fn lines_read_side_by_side_and_the_first_band_told_early() {
    let speller = reader(&TD1);
    let dict: Vec<String> = MRZ_ALPHABET.chars().map(String::from).collect();
    let charset = Charset::from_dictionary(&dict.join("\n"));
    let pool = Speller {
        lines: TD1.iter().map(|l| l.to_string()).collect(),
        classes: charset.len(),
    };
    let pooled =
        speller.with_line_pool(TextRecognizer::new(Arc::new(pool), charset).expect("charset"));
    let told = std::sync::Mutex::new(Vec::new());
    let located = pooled
        .read_located_with(&card(), &|corners| told.lock().expect("lock").push(corners))
        .expect("reading");
    assert_eq!(located.reading.lines, TD1);
    assert!(located.reading.check_digits_valid);
    let told = told.into_inner().expect("lock");
    // Once, before the lines were read, where the MRZ then was found.
    assert_eq!(told, [located.corners]);
    assert_eq!(
        reader(&TD1).read_located(&card()).expect("reading"),
        located
    );
}

#[test]
fn reads_a_td1_band() {
    let reading = reader(&TD1).read(&card()).expect("reading");
    assert_eq!(reading.lines, TD1);
    assert!(reading.check_digits_valid);
    assert_eq!(reading.fields.surname, "ERIKSSON");
}

#[test]
fn a_digit_without_letter_alternative_is_shown_as_its_letter_but_not_valid() {
    // '0' for 'O' in the nationality, and the net saw no 'O': after every orientation was
    // tried for a better reading, the reading is returned with the look-alike letter no MRZ
    // could print otherwise, and not as valid (no check digit covers the field).
    let misread = [TD1[0], "7408122F1204159UT0<<<<<<<<<<<6", TD1[2]];
    let reading = reader(&misread).read(&card()).expect("reading");
    assert_eq!(reading.lines[1], TD1[1]);
    assert!(!reading.check_digits_valid);
}

#[test]
fn a_blank_page_has_no_mrz() {
    let blank = RgbImage::from_pixel(500, 300, Rgb([255, 255, 255]));
    let err = reader(&TD1).read(&blank).expect_err("blank");
    assert!(matches!(err, DocError::NoMrz { .. }), "{err}");
    let err = reader(&TD1).read(&RgbImage::new(0, 0)).expect_err("empty");
    assert!(matches!(err, DocError::NoMrz { .. }), "{err}");
}

#[test]
fn text_that_is_not_an_mrz_is_rejected() {
    let words = ["HELLO WORLD", "NOT AN MRZ", "JUST TEXT"];
    let err = reader(&words).read(&card()).expect_err("not an MRZ");
    assert!(matches!(err, DocError::NoMrz { .. }), "{err}");
}

#[test]
fn a_band_read_steep_may_be_read_again_lying_flat() {
    use crate::geometry::{Point, RotatedRect};
    use crate::reader::read_before;
    let rect = |x: f32| RotatedRect {
        center: Point::new(x, 300.0),
        width: 800.0,
        height: 60.0,
        angle: 0.1,
    };
    let steep_read = [(rect(400.0), true)];
    let flat_read = [(rect(400.0), false)];
    // The same place seen flat after a steep read: read again.
    assert!(!read_before(&steep_read, &rect(410.0), false));
    // Seen steep again, or after a flat read: not again.
    assert!(read_before(&steep_read, &rect(410.0), true));
    assert!(read_before(&flat_read, &rect(410.0), false));
    assert!(read_before(&flat_read, &rect(410.0), true));
    // Elsewhere: a new band.
    assert!(!read_before(&flat_read, &rect(900.0), false));
}

#[test]
fn two_lines_of_a_three_line_band_read_before_are_a_new_band() {
    use crate::geometry::{Point, RotatedRect};
    use crate::reader::read_before;
    // Three lines read (a line printed next to the MRZ, then its two lines): the reading
    // stopped at the foreign line, so the MRZ's two lines alone are read.
    let band = |cy: f32, height: f32| RotatedRect {
        center: Point::new(400.0, cy),
        width: 600.0,
        height,
        angle: 0.0,
    };
    let three_read = [(band(300.0, 120.0), false)];
    assert!(!read_before(&three_read, &band(320.0, 80.0), false));
    assert!(read_before(&three_read, &band(302.0, 118.0), false));
}

#[test]
fn a_three_line_band_is_read_where_two_of_its_lines_were() {
    use crate::geometry::{Point, RotatedRect};
    use crate::reader::{read_before, third_line_added};
    // A TD1's last two lines (read first: two lines score higher when the first line's trailing
    // fillers were cut short) and the whole three-line band, half a line pitch apart.
    let band = |cy: f32, height: f32| RotatedRect {
        center: Point::new(400.0, cy),
        width: 600.0,
        height,
        angle: 0.0,
    };
    let two_read = [(band(320.0, 80.0), false)];
    assert!(read_before(&two_read, &band(300.0, 120.0), false));
    assert!(third_line_added(&two_read, &band(300.0, 120.0), 3));
    // The same two lines found again from another direction, or three lines read before: no.
    assert!(!third_line_added(&two_read, &band(322.0, 82.0), 2));
    let three_read = [(band(320.0, 80.0), false), (band(300.0, 118.0), false)];
    assert!(!third_line_added(&three_read, &band(300.0, 120.0), 3));
    // Nothing read there yet: an ordinary new band.
    assert!(!third_line_added(&[], &band(300.0, 120.0), 3));
}

#[test]
fn a_two_line_band_gets_a_third_line_one_pitch_below_or_above() {
    use crate::band::Band;
    use crate::geometry::{Point, RotatedRect};
    use crate::reader::with_third_line;
    let line = |cx: f32, cy: f32| RotatedRect {
        center: Point::new(cx, cy),
        width: 600.0,
        height: 30.0,
        angle: 0.1,
    };
    // Tilted: the pitch runs along the lines' normal and a little sideways.
    let band = Band {
        lines: vec![line(400.0, 300.0), line(396.0, 340.0)],
    };
    let bands = with_third_line(&band);
    assert_eq!(bands.len(), 2);
    assert_eq!(bands[0].lines[2].center, Point::new(392.0, 380.0));
    assert_eq!(bands[1].lines[0].center, Point::new(404.0, 260.0));
    assert!(bands
        .iter()
        .all(|b| b.lines.len() == 3 && b.lines[1].width == 600.0));
    // Not two lines: nothing to guess.
    let three = Band {
        lines: vec![line(0.0, 0.0); 3],
    };
    assert!(with_third_line(&three).is_empty());
}
