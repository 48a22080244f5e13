//! The closing check digits placed a cell off. Every passport's and card's second line ends
//! in its composite check digit, never in a filler; when the cells from positions end in a
//! filler or up to three right after a run of digits (`…<<<<86<`, `…<<06<<<`), the digits
//! were placed early (the net merged fillers of the run before them), and a filler between the last two
//! digits after a filler run (`…<<<0<0`) was placed one cell late. Visas end in optional data,
//! which may be a filler, so they are left alone.

use ekyc_mrz::CandidateLine;

/// Most fillers a line may end in and still be taken for closing digits placed early: the net
/// merges a cell or two of a long filler run, and a line box cut short at its start shifts the
/// whole line by up to three cells.
const MAX_TRAILING_FILLERS: usize = 3;

/// The most likely character of a cell.
fn top(cell: &[(char, f32)]) -> Option<char> {
    cell.iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|a| a.0)
}

/// `candidates` with the second line's closing digits put together at its end (the filler
/// that ended the line or split them moved before them), or `None` when the line does not
/// end that way.
pub fn closing_digit_moved(candidates: &[CandidateLine]) -> Option<Vec<CandidateLine>> {
    let code = candidates.first()?.first().and_then(|c| top(c))?;
    if code == 'V' || !matches!(candidates.len(), 2 | 3) {
        return None;
    }
    let line = candidates.get(1)?;
    let n = line.len();
    if n < 30 {
        return None;
    }
    let is = |k: usize, want: fn(char) -> bool| top(&line[k]).is_some_and(want);
    let filler = |c: char| c == '<';
    let digit = |c: char| c.is_ascii_digit();
    // `…<0<0`: the last two check digits split by a filler the net placed between them.
    if is(n - 1, digit) && is(n - 2, filler) && is(n - 3, digit) && is(n - 4, filler) {
        let mut moved = line.clone();
        let gap = moved.remove(n - 2);
        moved.insert(n - 3, gap);
        let mut out = candidates.to_vec();
        out[1] = moved;
        return Some(out);
    }
    // The fillers that end the line, the digits before them, and the filler run before those.
    let trailing = line
        .iter()
        .rev()
        .take_while(|c| top(c) == Some('<'))
        .count();
    if !(1..=MAX_TRAILING_FILLERS).contains(&trailing) {
        return None;
    }
    let end = n - trailing;
    let digits = line[..end]
        .iter()
        .rev()
        .take_while(|c| top(c).is_some_and(|ch| ch.is_ascii_digit()))
        .count();
    let before = end - digits;
    if !(1..=2).contains(&digits) || before == 0 || top(&line[before - 1])? != '<' {
        return None;
    }
    let mut moved = line.clone();
    let fillers: Vec<_> = moved.drain(end..).collect();
    moved.splice(before..before, fillers);
    let mut out = candidates.to_vec();
    out[1] = moved;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> CandidateLine {
        text.chars().map(|c| vec![(c, 0.9)]).collect()
    }

    fn text(line: &CandidateLine) -> String {
        line.iter().map(|c| top(c).unwrap()).collect()
    }

    #[test]
    fn digits_placed_early_move_to_the_line_end() {
        let lines = vec![
            cells("POBRVNAKAMURA<<AIKO<<<<<<<<<<<<<<<<<<<<<<<<<"),
            cells("02827427<8OXO9103166F2910024A8T6LU<<<<<<<86<"),
        ];
        let moved = closing_digit_moved(&lines).expect("moved");
        assert_eq!(
            text(&moved[1]),
            "02827427<8OXO9103166F2910024A8T6LU<<<<<<<<86"
        );
        assert_eq!(moved[0], lines[0]);
        let three = vec![
            cells("P<D<<ROSSI<<NOOR<<<<<<<<<<<<<<<<<<<<<<<<<<<<"),
            cells("7597204<<6D<<6204109M2803272<<<<<<<<<<<06<<<"),
        ];
        let moved = closing_digit_moved(&three).expect("moved");
        assert_eq!(
            text(&moved[1]),
            "7597204<<6D<<6204109M2803272<<<<<<<<<<<<<<06"
        );
        let split = vec![
            cells("P<FRQOBRIEN<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<<<"),
            cells("XE530515<6FRQ1801248M3510144<<<<<<<<<<<<<0<0"),
        ];
        let moved = closing_digit_moved(&split).expect("moved");
        assert_eq!(
            text(&moved[1]),
            "XE530515<6FRQ1801248M3510144<<<<<<<<<<<<<<00"
        );
    }

    #[test]
    fn lines_ending_right_and_visas_stay() {
        let right = vec![
            cells("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
            cells("L898902C36UTO7408122F1204159ZE184226B<<<<<10"),
        ];
        assert!(closing_digit_moved(&right).is_none());
        let visa = vec![
            cells("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
            cells("L8988901C4XXX4009078F96121096ZE184226B<<<<1<"),
        ];
        assert!(closing_digit_moved(&visa).is_none());
        let four = vec![
            cells("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
            cells("L898902C36UTO7408122F1204159ZE184<<<<<<<10<<<<"),
        ];
        assert!(closing_digit_moved(&four).is_none());
    }
}
