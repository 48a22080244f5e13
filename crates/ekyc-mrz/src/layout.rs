//! Where each field sits in each MRZ layout (ICAO 9303 Parts 4-7), and what kind of character
//! each position may hold. Positions here are 0-based; the standard counts from 1.

use serde::{Deserialize, Serialize};

/// The five MRZ layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MrzFormat {
    /// ID-1 card size, 3 lines of 30.
    #[serde(rename = "TD1")]
    Td1,
    /// ID-2 size, 2 lines of 36.
    #[serde(rename = "TD2")]
    Td2,
    /// Passport book, 2 lines of 44.
    #[serde(rename = "TD3")]
    Td3,
    /// Full-size visa, 2 lines of 44.
    #[serde(rename = "MRVA")]
    MrvA,
    /// Small visa, 2 lines of 36.
    #[serde(rename = "MRVB")]
    MrvB,
}

impl MrzFormat {
    /// Short name: "TD1", "TD2", "TD3", "MRVA", "MRVB".
    pub fn as_str(self) -> &'static str {
        match self {
            MrzFormat::Td1 => "TD1",
            MrzFormat::Td2 => "TD2",
            MrzFormat::Td3 => "TD3",
            MrzFormat::MrvA => "MRVA",
            MrzFormat::MrvB => "MRVB",
        }
    }

    /// Number of lines.
    pub fn line_count(self) -> usize {
        self.layout().line_count
    }

    /// Characters per line.
    pub fn line_len(self) -> usize {
        self.layout().line_len
    }

    /// True for the two visa layouts (no composite check digit).
    pub fn is_visa(self) -> bool {
        matches!(self, MrzFormat::MrvA | MrzFormat::MrvB)
    }

    pub(crate) fn layout(self) -> &'static Layout {
        match self {
            MrzFormat::Td1 => &TD1,
            MrzFormat::Td2 => &TD2,
            MrzFormat::Td3 => &TD3,
            MrzFormat::MrvA => &MRVA,
            MrzFormat::MrvB => &MRVB,
        }
    }
}

/// A run of positions `start..end` on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub line: usize,
    pub start: usize,
    pub end: usize,
}

/// One position.
pub(crate) type Pos = (usize, usize);

const fn span(line: usize, start: usize, end: usize) -> Span {
    Span { line, start, end }
}

/// Field map of one layout.
#[derive(Debug)]
pub(crate) struct Layout {
    pub line_count: usize,
    pub line_len: usize,
    pub document_code: Span,
    pub issuing_state: Span,
    pub name: Span,
    pub document_number: Span,
    pub document_number_cd: Pos,
    pub nationality: Span,
    pub birth: Span,
    pub birth_cd: Pos,
    pub sex: Pos,
    pub expiry: Span,
    pub expiry_cd: Pos,
    pub optional: Span,
    /// TD3 only: the personal number has its own check digit.
    pub optional_cd: Option<Pos>,
    /// TD1 only: optional data on line 2.
    pub optional_2: Option<Span>,
    /// Spans covered by the composite check digit, and where it sits; visas have none.
    pub composite: Option<(&'static [Span], Pos)>,
    /// TD1/TD2: a document number longer than 9 overflows into the optional data (Part 5/6 note j).
    pub number_overflow: bool,
}

const TD1: Layout = Layout {
    line_count: 3,
    line_len: 30,
    document_code: span(0, 0, 2),
    issuing_state: span(0, 2, 5),
    document_number: span(0, 5, 14),
    document_number_cd: (0, 14),
    optional: span(0, 15, 30),
    birth: span(1, 0, 6),
    birth_cd: (1, 6),
    sex: (1, 7),
    expiry: span(1, 8, 14),
    expiry_cd: (1, 14),
    nationality: span(1, 15, 18),
    optional_2: Some(span(1, 18, 29)),
    name: span(2, 0, 30),
    optional_cd: None,
    composite: Some((
        &[
            span(0, 5, 30),
            span(1, 0, 7),
            span(1, 8, 15),
            span(1, 18, 29),
        ],
        (1, 29),
    )),
    number_overflow: true,
};

/// Line 2 of TD2 and MRV-B share everything up to the optional data.
const TD2: Layout = Layout {
    line_count: 2,
    line_len: 36,
    document_code: span(0, 0, 2),
    issuing_state: span(0, 2, 5),
    name: span(0, 5, 36),
    document_number: span(1, 0, 9),
    document_number_cd: (1, 9),
    nationality: span(1, 10, 13),
    birth: span(1, 13, 19),
    birth_cd: (1, 19),
    sex: (1, 20),
    expiry: span(1, 21, 27),
    expiry_cd: (1, 27),
    optional: span(1, 28, 35),
    optional_cd: None,
    optional_2: None,
    composite: Some((&[span(1, 0, 10), span(1, 13, 20), span(1, 21, 35)], (1, 35))),
    number_overflow: true,
};

const MRVB: Layout = Layout {
    optional: span(1, 28, 36),
    composite: None,
    number_overflow: false,
    ..TD2
};

const TD3: Layout = Layout {
    line_count: 2,
    line_len: 44,
    name: span(0, 5, 44),
    optional: span(1, 28, 42),
    optional_cd: Some((1, 42)),
    composite: Some((&[span(1, 0, 10), span(1, 13, 20), span(1, 21, 43)], (1, 43))),
    number_overflow: false,
    ..TD2
};

const MRVA: Layout = Layout {
    optional: span(1, 28, 44),
    optional_cd: None,
    composite: None,
    ..TD3
};

/// What a position may legitimately hold; the OCR resolver uses it to reject impossible readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Anything in the MRZ alphabet (document number, optional data).
    Any,
    /// Letters and fillers (codes, country codes, names).
    Letter,
    /// Digits only (dates, check digits).
    Digit,
    /// A check digit that may legitimately be a filler.
    DigitOrFiller,
    /// `M`, `F`, `X` or `<`.
    Sex,
}

impl Kind {
    pub fn allows(self, c: char) -> bool {
        match self {
            Kind::Any => crate::check::is_mrz_char(c),
            Kind::Letter => c.is_ascii_uppercase() || c == '<',
            Kind::Digit => c.is_ascii_digit(),
            Kind::DigitOrFiller => c.is_ascii_digit() || c == '<',
            Kind::Sex => matches!(c, 'M' | 'F' | 'X' | '<'),
        }
    }
}

/// Kind of every position of `format`, indexed `[line][position]`.
pub(crate) fn kinds(format: MrzFormat) -> Vec<Vec<Kind>> {
    let l = format.layout();
    let mut k = vec![vec![Kind::Any; l.line_len]; l.line_count];
    let mut set_span = |s: Span, kind: Kind| {
        if let Some(line) = k.get_mut(s.line) {
            for x in line.iter_mut().take(s.end).skip(s.start) {
                *x = kind;
            }
        }
    };
    for s in [l.document_code, l.issuing_state, l.nationality, l.name] {
        set_span(s, Kind::Letter);
    }
    set_span(l.birth, Kind::Digit);
    set_span(l.expiry, Kind::Digit);
    let cd_kind = if l.number_overflow {
        Kind::DigitOrFiller
    } else {
        Kind::Digit
    };
    let mut set = |p: Pos, kind: Kind| set_span(span(p.0, p.1, p.1 + 1), kind);
    set(l.document_number_cd, cd_kind);
    set(l.birth_cd, Kind::Digit);
    set(l.expiry_cd, Kind::Digit);
    set(l.sex, Kind::Sex);
    if let Some(p) = l.optional_cd {
        set(p, Kind::DigitOrFiller);
    }
    if let Some((_, p)) = l.composite {
        set(p, Kind::Digit);
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_fit_lines() {
        for f in [
            MrzFormat::Td1,
            MrzFormat::Td2,
            MrzFormat::Td3,
            MrzFormat::MrvA,
            MrzFormat::MrvB,
        ] {
            let l = f.layout();
            let mut spans = vec![
                l.document_code,
                l.issuing_state,
                l.name,
                l.document_number,
                l.nationality,
                l.birth,
                l.expiry,
                l.optional,
            ];
            spans.extend(l.optional_2);
            for s in spans {
                assert!(s.line < l.line_count && s.start < s.end && s.end <= l.line_len);
            }
            let k = kinds(f);
            assert_eq!(k.len(), f.line_count());
            assert!(k.iter().all(|line| line.len() == f.line_len()));
        }
        assert_eq!(MrzFormat::MrvB.as_str(), "MRVB");
        assert!(MrzFormat::MrvA.is_visa() && !MrzFormat::Td3.is_visa());
    }
}
