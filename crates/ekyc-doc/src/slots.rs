//! Positional assembly of MRZ lines. OCR-B is monospaced and every line of an MRZ starts at the
//! same place with the same pitch, so a character's position along its line box tells which
//! cell it fills. CTC nets merge long runs of fillers (`<<<<<<` read as `<<<<`) and drop the faded
//! ones at a line's end; counting cells instead of characters puts the check digits after such
//! a run back where they belong, and shows which layout (30, 36 or 44 cells) the band has.

use ekyc_mrz::CandidateLine;

use crate::ctc::RecognizedLine;

/// Fewer anchor characters than this give no trustworthy grid.
const MIN_ANCHORS: usize = 12;
/// Mean distance of the anchors from their cell centres, in pitches, above which the grid is
/// not trusted (the characters are not evenly spaced: a slanted or curved line).
const MAX_MEAN_RESIDUAL: f32 = 0.2;
/// Largest bend of the cell mapping relative to its slope (the pitch then changes by at most
/// about a quarter from one end of the line to the other).
const MAX_BEND: f32 = 0.12;

/// Character cells along the lines. The cell at position `x` of line `l` is
/// `offset[l] + slope * t + bend * t²` with `t = (x - origin) / scale`: one pitch for the band,
/// a sub-cell offset per line (lines are cut out separately) and a mild bend for the pitch
/// shrinking towards the far side of a page photographed at an angle.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    origin: f32,
    scale: f32,
    offsets: Vec<f32>,
    slope: f32,
    bend: f32,
}

impl Grid {
    /// Fractional cell of position `x` on line `line`.
    pub fn cell(&self, line: usize, x: f32) -> f32 {
        let t = (x - self.origin) / self.scale;
        self.offsets.get(line).copied().unwrap_or(0.0) + self.slope * t + self.bend * t * t
    }

    /// Width of one cell near the start, in position units.
    #[cfg(test)]
    pub fn pitch(&self) -> f32 {
        self.scale / self.slope
    }
}

/// Non-filler characters with their positions: fillers are the ones CTC merges and misplaces.
fn anchors(line: &RecognizedLine) -> impl Iterator<Item = f32> + '_ {
    line.text
        .chars()
        .zip(&line.positions)
        .filter(|(c, _)| *c != '<')
        .map(|(_, &x)| x)
}

/// Pitch from runs of letters and digits: each fills adjacent cells, so a run of `m` spans
/// `m - 1` pitches (single steps are quantised to the net's frames). A step over 1.5 times the
/// median step skipped a cell (a filler not read) and ends the run.
fn run_pitch(lines: &[RecognizedLine]) -> Option<f32> {
    let runs: Vec<Vec<f32>> = lines
        .iter()
        .flat_map(|line| {
            let chars: Vec<(char, f32)> = line.text.chars().zip(line.positions.clone()).collect();
            chars
                .split(|(c, _)| *c == '<')
                .map(|run| run.iter().map(|&(_, x)| x).collect::<Vec<f32>>())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut steps: Vec<f32> = runs
        .iter()
        .flat_map(|r| r.windows(2).map(|w| w[1] - w[0]))
        .collect();
    if steps.len() < MIN_ANCHORS / 2 {
        return None;
    }
    steps.sort_by(f32::total_cmp);
    let median = steps[steps.len() / 2];
    let (mut span, mut count) = (0.0f32, 0usize);
    for run in &runs {
        for piece in split_at_gaps(run, 1.5 * median) {
            if piece.len() >= 3 && piece[piece.len() - 1] > piece[0] {
                span += piece[piece.len() - 1] - piece[0];
                count += piece.len() - 1;
            }
        }
    }
    let pitch = span / count.max(1) as f32;
    (count >= MIN_ANCHORS / 2 && pitch.is_finite() && pitch > 0.0).then_some(pitch)
}

/// `run` (increasing positions) cut where a step exceeds `max_step`.
fn split_at_gaps(run: &[f32], max_step: f32) -> Vec<&[f32]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for i in 1..run.len() {
        if run[i] - run[i - 1] > max_step {
            pieces.push(&run[start..i]);
            start = i;
        }
    }
    if start < run.len() {
        pieces.push(&run[start..]);
    }
    pieces
}

/// Fit the cells to the non-filler characters of all lines: start from the run pitch with each
/// line's first character in cell 0 (every MRZ line starts with a letter or digit; one that
/// lies a cell further right than the others' lost it), then refit by least squares on the
/// cells the characters round to.
pub fn fit_grid(lines: &[RecognizedLine]) -> Option<Grid> {
    if lines.is_empty()
        || lines
            .iter()
            .any(|l| l.positions.len() != l.text.chars().count())
    {
        return None;
    }
    let count: usize = lines.iter().map(|l| anchors(l).count()).sum();
    let pitch = run_pitch(lines)?;
    if count < MIN_ANCHORS {
        return None;
    }
    let firsts: Vec<Option<f32>> = lines.iter().map(|l| anchors(l).next()).collect();
    let leftmost = firsts.iter().flatten().copied().fold(f32::MAX, f32::min);
    let last = lines
        .iter()
        .flat_map(|l| l.positions.iter().copied())
        .fold(leftmost, f32::max);
    let scale = (last - leftmost).max(pitch);
    let offsets = firsts
        .iter()
        .map(|f| {
            let first = f.unwrap_or(leftmost);
            let behind = (first - leftmost) / pitch;
            let cell = if behind < 0.75 { 0.0 } else { behind.round() };
            cell - (first - leftmost) / pitch
        })
        .collect();
    if std::env::var_os("EKYC_MRZ_DEBUG").is_some() {
        eprintln!("  fit: pitch {pitch:.2} leftmost {leftmost:.1} last {last:.1} anchors {count}");
    }
    let mut grid = Grid {
        origin: leftmost,
        scale,
        offsets,
        slope: scale / pitch,
        bend: 0.0,
    };
    // Near cells first: a small error of the first pitch adds up along the line.
    for reach in [16.0, 28.0, 40.0, f32::MAX, f32::MAX] {
        // The bend is fitted from the first cells on; when that throws the far cells off
        // (fitted on a few cells only, it is barely constrained: strong perspective), the
        // refit holds the bend it had.
        let fit = |bend_free| {
            let spec = Fit {
                reach,
                pin: None,
                bend_free,
            };
            refit(lines, &grid, &spec)
        };
        let Some(next) = fit(true).or_else(|| fit(false)) else {
            if std::env::var_os("EKYC_MRZ_DEBUG").is_some() {
                eprintln!("  refit failed at reach {reach} from {grid:?}");
            }
            return None;
        };
        grid = next;
    }
    let residual = mean_residual(lines, &grid);
    if std::env::var_os("EKYC_MRZ_DEBUG").is_some() {
        eprintln!("  grid {grid:?} residual {residual:.3}");
        for (l, line) in lines.iter().enumerate() {
            let cells: Vec<String> = line
                .positions
                .iter()
                .map(|&x| format!("{:.1}", grid.cell(l, x)))
                .collect();
            eprintln!("   cells {}", cells.join(" "));
        }
    }
    (residual <= MAX_MEAN_RESIDUAL).then_some(grid)
}

fn mean_residual(lines: &[RecognizedLine], grid: &Grid) -> f32 {
    let (mut sum, mut n) = (0.0, 0usize);
    for (l, line) in lines.iter().enumerate() {
        for x in anchors(line) {
            let c = grid.cell(l, x);
            sum += (c - c.round()).abs();
            n += 1;
        }
    }
    sum / n.max(1) as f32
}

/// A character held to a given cell by a refit: (line, position, cell).
type Pin = (usize, f32, f32);

/// Weight of a pinned character against the others in a refit.
const PIN_WEIGHT: f64 = 4.0;

/// What a refit fits: anchors up to cell `reach`, one of them maybe `pin`ned, the bend fitted
/// too or held at the grid's.
struct Fit {
    reach: f32,
    pin: Option<Pin>,
    bend_free: bool,
}

/// Least squares for offsets, slope (and bend) with each anchor up to cell `fit.reach` in the cell
/// `grid` rounds it to, or the `fit.pin`ned one in its cell.
fn refit(lines: &[RecognizedLine], grid: &Grid, fit: &Fit) -> Option<Grid> {
    let Fit {
        reach,
        pin,
        bend_free,
    } = *fit;
    let n_lines = lines.len();
    let n = n_lines + 1 + usize::from(bend_free);
    // Normal equations A p = b over p = (offset_0.., slope[, bend]).
    let mut a = vec![vec![0.0f64; n]; n];
    let mut b = vec![0.0f64; n];
    for (l, line) in lines.iter().enumerate() {
        for x in anchors(line) {
            let cell = grid.cell(l, x);
            if cell > reach {
                continue;
            }
            let pinned = pin.filter(|&(pl, px, _)| pl == l && px == x);
            let t = ((x - grid.origin) / grid.scale) as f64;
            let fixed_bend = if bend_free {
                0.0
            } else {
                grid.bend as f64 * t * t
            };
            let target = pinned.map_or(cell.round(), |p| p.2) as f64 - fixed_bend;
            let w = if pinned.is_some() { PIN_WEIGHT } else { 1.0 };
            let mut row = vec![0.0f64; n];
            row[l] = 1.0;
            row[n_lines] = t;
            if bend_free {
                row[n_lines + 1] = t * t;
            }
            for i in 0..n {
                b[i] += w * row[i] * target;
                for j in 0..n {
                    a[i][j] += w * row[i] * row[j];
                }
            }
        }
    }
    let p = solve(a, b)?;
    let next = Grid {
        offsets: p[..n_lines].iter().map(|&v| v as f32).collect(),
        slope: p[n_lines] as f32,
        bend: if bend_free {
            p[n_lines + 1] as f32
        } else {
            grid.bend
        },
        ..grid.clone()
    };
    // The pitch changes little along a line (mild perspective), and a refit that moves it by
    // more than a tenth has locked onto the wrong cells.
    let ok_bend = next.bend.abs() <= MAX_BEND * next.slope.abs();
    let ok_slope = (0.9 * grid.slope..=1.1 * grid.slope).contains(&next.slope);
    (ok_bend && ok_slope && next.slope.is_finite()).then_some(next)
}

/// Gaussian elimination with partial pivoting; `None` for a singular system.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-9 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col].clone();
            for (v, p) in a[row].iter_mut().zip(&pivot_row).skip(col) {
                *v -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let rest: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - rest) / a[row][row];
    }
    Some(x)
}

/// Cells the band's lines span: the furthest character of any line (the last line of every
/// layout ends with a check digit).
fn cells_spanned(lines: &[RecognizedLine], grid: &Grid) -> usize {
    lines
        .iter()
        .enumerate()
        .flat_map(|(l, line)| line.positions.iter().map(move |&x| grid.cell(l, x).round()))
        .fold(0.0f32, f32::max) as usize
        + 1
}

/// The layout's line length: 30 for three lines; for two, 36 or 44 by the cells spanned.
pub fn line_length(lines: &[RecognizedLine], grid: &Grid) -> Option<usize> {
    match lines.len() {
        3 => Some(30),
        2 => match cells_spanned(lines, grid) {
            40..=46 => Some(44),
            33..=39 => Some(36),
            _ => None,
        },
        _ => None,
    }
}

/// Put each character of `line` into its cell; cells nothing was read in are fillers (a faded or
/// merged run). `None` when characters fall outside the `len` cells or two letters/digits claim
/// one cell with no free neighbour: the grid does not describe this line.
pub fn place(line: &RecognizedLine, index: usize, grid: &Grid, len: usize) -> Option<PlacedLine> {
    let mut cells: Vec<Option<Vec<(char, f32)>>> = vec![None; len];
    let at: Vec<f32> = line
        .positions
        .iter()
        .map(|&x| grid.cell(index, x))
        .collect();
    let targets = word_cells(&line.text, &at);
    for (((c, &at), alts), k) in line
        .text
        .chars()
        .zip(&at)
        .zip(&line.alternatives)
        .zip(targets)
    {
        if k < 0.0 || k >= len as f32 {
            if c == '<' {
                continue;
            }
            return None;
        }
        let k = k as usize;
        match &cells[k] {
            None => cells[k] = Some(alts.clone()),
            Some(held) if held.first().is_some_and(|a| a.0 == '<') => {
                if c != '<' {
                    cells[k] = Some(alts.clone());
                }
            }
            Some(_) if c == '<' => {}
            Some(_) => {
                // Two characters in one cell: the later one moves to the free side it leans to.
                let side = if at > k as f32 {
                    k + 1
                } else {
                    k.checked_sub(1)?
                };
                match cells.get(side) {
                    Some(None) => cells[side] = Some(alts.clone()),
                    _ => return None,
                }
            }
        }
    }
    let unread = (0..len).filter(|&k| cells[k].is_none()).collect();
    let cells = cells
        .into_iter()
        .map(|c| c.unwrap_or_else(|| vec![('<', 1.0)]))
        .collect();
    Some(PlacedLine { cells, unread })
}

/// Largest step between the cell offsets of a word's two parts (median of `cell - index in
/// word` on each side of a split) for its letters to be taken as adjacent: a letter the
/// recogniser skipped shifts the rest of the word by a whole cell, an uneven pitch by a third.
const MAX_WORD_STEP: f32 = 0.6;

/// A word is laid from its median offset only when that offset is this far from a half cell:
/// nearer, the grid cannot tell which of two cells the word starts in.
const MIN_ROUNDING_MARGIN: f32 = 0.15;

/// The cell each character goes to: its fractional cell `at` rounded, except in a word (a run
/// of letters and digits read with no filler between them). The recogniser reads a single
/// filler between letters reliably, so a word fills adjacent cells; where its cells round
/// apart or onto each other (a pitch uneven along the line), it is laid into adjacent cells
/// from its median offset — unless its offsets step by a whole cell somewhere (a skipped
/// letter, whose cell stays unread), its offset lies near a half cell, or it would leave too
/// few cells for the fillers read before it.
fn word_cells(text: &str, at: &[f32]) -> Vec<f32> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<f32> = at.iter().map(|a| a.round()).collect();
    // The last letter or digit's cell and the fillers read since: a word starts at least one
    // cell per filler read after it (merged runs read fewer fillers, never more).
    let mut previous: Option<f32> = None;
    let mut fillers = 0.0;
    let mut start = 0;
    while start < chars.len() {
        if chars[start] == '<' {
            fillers += 1.0;
            start += 1;
            continue;
        }
        let end = (start..chars.len())
            .find(|&k| chars[k] == '<')
            .unwrap_or(chars.len());
        if end - start >= 2 {
            let offsets: Vec<f32> = (start..end).map(|k| at[k] - (k - start) as f32).collect();
            let steps = (1..offsets.len())
                .map(|s| (median(&offsets[..s]) - median(&offsets[s..])).abs())
                .fold(0.0f32, f32::max);
            let offset = median(&offsets);
            let first = offset.round();
            let clear = (offset - offset.floor() - 0.5).abs() >= MIN_ROUNDING_MARGIN;
            let room = previous.is_none_or(|p| first > p + fillers);
            if steps < MAX_WORD_STEP && clear && room {
                for (j, cell) in out[start..end].iter_mut().enumerate() {
                    *cell = first + j as f32;
                }
            }
        }
        previous = Some(out[end - 1]);
        fillers = 0.0;
        start = end;
    }
    out
}

fn median(values: &[f32]) -> f32 {
    let mut v = values.to_vec();
    v.sort_by(f32::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The last line of every layout (TD1: its second) ends with a check digit in its last cell. The last letter or
/// digit read that the grid puts a cell or two short of it (the pitch extrapolated across a
/// long filler run) is taken to be that digit, and the grid refitted around it.
fn pin_line_end(lines: &[RecognizedLine], grid: Grid, len: usize) -> Grid {
    // TD1's check-digit line is its second; the others' their last.
    let last_line = if len == 30 { 1 } else { lines.len() - 1 };
    let Some(line) = lines.get(last_line) else {
        return grid;
    };
    let Some(x) = anchors(line).last() else {
        return grid;
    };
    let cell = grid.cell(last_line, x).round();
    let end = (len - 1) as f32;
    if cell == end || cell < end - 2.0 {
        return grid;
    }
    let pin = Some((last_line, x, end));
    let mut pinned = grid.clone();
    for _ in 0..2 {
        let spec = Fit {
            reach: f32::MAX,
            pin,
            bend_free: true,
        };
        match refit(lines, &pinned, &spec) {
            Some(g) => pinned = g,
            None => return grid,
        }
    }
    if mean_residual(lines, &pinned) <= MAX_MEAN_RESIDUAL {
        pinned
    } else {
        grid
    }
}

/// The band's lines placed on one grid: their cells' alternatives, or `None` when positions do
/// not explain the lines (the caller then falls back to counting characters).
pub fn assemble(lines: &[RecognizedLine]) -> Option<Vec<PlacedLine>> {
    let grid = fit_grid(lines)?;
    let len = line_length(lines, &grid)?;
    let grid = pin_line_end(lines, grid, len);
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| place(l, i, &grid, len))
        .collect()
}

/// A line's cells on the grid, and which of them no recognised character landed in (they
/// hold a filler, the likeliest content of a cell the recogniser skipped).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLine {
    pub cells: CandidateLine,
    pub unread: Vec<usize>,
}

#[cfg(test)]
#[path = "slots_tests.rs"]
mod tests;
