//! Grid fitting and placing on recorded and made-up lines.

use super::*;

/// A line read from `cells` (one char per cell, '.' = nothing read there), each character at
/// its cell's centre plus `jitter(k)`; fillers of a run are read as one every other cell.
fn read(cells: &str, pitch: f32, start: f32, jitter: impl Fn(usize) -> f32) -> RecognizedLine {
    let mut text = String::new();
    let mut positions = Vec::new();
    for (k, c) in cells.chars().enumerate() {
        if c == '.' {
            continue;
        }
        text.push(c);
        positions.push(start + pitch * k as f32 + jitter(k));
    }
    RecognizedLine {
        alternatives: text.chars().map(|c| vec![(c, 0.9)]).collect(),
        text,
        confidence: 0.9,
        positions,
    }
}

fn text(line: &CandidateLine) -> String {
    line.iter().map(|a| a[0].0).collect()
}

const L1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const L2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

#[test]
fn merged_and_faded_filler_runs_take_their_cells() {
    // Line 1 lost its trailing fillers, line 2 read every other filler of its run.
    let l1 = read(&L1[..25], 20.0, 10.0, |k| (k % 3) as f32 - 1.0);
    let l2 = read(
        &L2.chars()
            .enumerate()
            .map(|(k, c)| if c == '<' && k % 2 == 0 { '.' } else { c })
            .collect::<String>(),
        20.0,
        11.0,
        |k| (k % 2) as f32,
    );
    assert!(l2.text.len() < 44 && l1.text.len() < 44);
    let lines = assemble(&[l1, l2]).expect("placed");
    assert_eq!(text(&lines[0].cells), L1);
    assert_eq!(text(&lines[1].cells), L2);
}

#[test]
fn a_pitch_shrinking_along_the_line() {
    // A page photographed at an angle: the far end's cells are 15 % narrower, and line 2
    // starts 4 px right of line 1; both lost fillers.
    let at = |k: usize| 20.0 * k as f32 - 0.035 * (k * k) as f32;
    let thin = |s: &str| -> String {
        s.chars()
            .enumerate()
            .map(|(k, c)| if c == '<' && k % 3 != 0 { '.' } else { c })
            .collect()
    };
    let l1 = read(&thin(L1), 1.0, 10.0, |k| at(k) - k as f32);
    let l2 = read(&thin(L2), 1.0, 14.0, |k| at(k) - k as f32);
    let lines = assemble(&[l1, l2]).expect("placed");
    assert_eq!(text(&lines[0].cells), L1);
    assert_eq!(text(&lines[1].cells), L2);
}

/// A line read with these characters at these positions (as a recogniser gives them).
fn recorded(text: &str, positions: &[f32]) -> RecognizedLine {
    RecognizedLine {
        alternatives: text.chars().map(|c| vec![(c, 0.9)]).collect(),
        text: text.into(),
        confidence: 0.9,
        positions: positions.to_vec(),
    }
}

#[test]
fn uneven_first_cells_do_not_bend_the_far_cells_off() {
    // Recorded on a phone photo in perspective (coarse look): line 2's first cells stand
    // unevenly, and a bend fitted on them alone threw the line's end off the grid.
    let l1 = recorded(
        "PDNRDMEIER<<PETER<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        &[
            35., 60., 85., 110., 135., 160., 184., 209., 234., 259., 284., 322., 334., 365., 384.,
            422., 447., 472., 497., 521., 546., 571., 596., 621., 646., 671., 696., 734., 759.,
            784., 809., 833., 858., 883., 908., 933., 958., 996., 1021., 1046., 1071., 1096.,
            1121., 1145.,
        ],
    );
    let l2 = recorded(
        "90852847<92AR4710099F3504048<<<<<<<<<<<<<<0",
        &[
            38., 65., 92., 106., 133., 160., 188., 215., 242., 270., 290., 311., 338., 365., 392.,
            420., 440., 474., 488., 529., 542., 570., 597., 624., 645., 679., 699., 726., 747.,
            774., 802., 829., 856., 883., 911., 938., 965., 992., 1020., 1061., 1088., 1129.,
            1142.,
        ],
    );
    let lines = assemble(&[l1, l2]).expect("placed");
    assert_eq!(
        text(&lines[0].cells),
        "PDNRDMEIER<<PETER<<<<<<<<<<<<<<<<<<<<<<<<<<<"
    );
    assert_eq!(
        text(&lines[1].cells),
        "90852847<92AR4710099F3504048<<<<<<<<<<<<<<<0"
    );
}

#[test]
fn a_skipped_letter_leaves_its_cell_unread() {
    // The recogniser skipped the K of ERIKSSON (cell 8): its cell holds a filler, flagged.
    let cells: String = L1
        .chars()
        .enumerate()
        .map(|(k, c)| if k == 8 { '.' } else { c })
        .collect();
    let l1 = read(&cells, 20.0, 10.0, |_| 0.0);
    let l2 = read(L2, 20.0, 10.0, |_| 0.0);
    let lines = assemble(&[l1, l2]).expect("placed");
    assert_eq!(&text(&lines[0].cells)[..13], "P<UTOERI<SSON");
    assert_eq!(lines[0].unread, vec![8]);
    assert!(lines[1].unread.is_empty());
}

#[test]
fn the_band_length_comes_from_the_cells_spanned() {
    let short1 = "I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<";
    let short2 = "D231458907UTO3407127M95071227349<<<8";
    let l1 = read(short1, 18.0, 5.0, |_| 0.0);
    let l2 = read(short2, 18.0, 5.0, |_| 0.0);
    let grid = fit_grid(&[l1.clone(), l2.clone()]).expect("grid");
    assert!((grid.pitch() - 18.0).abs() < 0.1, "{grid:?}");
    assert_eq!(line_length(&[l1, l2], &grid), Some(36));
}

#[test]
fn a_letter_outside_the_line_or_uneven_spacing_is_no_grid() {
    let l1 = read(L1, 20.0, 10.0, |_| 0.0);
    let mut stray = read(L2, 20.0, 10.0, |_| 0.0);
    stray.text.push('7');
    stray.positions.push(10.0 + 20.0 * 47.0);
    stray.alternatives.push(vec![('7', 0.9)]);
    assert!(assemble(&[l1.clone(), stray]).is_none());
    // Positions that do not follow one pitch (cells off by up to half a pitch).
    let wobbly = read(L2, 20.0, 10.0, |k| [0.0, 12.0, -12.0][k % 3]);
    assert!(fit_grid(&[wobbly]).is_none());
    // Within half a pitch every character still finds its cell.
    let jittered = read(L2, 20.0, 10.0, |k| [0.0, 6.0, -6.0, 3.0][k % 4]);
    let lines = assemble(&[l1, jittered]).expect("placed");
    assert_eq!(text(&lines[1].cells), L2);
    // Too few characters.
    assert!(fit_grid(&[read("P<UTO", 20.0, 0.0, |_| 0.0)]).is_none());
}

#[test]
fn two_characters_in_one_cell_spread_to_a_free_neighbour() {
    let mut l = read(L2, 20.0, 10.0, |_| 0.0);
    // '<' at cell 37 read as a letter nudged right of cell 36's 'B'.
    let grid = fit_grid(std::slice::from_ref(&l)).expect("grid");
    l.positions[37] = 10.0 + 20.0 * 36.3;
    l.text.replace_range(37..38, "K");
    l.alternatives[37] = vec![('K', 0.6)];
    let placed = place(&l, 0, &grid, 44).expect("placed");
    assert_eq!(placed.cells[36][0].0, 'B');
    assert_eq!(placed.cells[37][0].0, 'K');
}

#[test]
fn a_word_whose_cells_round_apart_fills_adjacent_cells() {
    // Recorded on a tilted passport: the pitch runs uneven across ROSSI, so its second S
    // rounded a cell late and the `<<` after it lost a filler ("ROS<SI<SVEN").
    let cells = [2.0, 3.1, 4.2, 5.2, 5.8, 6.9, 8.5, 9.1];
    let text = "GBRROSSI<SVEN";
    let at: Vec<f32> = cells
        .iter()
        .copied()
        .chain([11.3, 12.4, 12.9, 14.0, 15.1])
        .collect();
    let placed = word_cells(text, &at);
    assert_eq!(
        placed,
        vec![2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 11.0, 12.0, 13.0, 14.0, 15.0]
    );
    // A skipped letter steps the rest of its word by a cell: the word is left as read.
    let skipped = [5.0, 6.1, 6.9, 9.0, 10.1, 10.9];
    assert_eq!(
        word_cells("ERISSO", &skipped),
        vec![5.0, 6.0, 7.0, 9.0, 10.0, 11.0]
    );
}
