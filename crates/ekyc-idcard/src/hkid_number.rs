//! The Hong Kong identity card number: one or two letters, six digits and a check character
//! printed in brackets, e.g. `A123456(3)`.
//!
//! Check character (the published rule): letters count A=10 … Z=35 and the space before a
//! single-letter prefix counts 36; the eight positions (two letter slots, six digits) are
//! weighted 9, 8, …, 2; the check is 11 − (sum mod 11), written `A` for 10 and `0` for 11.

use crate::text::{as_digit, as_letter, compact};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HkidNumber {
    /// One or two capital letters.
    pub prefix: String,
    /// Six digits.
    pub digits: String,
    /// The check character as printed (`0`–`9` or `A`).
    pub check: char,
}

impl HkidNumber {
    /// The check character `prefix` + `digits` should carry, or `None` for a malformed input.
    pub fn expected_check(prefix: &str, digits: &str) -> Option<char> {
        let prefix_ok =
            matches!(prefix.len(), 1 | 2) && prefix.chars().all(|c| c.is_ascii_uppercase());
        if !prefix_ok || digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let padded = if prefix.len() == 1 {
            format!(" {prefix}{digits}")
        } else {
            format!("{prefix}{digits}")
        };
        let sum: u32 = padded
            .chars()
            .zip((2..=9).rev())
            .map(|(c, weight)| {
                let value = match c {
                    ' ' => 36,
                    'A'..='Z' => c as u32 - 'A' as u32 + 10,
                    _ => c.to_digit(10).unwrap_or(0),
                };
                value * weight
            })
            .sum();
        Some(match 11 - sum % 11 {
            10 => 'A',
            11 => '0',
            d => char::from_digit(d, 10).unwrap_or('?'),
        })
    }

    /// True when the printed check character matches.
    pub fn is_valid(&self) -> bool {
        HkidNumber::expected_check(&self.prefix, &self.digits) == Some(self.check)
    }

    /// Strict parse of `A123456(3)`, `A1234563` or `AB123456(A)` (spaces allowed).
    pub fn parse(text: &str) -> Option<HkidNumber> {
        let t: String = compact(text)
            .chars()
            .filter(|c| *c != '(' && *c != ')')
            .collect();
        let chars: Vec<char> = t.chars().collect();
        let prefix_len = chars.len().checked_sub(7)?;
        if !(1..=2).contains(&prefix_len) {
            return None;
        }
        let prefix: String = chars[..prefix_len].iter().collect();
        let digits: String = chars[prefix_len..prefix_len + 6].iter().collect();
        let check = chars[prefix_len + 6];
        let ok = prefix.chars().all(|c| c.is_ascii_uppercase())
            && digits.chars().all(|c| c.is_ascii_digit())
            && (check.is_ascii_digit() || check == 'A');
        ok.then_some(HkidNumber {
            prefix,
            digits,
            check,
        })
    }

    /// Look for a number in a line of OCR text, reading look-alike characters by position
    /// (a digit slot read as `O` is a `0`). Among the candidates a check-valid one wins; the
    /// printed characters are never changed to make the check hold.
    pub fn find(text: &str) -> Option<HkidNumber> {
        let chars: Vec<char> = compact(text).chars().collect();
        let mut best: Option<(bool, usize, HkidNumber)> = None;
        for start in 0..chars.len() {
            for prefix_len in [1usize, 2] {
                let Some(found) = candidate(&chars[start..], prefix_len) else {
                    continue;
                };
                let rank = (found.0.is_valid(), found.1);
                if best.as_ref().is_none_or(|b| rank > (b.0, b.1)) {
                    best = Some((rank.0, rank.1, found.0));
                }
            }
        }
        best.map(|b| b.2)
    }

    /// As printed on the card and returned by the API: `A123456(3)`.
    pub fn formatted(&self) -> String {
        format!("{}{}({})", self.prefix, self.digits, self.check)
    }
}

/// A number starting at `chars[0]` with a `prefix_len`-letter prefix, and how many of its
/// characters were read as they are (not through a look-alike).
fn candidate(chars: &[char], prefix_len: usize) -> Option<(HkidNumber, usize)> {
    let mut exact = 0;
    let mut prefix = String::new();
    // The prefix must be read as letters: a digit taken for a letter here turns any run of
    // digits (the telex codes) into a number.
    for &c in chars.get(..prefix_len)? {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        let l = as_letter(c)?;
        exact += usize::from(l == c);
        prefix.push(l);
    }
    let mut digits = String::new();
    for &c in chars.get(prefix_len..prefix_len + 6)? {
        let d = as_digit(c)?;
        exact += usize::from(d == c);
        digits.push(d);
    }
    let mut rest = chars.get(prefix_len + 6..)?.iter().copied();
    let mut next = rest.next()?;
    let bracketed = next == '(';
    if bracketed {
        next = rest.next()?;
    }
    let check = if next == 'A' { 'A' } else { as_digit(next)? };
    exact += usize::from(check == next);
    // The check character is printed in brackets; without them only a whole line counts.
    let closed = rest.next() == Some(')');
    let whole = !bracketed && chars.len() == prefix_len + 7;
    if !(bracketed || closed || whole) {
        return None;
    }
    // Most digits must be real digits, or any word with a few letters would do.
    let real_digits = digits
        .chars()
        .zip(&chars[prefix_len..])
        .filter(|(d, c)| d == *c)
        .count();
    if real_digits < 4 {
        return None;
    }
    exact += usize::from(bracketed);
    Some((
        HkidNumber {
            prefix,
            digits,
            check,
        },
        exact,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_examples() {
        // A123456(3): 36·9 + 10·8 + 1·7 + 2·6 + 3·5 + 4·4 + 5·3 + 6·2 = 481; 481 mod 11 = 8.
        assert_eq!(HkidNumber::expected_check("A", "123456"), Some('3'));
        let n = HkidNumber::parse("A123456(3)").expect("parse");
        assert!(n.is_valid());
        assert_eq!(n.formatted(), "A123456(3)");
        assert!(!HkidNumber::parse("A123456(4)").expect("parse").is_valid());
        // Check 10 → 'A', 11 → '0': search digits giving each.
        let with = |want: char| {
            (0..1_000_000)
                .map(|i| format!("{i:06}"))
                .find(|d| HkidNumber::expected_check("C", d) == Some(want))
        };
        let a = with('A').expect("some number has check A");
        assert!(HkidNumber::parse(&format!("C{a}(A)"))
            .expect("A")
            .is_valid());
        let zero = with('0').expect("some number has check 0");
        assert!(HkidNumber::parse(&format!("C{zero}(0)"))
            .expect("0")
            .is_valid());
        // Two-letter prefix.
        let check = HkidNumber::expected_check("XA", "000001").expect("check");
        assert!(HkidNumber::parse(&format!("XA000001({check})"))
            .expect("XA")
            .is_valid());
        assert_eq!(HkidNumber::expected_check("a", "123456"), None);
        assert_eq!(HkidNumber::expected_check("A", "12345"), None);
        assert!(HkidNumber::parse("123456(3)").is_none());
    }

    #[test]
    fn found_in_ocr_text_with_look_alikes() {
        let n = HkidNumber::find("A3118З1(5)").map(|n| n.formatted());
        assert_eq!(n, None, "a Cyrillic letter is not a digit");
        let n = HkidNumber::find("  A311831（5） ").expect("found");
        assert_eq!(n.formatted(), "A311831(5)");
        assert!(n.is_valid());
        // 'O' in a digit slot is a zero; the check still holds.
        let n = HkidNumber::find("E O97694(A)").expect("found");
        assert_eq!(n.formatted(), "E097694(A)");
        assert!(n.is_valid());
        // A wrong check digit is reported as printed, not fixed.
        let n = HkidNumber::find("A123456(4)").expect("found");
        assert!(!n.is_valid());
        assert!(HkidNumber::find("CHOW, Shing Yee").is_none());
        assert!(HkidNumber::find("03-02-1999").is_none());
        // Telex codes are digits only: no number hides in them.
        assert!(HkidNumber::find("3827 3326 0301").is_none());
        assert!(HkidNumber::find("x A123456 3 y").is_none());
        assert_eq!(
            HkidNumber::find("A1234563").map(|n| n.formatted()),
            Some("A123456(3)".into())
        );
    }
}
