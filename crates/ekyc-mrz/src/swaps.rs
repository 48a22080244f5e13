//! `O` and `0` weigh alike in a check digit when their places' weights add up right (`O` is 24,
//! so flipping `O`↔`0` at places whose weights sum to a multiple of 5 keeps the digit): a field
//! that prints both can be misread with some of them swapped and still pass every check. No MRZ
//! rule tells such readings apart, so they are not reported valid.

use crate::groups::{check_groups, evaluate};
use crate::layout::{MrzFormat, Pos};

/// Most `O`/`0` places of one field tried in all subsets (2^12 evaluations at worst).
const MAX_FLIPS: usize = 12;

/// Some field of `lines` prints both `O` and `0`, and flipping some of them keeps every check
/// digit holding.
pub(crate) fn swap_keeps_checks(format: MrzFormat, lines: &[Vec<char>]) -> bool {
    let groups = check_groups(format, lines);
    let all_hold = |chars: &[Vec<char>]| groups.iter().all(|g| evaluate(g, chars).ok);
    for g in groups.iter().filter(|g| g.field != "composite") {
        let places: Vec<Pos> = g
            .data
            .iter()
            .copied()
            .filter(|&p| matches!(at(lines, p), Some('O' | '0')))
            .take(MAX_FLIPS)
            .collect();
        let has = |c: char| places.iter().any(|&p| at(lines, p) == Some(c));
        if !(has('O') && has('0')) {
            continue;
        }
        for mask in 1u32..(1 << places.len()) {
            let mut flipped = lines.to_vec();
            for (k, &(line, p)) in places.iter().enumerate() {
                if mask & (1 << k) != 0 {
                    let c = &mut flipped[line][p];
                    *c = if *c == 'O' { '0' } else { 'O' };
                }
            }
            if all_hold(&flipped) {
                return true;
            }
        }
    }
    false
}

fn at(lines: &[Vec<char>], (line, p): Pos) -> Option<char> {
    lines.get(line).and_then(|l| l.get(p)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(lines: &[&str]) -> Vec<Vec<char>> {
        lines.iter().map(|l| l.chars().collect()).collect()
    }

    #[test]
    fn a_number_mixing_o_and_zero_that_survives_a_swap_is_flagged() {
        // Seed-7 photo s7_0026: `M0MDO7RMU1` and `MOMD07RMU1` share their check digit.
        let td2 = [
            "C<FRQSCHWARZENEGGER<<MARIA<<<<<<<<<<",
            "M0MDO7RMU1ZAR8310121<3009152021<<<<3",
        ];
        assert!(swap_keeps_checks(MrzFormat::Td2, &chars(&td2)));
    }

    #[test]
    fn numbers_with_only_zeros_or_no_swap_that_holds_are_not() {
        // ICAO 9303 specimen: digits only.
        let td3 = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ];
        assert!(!swap_keeps_checks(MrzFormat::Td3, &chars(&td3)));
        // `O` and `0` at weights 7 and 1 (sum 8): no flip keeps the document number's digit.
        let td1 = [
            "I<UTOAO<0<<<<<2<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        let lines = chars(&td1);
        let groups = check_groups(MrzFormat::Td1, &lines);
        let doc = groups.iter().find(|g| g.field == "document_number");
        assert!(doc.is_some_and(|g| evaluate(g, &lines).ok));
        assert!(!swap_keeps_checks(MrzFormat::Td1, &lines));
    }
}
