//! Digit recognition: Whisper tiny.en's encoder once per clip, then a beam search of the
//! decoder restricted to the token table (digits, digit words, separators, end).
//!
//! Log-probabilities are normalised over the table's generatable tokens (everything but the
//! prompt), so the best free hypothesis and a forced code are scored on the same scale: the
//! requested code is accepted when its best spelling scores within a margin of the best
//! hypothesis.

use ekyc_infer::ndarray::{Array2, Array3, ArrayD, Axis, Ix3};
use ekyc_infer::{InferError, Model, NamedTensor};

use crate::tokens::{TokenKind, END, PROMPT, TABLE};

/// Decoder layers and width (Whisper tiny).
const LAYERS: usize = 4;
const WIDTH: usize = 384;

/// No hypothesis is longer than this many digits (a code said twice is 16).
pub const MAX_DIGITS: usize = 16;

/// Beam search limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchLimits {
    /// Hypotheses kept per step.
    pub beam: usize,
    /// Most digits in a free hypothesis.
    pub max_digits: usize,
}

/// What the search may write.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// Any digits, as many as one of `lengths`, separators between them, then the end.
    Free { lengths: Vec<usize> },
    /// Exactly one of these digit strings, then the end.
    OneOf(Vec<String>),
}

/// A finished hypothesis: the digits it spells and its total log-probability.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    pub digits: String,
    pub log_prob: f32,
}

/// The encoder's output for one clip: cross-attention keys and values of every layer.
pub struct Encoded {
    cross_k: ArrayD<f32>,
    cross_v: ArrayD<f32>,
}

/// Run the encoder on band-major log-mel features (`mel.len() == 80 * frames`, frames even).
pub fn encode(encoder: &dyn Model, mel: &[f32], frames: usize) -> Result<Encoded, InferError> {
    let input = Array3::from_shape_vec((1, crate::mel::N_MELS, frames), mel.to_vec())
        .map_err(|e| bad(encoder, e.to_string()))?;
    let outputs = encoder.run(&[NamedTensor::new("mel", input.into_dyn())])?;
    let mut cross_k = None;
    let mut cross_v = None;
    for t in outputs {
        match t.name.as_str() {
            "cross_k" => cross_k = Some(t.data),
            "cross_v" => cross_v = Some(t.data),
            _ => {}
        }
    }
    match (cross_k, cross_v) {
        // Keys [layer, 1, head, 64, frame], values [layer, 1, head, frame, 64].
        (Some(k), Some(v)) if k.ndim() == 5 && v.ndim() == 5 && k.shape()[4] == v.shape()[3] => {
            Ok(Encoded {
                cross_k: k,
                cross_v: v,
            })
        }
        _ => Err(bad(
            encoder,
            "expected 5-D outputs `cross_k` and `cross_v`".into(),
        )),
    }
}

/// One live hypothesis in the beam.
#[derive(Debug, Clone)]
struct Beam {
    digits: String,
    last: usize,
    tokens: usize,
    log_prob: f32,
    /// Row of this beam's self-attention cache.
    row: usize,
}

/// One search's state: its constraint, live beams and finished hypotheses.
struct Search<'a> {
    constraint: &'a Constraint,
    max_tokens: usize,
    live: Vec<Beam>,
    finished: Vec<Hypothesis>,
}

impl Search<'_> {
    /// The `width` best finished hypotheses beat every live extension: nothing can change.
    fn settled(&mut self, width: usize, best_live: Option<f32>) -> bool {
        self.finished
            .sort_by(|a, b| b.log_prob.total_cmp(&a.log_prob));
        match (self.finished.get(width - 1), best_live) {
            (_, None) => true,
            (Some(bar), Some(live)) => live < bar.log_prob,
            (None, Some(_)) => false,
        }
    }
}

/// Best hypotheses (at most `limits.beam`, best first) under each constraint. The searches
/// run side by side, one decoder call per step for all of their beams.
pub fn search(
    decoder: &dyn Model,
    encoded: &Encoded,
    constraints: &[Constraint],
    limits: &SearchLimits,
) -> Result<Vec<Vec<Hypothesis>>, InferError> {
    let width = limits.beam.max(1);
    let root = Beam {
        digits: String::new(),
        last: PROMPT[PROMPT.len() - 1],
        tokens: 0,
        log_prob: 0.0,
        row: 0,
    };
    let mut searches: Vec<Search> = constraints
        .iter()
        .map(|constraint| {
            let longest = match constraint {
                Constraint::Free { lengths } => lengths
                    .iter()
                    .copied()
                    .max()
                    .unwrap_or(0)
                    .min(limits.max_digits),
                Constraint::OneOf(codes) => codes.iter().map(String::len).max().unwrap_or(0),
            };
            Search {
                constraint,
                // A separator may follow each digit; one more step for the end token.
                max_tokens: 2 * longest + 1,
                live: vec![root.clone()],
                finished: Vec::new(),
            }
        })
        .collect();
    // The prompt is fed once: every search's root beam reads cache row 0.
    let mut cache = Cache::empty(1);
    let mut step_tokens: Vec<Vec<usize>> = vec![PROMPT.to_vec()];
    loop {
        let log_probs = cache.step(decoder, encoded, &step_tokens)?;
        let mut rows = Vec::new();
        step_tokens.clear();
        for search in &mut searches {
            let mut candidates: Vec<(usize, Beam)> = Vec::new(); // (token, beam)
            for beam in &search.live {
                for (token, &lp) in log_probs[beam.row].iter().enumerate() {
                    let Some(mut next) =
                        extend(beam, token, search.constraint, search.max_tokens, limits)
                    else {
                        continue;
                    };
                    next.log_prob += lp;
                    if token == END {
                        search.finished.push(Hypothesis {
                            digits: next.digits,
                            log_prob: next.log_prob,
                        });
                    } else {
                        candidates.push((token, next));
                    }
                }
            }
            candidates.sort_by(|a, b| b.1.log_prob.total_cmp(&a.1.log_prob));
            candidates.truncate(width);
            if search.settled(width, candidates.first().map(|c| c.1.log_prob)) {
                candidates.clear();
            }
            search.live.clear();
            for (token, mut beam) in candidates {
                rows.push(beam.row);
                // After `keep_rows`, this beam's cache is the row at its place in `rows`.
                beam.row = rows.len() - 1;
                step_tokens.push(vec![token]);
                search.live.push(beam);
            }
        }
        if rows.is_empty() {
            break;
        }
        cache.keep_rows(&rows);
    }
    Ok(searches
        .into_iter()
        .map(|mut s| {
            s.finished.sort_by(|a, b| b.log_prob.total_cmp(&a.log_prob));
            s.finished.truncate(width);
            s.finished
        })
        .collect())
}

/// `beam` followed by `token`, if the constraint allows it (score not yet added).
fn extend(
    beam: &Beam,
    token: usize,
    constraint: &Constraint,
    max_tokens: usize,
    limits: &SearchLimits,
) -> Option<Beam> {
    let kind = TABLE.get(token)?.kind;
    let mut digits = beam.digits.clone();
    match kind {
        TokenKind::Prompt => return None,
        TokenKind::End => {
            let complete = match constraint {
                Constraint::Free { lengths } => lengths.contains(&digits.len()),
                Constraint::OneOf(codes) => codes.contains(&digits),
            };
            if !complete {
                return None;
            }
        }
        TokenKind::Separator => {
            // Only between digits: never first, never twice in a row.
            let after_separator = matches!(TABLE[beam.last].kind, TokenKind::Separator);
            if digits.is_empty() || after_separator || beam.tokens + 1 >= max_tokens {
                return None;
            }
        }
        TokenKind::Digit(d) => {
            digits.push(char::from(b'0' + d));
            let fits = match constraint {
                Constraint::Free { lengths } => lengths
                    .iter()
                    .any(|&n| digits.len() <= n.min(limits.max_digits)),
                Constraint::OneOf(codes) => codes.iter().any(|c| c.starts_with(&digits)),
            };
            if !fits || beam.tokens + 1 >= max_tokens {
                return None;
            }
        }
    }
    Some(Beam {
        digits,
        last: token,
        tokens: beam.tokens + 1,
        log_prob: beam.log_prob,
        row: beam.row,
    })
}

/// The decoder's self-attention cache for the live beams.
struct Cache {
    self_k: ArrayD<f32>,
    self_v: ArrayD<f32>,
}

impl Cache {
    fn empty(beams: usize) -> Cache {
        let zero = || ArrayD::<f32>::zeros(vec![LAYERS, beams, 0, WIDTH]);
        Cache {
            self_k: zero(),
            self_v: zero(),
        }
    }

    /// Feed one row of new tokens per beam; returns each beam's next-token log-probabilities
    /// over the table (prompt tokens at minus infinity).
    fn step(
        &mut self,
        decoder: &dyn Model,
        encoded: &Encoded,
        tokens: &[Vec<usize>],
    ) -> Result<Vec<Vec<f32>>, InferError> {
        let rows = tokens.len();
        let width = tokens.first().map_or(0, Vec::len);
        let flat: Vec<f32> = tokens.iter().flatten().map(|&t| t as f32).collect();
        let input =
            Array2::from_shape_vec((rows, width), flat).map_err(|e| bad(decoder, e.to_string()))?;
        let outputs = decoder.run(&[
            NamedTensor::new("tokens", input.into_dyn()),
            NamedTensor::new("self_k", self.self_k.clone()),
            NamedTensor::new("self_v", self.self_v.clone()),
            NamedTensor::new("cross_k", encoded.cross_k.clone()),
            NamedTensor::new("cross_v", encoded.cross_v.clone()),
        ])?;
        let mut logits = None;
        for t in outputs {
            match t.name.as_str() {
                "logits" => logits = Some(t.data),
                "self_k_out" => self.self_k = t.data,
                "self_v_out" => self.self_v = t.data,
                _ => {}
            }
        }
        let logits = logits
            .and_then(|l| l.into_dimensionality::<Ix3>().ok())
            .filter(|l| l.shape()[0] == rows && l.shape()[2] == TABLE.len() && l.shape()[1] >= 1)
            .ok_or_else(|| {
                bad(
                    decoder,
                    format!("expected logits [{rows}, N, {}]", TABLE.len()),
                )
            })?;
        if self.self_k.ndim() != 4
            || self.self_k.shape()[1] != rows
            || self.self_v.shape() != self.self_k.shape()
        {
            return Err(bad(decoder, "bad self-attention cache outputs".into()));
        }
        let last = logits.len_of(Axis(1)) - 1;
        Ok((0..rows)
            .map(|r| {
                log_softmax_generatable(
                    logits
                        .index_axis(Axis(0), r)
                        .index_axis(Axis(0), last)
                        .iter()
                        .copied(),
                )
            })
            .collect())
    }

    /// Keep (and reorder, duplicate) the beams' rows of the cache.
    fn keep_rows(&mut self, rows: &[usize]) {
        self.self_k = self.self_k.select(Axis(1), rows);
        self.self_v = self.self_v.select(Axis(1), rows);
    }
}

/// log-softmax over the tokens that can be generated; prompt tokens get minus infinity.
fn log_softmax_generatable(logits: impl Iterator<Item = f32>) -> Vec<f32> {
    let mut out: Vec<f32> = logits
        .zip(TABLE.iter())
        .map(|(l, t)| {
            if t.kind == TokenKind::Prompt {
                f32::NEG_INFINITY
            } else {
                l
            }
        })
        .collect();
    let max = out.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = out.iter().map(|&l| (l - max).exp()).sum();
    let norm = max + sum.ln();
    for l in &mut out {
        *l -= norm;
    }
    out
}

fn bad(model: &dyn Model, message: String) -> InferError {
    InferError::BadTensor {
        model: model.name().to_string(),
        message,
    }
}
