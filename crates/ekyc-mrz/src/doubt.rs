//! How much the recogniser's own alternatives support another reading that nothing printed can
//! refute. Check digits hold for the chosen characters, but (1) look-alikes whose values differ
//! by a multiple of 10 after weighting (`G`/`6` always; `O`/`0` at places of weights 7 and 3,
//! `Z`/`2` at 7 and 3, ...) pass the same check digits, and (2) names, country codes and sex are
//! covered by no check digit at all. When the recogniser gave such an other reading a fair
//! probability, the reading is a guess and is not reported valid: a wrong "valid" MRZ is worse
//! than a reading left unconfirmed.

use std::collections::HashSet;

use crate::confusable::confusable;
use crate::groups::{check_groups, evaluate, CheckGroup};
use crate::layout::{kinds, Kind, Pos};
use crate::parse::MrzReading;
use crate::resolve::CandidateLine;

/// Most swap places of one check group tried in all subsets (2^12 evaluations at worst).
const MAX_PLACES: usize = 12;
/// Fillers in a row that end a name: what follows is padding (see `ekyc-doc` letters).
const PADDING_RUN: usize = 3;

/// What [`doubt`] measured on one reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Doubt {
    /// Over the sets of look-alike swaps inside check-digit fields that keep every check digit
    /// holding: the largest probability of the weakest swapped-in alternative (0 when no swap
    /// keeps them).
    pub swap_support: f32,
    /// Smallest log-probability margin of a chosen character over its best alternative allowed
    /// there, at places no check digit covers (codes, names up to their padding, nationality,
    /// sex); infinite when there is no such place with an alternative.
    pub unchecked_margin: f32,
    /// Smallest log-probability margin of a chosen character over its best allowed alternative
    /// that is no look-alike of it, at places a check digit covers: a look-alike tie is what
    /// check digits settle, but `0` against `P` at 0.19 / 0.18 is no reading at all, and a
    /// check digit passes such a guess one time in ten.
    pub checked_margin: f32,
}

/// When a reading whose check digits hold is still not reported valid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoubtLimits {
    /// A check-keeping swap whose alternatives all scored at least this is a real doubt.
    pub max_swap_support: f32,
    /// An unchecked character chosen by less than this log margin is a coin toss.
    pub min_unchecked_margin: f32,
    /// A checked character chosen by less than this log margin over a character that does not
    /// look like it is a guess.
    pub min_checked_margin: f32,
}

impl Default for DoubtLimits {
    fn default() -> Self {
        DoubtLimits {
            max_swap_support: 0.05,
            min_unchecked_margin: 0.4,
            min_checked_margin: 0.3,
        }
    }
}

impl Doubt {
    /// True when the reading should not be reported valid under `limits`.
    pub fn exceeds(&self, limits: &DoubtLimits) -> bool {
        self.swap_support >= limits.max_swap_support
            || self.unchecked_margin < limits.min_unchecked_margin
            || self.checked_margin < limits.min_checked_margin
    }

    /// How far inside `limits` the reading stays, in log-probability units (negative when it
    /// [`exceeds`](Doubt::exceeds) them): ranks doubtful readings of one image, least doubt
    /// first.
    pub fn slack(&self, limits: &DoubtLimits) -> f32 {
        let swap = if self.swap_support > 0.0 {
            limits.max_swap_support.max(1e-9).ln() - self.swap_support.ln()
        } else {
            f32::INFINITY
        };
        swap.min(self.unchecked_margin - limits.min_unchecked_margin)
            .min(self.checked_margin - limits.min_checked_margin)
    }
}

/// Measure [`Doubt`] for `reading` against the recogniser's per-place alternatives
/// (`candidates[line][place]`, `(char, probability)` in any order). Candidates that do not match
/// the reading's shape give no doubt from the places they miss.
pub fn doubt(reading: &MrzReading, candidates: &[CandidateLine]) -> Doubt {
    let lines: Vec<Vec<char>> = reading.lines.iter().map(|l| l.chars().collect()).collect();
    let kinds = kinds(reading.format);
    let groups = check_groups(reading.format, &lines);
    let view = View {
        lines: &lines,
        kinds: &kinds,
        candidates,
    };
    Doubt {
        swap_support: swap_support(&view, &groups),
        unchecked_margin: unchecked_margin(&view, &groups),
        checked_margin: checked_margin(&view, &groups),
    }
}

struct View<'a> {
    lines: &'a [Vec<char>],
    kinds: &'a [Vec<Kind>],
    candidates: &'a [CandidateLine],
}

impl View<'_> {
    fn chosen(&self, (line, p): Pos) -> Option<char> {
        self.lines.get(line).and_then(|l| l.get(p)).copied()
    }

    fn kind(&self, (line, p): Pos) -> Kind {
        self.kinds
            .get(line)
            .and_then(|l| l.get(p))
            .copied()
            .unwrap_or(Kind::Any)
    }

    /// `(char, probability)` alternatives at `pos` (non-finite probabilities count 0).
    fn alternatives(&self, (line, p): Pos) -> impl Iterator<Item = (char, f32)> + '_ {
        self.candidates
            .get(line)
            .and_then(|l| l.get(p))
            .into_iter()
            .flatten()
            .map(|&(c, s)| (c, if s.is_finite() { s.max(0.0) } else { 0.0 }))
    }

    /// The likeliest look-alike of the chosen character that may stand at `pos`. A filler
    /// after a filler stays one: fields are padded at their end, so a character there would
    /// follow padding (`<` and `K` weigh alike, and the recogniser gives `K` a few per cent
    /// on many fillers).
    fn best_look_alike(&self, (line, p): Pos) -> Option<(char, f32)> {
        let chosen = self.chosen((line, p))?;
        let kind = self.kind((line, p));
        if chosen == '<' && p > 0 && self.chosen((line, p - 1)) == Some('<') {
            return None;
        }
        self.alternatives((line, p))
            .filter(|&(c, _)| c != chosen && kind.allows(c) && confusable(chosen, c))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Log margin of the chosen character over its best allowed alternative at `pos` (only
    /// over alternatives that do not look like it when `unlike_only`).
    fn margin(&self, pos: Pos, unlike_only: bool) -> Option<f32> {
        let chosen = self.chosen(pos)?;
        let kind = self.kind(pos);
        if !kind.allows(chosen) {
            return None; // implausible readings are refused elsewhere
        }
        let own = self
            .alternatives(pos)
            .filter(|a| a.0 == chosen)
            .map(|a| a.1)
            .fold(0.0f32, f32::max);
        let other = self
            .alternatives(pos)
            .filter(|&(c, _)| c != chosen && kind.allows(c))
            .filter(|&(c, _)| !(unlike_only && confusable(chosen, c)))
            .map(|a| a.1)
            .fold(0.0f32, f32::max);
        if other <= 0.0 {
            return None;
        }
        // A chosen character the recogniser did not list at all was forced by the layout (a
        // digit's look-alike in a name): no coin toss.
        (own > 0.0).then(|| own.ln() - other.ln())
    }
}

/// See [`Doubt::swap_support`]. Each check group's own places are swapped in all subsets (the
/// composite's: only places no other check digit covers); every check digit must still hold.
fn swap_support(view: &View, groups: &[CheckGroup]) -> f32 {
    let all_hold = |chars: &[Vec<char>]| groups.iter().all(|g| evaluate(g, chars).ok);
    if !all_hold(view.lines) {
        return 0.0;
    }
    let covered: HashSet<Pos> = groups
        .iter()
        .filter(|g| g.field != "composite")
        .flat_map(|g| g.data.iter().copied())
        .collect();
    let mut support = 0.0f32;
    for g in groups {
        let composite = g.field == "composite";
        let mut places: Vec<(Pos, char, f32)> = g
            .data
            .iter()
            .filter(|p| !(composite && covered.contains(p)))
            .filter_map(|&p| view.best_look_alike(p).map(|(c, s)| (p, c, s)))
            .collect();
        places.sort_by(|a, b| b.2.total_cmp(&a.2));
        places.truncate(MAX_PLACES);
        for mask in 1u32..(1 << places.len()) {
            let flipped: Vec<&(Pos, char, f32)> = places
                .iter()
                .enumerate()
                .filter(|(k, _)| mask & (1 << k) != 0)
                .map(|(_, x)| x)
                .collect();
            let weakest = flipped.iter().map(|x| x.2).fold(f32::INFINITY, f32::min);
            if weakest <= support {
                continue;
            }
            let mut chars = view.lines.to_vec();
            for &&((line, p), c, _) in &flipped {
                chars[line][p] = c;
            }
            if all_hold(&chars) {
                support = weakest;
            }
        }
    }
    support
}

/// See [`Doubt::unchecked_margin`]: places outside every check group and off the check digits,
/// in runs along each line, each run cut where a filler run of [`PADDING_RUN`] starts or its
/// trailing fillers begin.
fn unchecked_margin(view: &View, groups: &[CheckGroup]) -> f32 {
    let checked: HashSet<Pos> = groups
        .iter()
        .flat_map(|g| g.data.iter().copied().chain([g.digit]))
        .collect();
    let mut margin = f32::INFINITY;
    for (line, chars) in view.lines.iter().enumerate() {
        let mut p = 0;
        while p < chars.len() {
            if checked.contains(&(line, p)) {
                p += 1;
                continue;
            }
            let start = p;
            while p < chars.len() && !checked.contains(&(line, p)) {
                p += 1;
            }
            for pos in unpadded(&chars[start..p]).map(|i| (line, start + i)) {
                if let Some(m) = view.margin(pos, false) {
                    margin = margin.min(m);
                }
            }
        }
    }
    margin
}

/// See [`Doubt::checked_margin`]: every place a check digit covers, and the check digits.
fn checked_margin(view: &View, groups: &[CheckGroup]) -> f32 {
    let places: HashSet<Pos> = groups
        .iter()
        .flat_map(|g| g.data.iter().copied().chain([g.digit]))
        .collect();
    places
        .into_iter()
        .filter_map(|p| view.margin(p, true))
        .fold(f32::INFINITY, f32::min)
}

/// Indices of `run` before its padding: before the first run of [`PADDING_RUN`] fillers, and
/// before the trailing fillers.
fn unpadded(run: &[char]) -> std::ops::Range<usize> {
    let mut end = run.len();
    let mut fillers = 0;
    for (i, &c) in run.iter().enumerate() {
        fillers = if c == '<' { fillers + 1 } else { 0 };
        if fillers == PADDING_RUN {
            end = i + 1 - PADDING_RUN;
            break;
        }
    }
    while end > 0 && run[end - 1] == '<' {
        end -= 1;
    }
    0..end
}

#[cfg(test)]
#[path = "doubt_tests.rs"]
mod tests;
