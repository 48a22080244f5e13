//! Text-line recognition with a CTC net such as PP-OCR's (input 3×48×W, dynamic width).

use std::path::Path;
use std::sync::Arc;

use ekyc_infer::ndarray::{Array4, ArrayD, Ix3};
use ekyc_infer::{Engine, Model, NamedTensor};
use image::imageops::{self, FilterType};
use image::RgbImage;

use crate::ctc::{decode_greedy, decode_restricted, mrz_share, AltOptions, RecognizedLine};
use crate::dictionary::Charset;
use crate::error::DocError;
use crate::reader::RECOGNIZER_MODEL;

/// The recogniser cut to Latin-script classes (`tools/models/convert_ppocr_latin.py`): same
/// net, 211 of 18385 outputs, 7-13 % less CPU per line; for MRZs and passport visual zones.
pub const LATIN_RECOGNIZER_MODEL: &str = "ppocr_rec_latin";

/// Characters an MRZ may contain.
pub const MRZ_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";
/// Input height of the PP-OCR recognisers.
pub const LINE_HEIGHT: u32 = 48;
/// Widest input fed to the net (a 44-character MRZ line needs about 1100 px at height 48).
const MAX_WIDTH: u32 = 2400;

/// Softening of the MRZ alternatives (see [`AltOptions::temperature`]).
const ALT_TEMPERATURE: f32 = 2.0;

/// Reads cropped, upright text lines.
pub struct TextRecognizer {
    model: Arc<dyn Model>,
    charset: Charset,
    mrz_classes: Vec<(usize, char)>,
    alt: AltOptions,
}

impl TextRecognizer {
    /// `charset` must hold every MRZ character (checked here, once).
    pub fn new(model: Arc<dyn Model>, charset: Charset) -> Result<TextRecognizer, DocError> {
        let mrz_classes = charset.classes_of(MRZ_ALPHABET)?;
        Ok(TextRecognizer {
            model,
            charset,
            mrz_classes,
            alt: AltOptions {
                top_k: 3,
                temperature: ALT_TEMPERATURE,
            },
        })
    }

    /// Take the dictionary from the ONNX file the model was loaded from.
    pub fn with_onnx_dictionary(
        model: Arc<dyn Model>,
        onnx: &Path,
    ) -> Result<TextRecognizer, DocError> {
        let bytes = std::fs::read(onnx)
            .map_err(|e| DocError::Dictionary(format!("reading {}: {e}", onnx.display())))?;
        TextRecognizer::new(model, Charset::from_onnx_bytes(&bytes)?)
    }

    /// The recogniser of an engine, dictionary from its ONNX file, by model name.
    pub fn from_engine(engine: &Engine, name: &str) -> Result<TextRecognizer, DocError> {
        let session = engine.session(name)?;
        let path = session.path().to_path_buf();
        TextRecognizer::with_onnx_dictionary(session as Arc<_>, &path)
    }

    /// For Latin-script text: [`LATIN_RECOGNIZER_MODEL`] when the engine loaded it, else the
    /// full [`RECOGNIZER_MODEL`] (same readings of `A-Z0-9<`: the MRZ decoding renormalises
    /// over its own classes either way).
    pub fn latin_from_engine(engine: &Engine) -> Result<TextRecognizer, DocError> {
        let name = match engine.names().contains(&LATIN_RECOGNIZER_MODEL) {
            true => LATIN_RECOGNIZER_MODEL,
            false => RECOGNIZER_MODEL,
        };
        TextRecognizer::from_engine(engine, name)
    }

    /// Replace how MRZ alternatives are reported.
    pub fn with_alternatives(mut self, alt: AltOptions) -> TextRecognizer {
        self.alt = alt;
        self
    }

    /// Read a line as an MRZ line: only `A-Z0-9<` can come out, with per-character alternatives.
    pub fn recognize_mrz(&self, line: &RgbImage) -> Result<RecognizedLine, DocError> {
        let frames = self.frames(line)?;
        Ok(decode_restricted(
            frames.view(),
            &self.mrz_classes,
            &self.alt,
        ))
    }

    /// As [`TextRecognizer::recognize_mrz`], with the share of the line's characters the net
    /// itself, over its whole dictionary, reads as `A-Z0-9<` (see [`mrz_share`]): about 1 on an
    /// MRZ or capitals, low on running text.
    pub fn recognize_mrz_with_share(
        &self,
        line: &RgbImage,
    ) -> Result<(RecognizedLine, f32), DocError> {
        let frames = self.frames(line)?;
        let share = mrz_share(frames.view(), &self.mrz_classes);
        let read = decode_restricted(frames.view(), &self.mrz_classes, &self.alt);
        Ok((read, share))
    }

    /// Read a line with the whole dictionary: text and mean character probability.
    pub fn recognize(&self, line: &RgbImage) -> Result<(String, f32), DocError> {
        let frames = self.frames(line)?;
        Ok(decode_greedy(frames.view(), &self.charset))
    }

    /// Run the net: T × classes.
    fn frames(&self, line: &RgbImage) -> Result<ekyc_infer::ndarray::Array2<f32>, DocError> {
        let input = to_tensor(line);
        let outputs = self.model.run(&[NamedTensor::new("x", input)])?;
        let out = outputs
            .into_iter()
            .next()
            .ok_or_else(|| self.bad("no output".into()))?
            .data;
        let shape = out.shape().to_vec();
        let out = out
            .into_dimensionality::<Ix3>()
            .map_err(|_| self.bad(format!("expected N×T×classes, got shape {shape:?}")))?;
        if shape[0] < 1 || shape[2] < self.charset.len() {
            return Err(self.bad(format!(
                "output shape {shape:?} does not fit a dictionary of {} classes",
                self.charset.len()
            )));
        }
        Ok(out.index_axis_move(ekyc_infer::ndarray::Axis(0), 0))
    }

    fn bad(&self, message: String) -> DocError {
        DocError::BadOutput {
            model: self.model.name().to_string(),
            message,
        }
    }
}

/// Scale to height 48 keeping the aspect ratio, BGR, `(x / 255 - 0.5) / 0.5`, NCHW.
fn to_tensor(line: &RgbImage) -> ArrayD<f32> {
    let (w, h) = line.dimensions();
    let width = if w == 0 || h == 0 {
        LINE_HEIGHT
    } else {
        ((w as f32 * LINE_HEIGHT as f32 / h as f32).ceil() as u32).clamp(LINE_HEIGHT / 2, MAX_WIDTH)
    };
    let resized = if w == 0 || h == 0 {
        RgbImage::from_pixel(width, LINE_HEIGHT, image::Rgb([255, 255, 255]))
    } else {
        imageops::resize(line, width, LINE_HEIGHT, FilterType::Triangle)
    };
    let (w, h) = (width as usize, LINE_HEIGHT as usize);
    let plane = w * h;
    let mut data = vec![0f32; 3 * plane];
    for (i, p) in resized.pixels().enumerate() {
        for c in 0..3 {
            data[c * plane + i] = p.0[2 - c] as f32 / 127.5 - 1.0;
        }
    }
    // The length matches the shape by construction; an empty tensor is the impossible fallback.
    Array4::from_shape_vec((1, 3, h, w), data)
        .map(|a| a.into_dyn())
        .unwrap_or_else(|_| ArrayD::zeros(vec![1, 3, LINE_HEIGHT as usize, 0]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ekyc_infer::InferError;

    /// Fake CTC net over [blank, '<', 'A', 'B', space]: one frame per 8 input columns, emitting
    /// 'A', blank, 'B', blank, ... regardless of the pixels.
    struct Alternating;

    impl Model for Alternating {
        fn name(&self) -> &str {
            "alternating"
        }
        fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
            let s = inputs[0].data.shape().to_vec();
            assert_eq!(s[2], LINE_HEIGHT as usize);
            let t = s[3] / 8;
            let out = ArrayD::from_shape_fn(vec![1, t, 5], |i| {
                let class = match i[1] % 4 {
                    0 => 2,
                    2 => 3,
                    _ => 0,
                };
                if i[2] == class {
                    0.9
                } else {
                    0.025
                }
            });
            Ok(vec![NamedTensor::new("y", out)])
        }
    }

    fn charset() -> Charset {
        // MRZ_ALPHABET must be present; put the fake's classes first.
        let mut dict = String::from("<\nA\nB");
        for c in MRZ_ALPHABET.chars().filter(|c| !"<AB".contains(*c)) {
            dict.push('\n');
            dict.push(c);
        }
        Charset::from_dictionary(&dict)
    }

    #[test]
    fn reads_through_the_model_trait() {
        struct Wide(Alternating);
        impl Model for Wide {
            fn name(&self) -> &str {
                "wide"
            }
            fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
                // Pad the fake's 5 classes to the charset size with zeros.
                let out = self.0.run(inputs)?.remove(0).data;
                let s = out.shape().to_vec();
                let wide = ArrayD::from_shape_fn(vec![s[0], s[1], 40], |i| {
                    if i[2] < 5 {
                        out[[i[0], i[1], i[2]]]
                    } else {
                        0.0
                    }
                });
                Ok(vec![NamedTensor::new("y", wide)])
            }
        }
        let rec = TextRecognizer::new(Arc::new(Wide(Alternating)), charset()).expect("rec");
        // 96×24 → 192×48 → 24 frames → "ABAB..." (12 characters).
        let line = rec.recognize_mrz(&RgbImage::new(96, 24)).expect("read");
        assert_eq!(line.text, "ABABABABABAB");
        assert_eq!(line.alternatives[0][0].0, 'A');
        assert_eq!(
            rec.recognize(&RgbImage::new(96, 24)).expect("read").0,
            "ABABABABABAB"
        );
        // Degenerate crops still make a valid input.
        assert!(rec.recognize_mrz(&RgbImage::new(0, 0)).is_ok());
    }

    #[test]
    fn output_narrower_than_the_dictionary_is_an_error() {
        let rec = TextRecognizer::new(Arc::new(Alternating), charset()).expect("rec");
        let err = rec
            .recognize_mrz(&RgbImage::new(64, 32))
            .expect_err("5 < 39 classes");
        assert!(matches!(err, DocError::BadOutput { .. }), "{err}");
    }

    #[test]
    fn dictionary_without_mrz_alphabet_is_rejected() {
        let err = TextRecognizer::new(Arc::new(Alternating), Charset::from_dictionary("a\nb"));
        assert!(matches!(err, Err(DocError::Dictionary(_))));
    }
}
