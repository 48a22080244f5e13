//! Choosing among OCR alternatives so that check digits hold.
//!
//! The recogniser gives, per line and position, a few `(char, score)` alternatives (scores are
//! probabilities, higher is better). We start from the top choice and only ever trade a character
//! for a visually confusable one (see [`crate::confusable`]) that scored at least
//! [`ResolveOptions::min_alt_score`]. Inside a check-digit field a trade is kept only when it makes
//! that check digit hold; if no combination does, the field keeps its top choices. Outside them
//! (names, country codes, sex) a trade happens only when the top choice is illegal there, e.g. a
//! digit in a name. Each check digit is searched on its own positions (the composite only on those
//! no other check digit covers), at most `MAX_COMBOS` combinations each, so the work stays bounded
//! instead of growing exponentially with the whole MRZ.

use std::collections::HashSet;

use crate::check::is_mrz_char;
use crate::confusable::confusable;
use crate::dates::ParseOptions;
use crate::groups::{check_groups, evaluate, CheckGroup};
use crate::layout::{kinds, Kind, MrzFormat, Pos};
use crate::parse::{parse_with, MrzReading};
use crate::swaps::swap_keeps_checks;

/// Alternatives considered per position (top choice included).
const MAX_OPTIONS: usize = 3;
/// Upper bound on combinations tried for one check digit.
const MAX_COMBOS: usize = 4096;

/// Recogniser alternatives for one position: `(character, score)`, any order.
pub type Alternatives = Vec<(char, f32)>;
/// Alternatives for every position of one line.
pub type CandidateLine = Vec<Alternatives>;

/// Tuning of [`resolve_with`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResolveOptions {
    pub parse: ParseOptions,
    /// Alternatives scoring below this are never used.
    pub min_alt_score: f32,
    /// At most this many uncertain positions are searched per check digit (the likeliest ones).
    pub max_ambiguous: usize,
    /// Two assignments that both make a check digit hold and whose log scores differ by less
    /// than this are a coin toss (e.g. `O`/`0` swapped at two places of equal weight): the
    /// reading is then not reported valid.
    pub ambiguity_margin: f32,
    /// When no reading holds with alternatives above `min_alt_score`, look-alikes down to this
    /// score are tried: a check digit that fails points at the misread place, so the printed
    /// text is often recovered — but the recogniser did not see it, so such a reading is
    /// never reported valid.
    pub rescue_alt_score: f32,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions {
            parse: ParseOptions::default(),
            min_alt_score: 0.05,
            max_ambiguous: 8,
            // e^0.5 ≈ 1.6× likelihood. On the seed-7 synthetic set the wrong-but-valid readings
            // came within 0.05–0.3 of the right one; the closest right reading on the real
            // specimens had its runner-up 0.97 behind.
            ambiguity_margin: 0.5,
            // On the seed-131 synthetic set 0.005 and 0.001 recover the same 4 readings (O/0
            // in document numbers and optional data) and turn none into a wrong one.
            rescue_alt_score: 0.005,
        }
    }
}

/// [`resolve_with`] with default options.
pub fn resolve(candidates: &[CandidateLine]) -> Option<MrzReading> {
    resolve_with(candidates, &ResolveOptions::default())
}

/// Pick the reading whose check digits hold, staying as close to the top choices as possible.
/// Returns the top-choice reading (with `check_digits_valid == false`) when no combination works,
/// and `None` when even that is not an MRZ (wrong shape, unknown layout, impossible characters).
/// When another combination holds nearly as well (see [`ResolveOptions::ambiguity_margin`]) the
/// best one is returned with `check_digits_valid == false` although each check holds.
pub fn resolve_with(candidates: &[CandidateLine], opts: &ResolveOptions) -> Option<MrzReading> {
    let alts = sorted_alternatives(candidates);
    let mut fallback = None;
    for format in formats_for(&alts) {
        let (lines, outcome) = resolve_as(format, &alts, opts);
        if outcome.all_ok {
            let mut reading = to_reading(&lines, opts)?;
            reading.check_digits_valid &= !outcome.ambiguous;
            return Some(reading);
        }
        fallback.get_or_insert(lines);
    }
    if opts.rescue_alt_score < opts.min_alt_score {
        let rescue = ResolveOptions {
            min_alt_score: opts.rescue_alt_score,
            ..*opts
        };
        for format in formats_for(&alts) {
            let (lines, outcome) = resolve_as(format, &alts, &rescue);
            if outcome.all_ok {
                let mut reading = to_reading(&lines, opts)?;
                reading.check_digits_valid = false;
                return Some(reading);
            }
        }
    }
    to_reading(&fallback?, opts)
}

fn to_reading(lines: &[Vec<char>], opts: &ResolveOptions) -> Option<MrzReading> {
    let text: Vec<String> = lines.iter().map(|l| l.iter().collect()).collect();
    let refs: Vec<&str> = text.iter().map(String::as_str).collect();
    parse_with(&refs, &opts.parse).ok()
}

/// Best first, non-finite scores treated as 0, empty positions dropped.
fn sorted_alternatives(candidates: &[CandidateLine]) -> Vec<CandidateLine> {
    candidates
        .iter()
        .map(|line| {
            line.iter()
                .filter(|a| !a.is_empty())
                .map(|a| {
                    let mut a: Vec<(char, f32)> = a
                        .iter()
                        .map(|&(c, s)| (c, if s.is_finite() { s } else { 0.0 }))
                        .collect();
                    a.sort_by(|x, y| y.1.total_cmp(&x.1));
                    a
                })
                .collect()
        })
        .collect()
}

/// Layouts worth trying for this shape, most likely first.
fn formats_for(alts: &[CandidateLine]) -> Vec<MrzFormat> {
    let lens: Vec<usize> = alts.iter().map(Vec::len).collect();
    let (document, visa) = match lens.as_slice() {
        [30, 30, 30] => return vec![MrzFormat::Td1],
        [36, 36] => (MrzFormat::Td2, MrzFormat::MrvB),
        [44, 44] => (MrzFormat::Td3, MrzFormat::MrvA),
        _ => return Vec::new(),
    };
    let code = alts
        .first()
        .and_then(|l| l.first())
        .map(|a| slot(a, Kind::Letter, 0.0).default_char());
    match (code, document) {
        (Some('V'), _) => vec![visa],
        (Some('P'), MrzFormat::Td3) | (Some('A' | 'C' | 'I'), MrzFormat::Td2) => vec![document],
        _ => vec![document, visa],
    }
}

/// Usable readings of one position; `options[0]` is the default choice.
struct Slot {
    top: char,
    options: Vec<(char, f32)>,
}

impl Slot {
    fn default_char(&self) -> char {
        self.options.first().map_or(self.top, |o| o.0)
    }
}

/// `alts` is sorted best first.
fn slot(alts: &[(char, f32)], kind: Kind, min_score: f32) -> Slot {
    let top = alts.first().copied().unwrap_or(('\0', 0.0));
    let rest = alts.iter().skip(1).copied();
    let usable = |&(c, s): &(char, f32)| kind.allows(c) && s >= min_score;
    let mut options = Vec::with_capacity(MAX_OPTIONS);
    if kind.allows(top.0) {
        options.push(top);
        options.extend(rest.filter(|a| usable(a) && confusable(top.0, a.0)));
    } else {
        // The top choice cannot be right here; a look-alike (or anything, if the top choice is
        // not even an MRZ character) may replace it.
        // A filler where a digit must be is a faint or broken digit: any digit may replace it.
        let foreign = !is_mrz_char(top.0) || (kind == Kind::Digit && top.0 == '<');
        options.extend(rest.filter(|a| usable(a) && (foreign || confusable(top.0, a.0))));
        if options.is_empty() {
            options.push(top);
        }
    }
    options.truncate(MAX_OPTIONS);
    Slot {
        top: top.0,
        options,
    }
}

/// How the check-digit search went.
struct Outcome {
    /// Every check digit holds.
    all_ok: bool,
    /// Some check digit also holds for a nearly as likely other assignment.
    ambiguous: bool,
}

/// Resolve every check digit of `format`; returns the chosen characters and how it went.
fn resolve_as(
    format: MrzFormat,
    alts: &[CandidateLine],
    opts: &ResolveOptions,
) -> (Vec<Vec<char>>, Outcome) {
    let kinds = kinds(format);
    let slots: Vec<Vec<Slot>> = alts
        .iter()
        .zip(&kinds)
        .map(|(line, k)| {
            line.iter()
                .zip(k)
                .map(|(a, &kind)| slot(a, kind, opts.min_alt_score))
                .collect()
        })
        .collect();
    let mut search = Search {
        chosen: slots
            .iter()
            .map(|l| l.iter().map(Slot::default_char).collect())
            .collect(),
        slots: &slots,
        max_ambiguous: opts.max_ambiguous,
        ambiguity_margin: opts.ambiguity_margin,
        ambiguous: false,
    };
    let groups = check_groups(format, &search.chosen);
    let (composite, fields): (Vec<CheckGroup>, Vec<CheckGroup>) =
        groups.into_iter().partition(|g| g.field == "composite");
    let mut locked: HashSet<Pos> = HashSet::new();
    let mut all_ok = true;
    for g in &fields {
        let positions: Vec<Pos> = g.data.iter().copied().chain([g.digit]).collect();
        all_ok &= search.run(g, &positions);
        locked.extend(positions);
    }
    // The composite may only move positions no other check digit already settled.
    for g in &composite {
        let positions: Vec<Pos> = g
            .data
            .iter()
            .copied()
            .filter(|p| !locked.contains(p))
            .chain([g.digit])
            .collect();
        all_ok &= search.run(g, &positions);
    }
    let outcome = Outcome {
        all_ok,
        ambiguous: search.ambiguous || (all_ok && swap_keeps_checks(format, &search.chosen)),
    };
    (search.chosen, outcome)
}

struct Search<'a> {
    slots: &'a [Vec<Slot>],
    chosen: Vec<Vec<char>>,
    max_ambiguous: usize,
    ambiguity_margin: f32,
    /// Set when a check digit had a runner-up within `ambiguity_margin`.
    ambiguous: bool,
}

impl Search<'_> {
    fn slot(&self, p: Pos) -> Option<&Slot> {
        slot_at(self.slots, p)
    }

    fn set(&mut self, (line, p): Pos, c: char) {
        if let Some(x) = self.chosen.get_mut(line).and_then(|l| l.get_mut(p)) {
            *x = c;
        }
    }

    /// Best-scoring assignment of `positions` that makes `group` hold; on failure the positions
    /// go back to the top choices and `false` is returned.
    fn run(&mut self, group: &CheckGroup, positions: &[Pos]) -> bool {
        let slots = self.slots;
        // (position, its options); `ambiguous` only returns positions that have a slot.
        let choices: Vec<(Pos, &[(char, f32)])> = self
            .ambiguous(positions)
            .into_iter()
            .filter_map(|p| slot_at(slots, p).map(|s| (p, s.options.as_slice())))
            .collect();
        let mut index = vec![0usize; choices.len()];
        let mut best: Option<(f32, Vec<usize>)> = None;
        let mut runner_up = f32::NEG_INFINITY;
        loop {
            self.apply(&choices, &index);
            if evaluate(group, &self.chosen).ok {
                let score: f32 = choices
                    .iter()
                    .zip(&index)
                    .map(|((_, o), &i)| o.get(i).map_or(0.0, |x| x.1).max(1e-6).ln())
                    .sum();
                match &best {
                    Some((b, _)) if score <= *b => runner_up = runner_up.max(score),
                    _ => {
                        if let Some((b, _)) = &best {
                            runner_up = runner_up.max(*b);
                        }
                        best = Some((score, index.clone()));
                    }
                }
            }
            if !advance(&mut index, &choices) {
                break;
            }
        }
        if let Some((score, index)) = best {
            self.ambiguous |= score - runner_up < self.ambiguity_margin;
            self.apply(&choices, &index);
            return true;
        }
        for &p in positions {
            if let Some(s) = slot_at(slots, p) {
                self.set(p, s.top);
            }
        }
        false
    }

    fn apply(&mut self, choices: &[(Pos, &[(char, f32)])], index: &[usize]) {
        for ((p, o), &i) in choices.iter().zip(index) {
            if let Some(&(c, _)) = o.get(i) {
                self.set(*p, c);
            }
        }
    }

    /// Positions with a real choice, likeliest alternatives first, cut to the search budget.
    fn ambiguous(&self, positions: &[Pos]) -> Vec<Pos> {
        let alt_score = |p: &Pos| {
            self.slot(*p)
                .and_then(|s| s.options.iter().skip(1).map(|o| o.1).reduce(f32::max))
                .unwrap_or(0.0)
        };
        let mut amb: Vec<Pos> = positions
            .iter()
            .copied()
            .filter(|&p| self.slot(p).is_some_and(|s| s.options.len() > 1))
            .collect();
        amb.sort_by(|a, b| alt_score(b).total_cmp(&alt_score(a)));
        amb.truncate(self.max_ambiguous);
        let count = |amb: &[Pos]| {
            amb.iter()
                .filter_map(|&p| self.slot(p).map(|s| s.options.len()))
                .try_fold(1usize, |acc, n| acc.checked_mul(n))
                .unwrap_or(usize::MAX)
        };
        while count(&amb) > MAX_COMBOS {
            amb.pop();
        }
        amb
    }
}

fn slot_at(slots: &[Vec<Slot>], (line, p): Pos) -> Option<&Slot> {
    slots.get(line).and_then(|l| l.get(p))
}

/// Next combination in odometer order; false after the last one.
fn advance(index: &mut [usize], choices: &[(Pos, &[(char, f32)])]) -> bool {
    for (x, (_, opts)) in index.iter_mut().zip(choices) {
        *x += 1;
        if *x < opts.len() {
            return true;
        }
        *x = 0;
    }
    false
}
