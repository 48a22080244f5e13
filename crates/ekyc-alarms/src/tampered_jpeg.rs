//! Tampered, compression history: a field or portrait pasted into a JPEG photo that was then
//! saved as JPEG again ("aligned double JPEG", Lin et al. 2009; Bianchi & Piva 2012).
//!
//! The untouched part of the photo went through the camera's quantisation before the last save:
//! on the file's 8×8 grid its DCT coefficients, divided by the last table, sit on the sparse
//! lattice `round(m · q1 / q2)` of the first step `q1`. A paste has no such past, so its
//! coefficients fall between the lattice points. Per DCT frequency the first step is estimated
//! from the photo's own histogram; each block is scored by how its coefficients agree with it;
//! the score is the strongest deficit of agreement over compact windows of blocks, in standard
//! errors. No trace anywhere (a single save, a PNG, a resized or cropped JPEG off the grid) is
//! no evidence: score 0.
//!
//! The luma comes from the decoded RGB (what the detectors are given); the table from the
//! file's bytes ([`JpegTrace`]). Blocks with a clipped channel are left out: clipping in an
//! earlier decode moves their coefficients off the lattice. So are flat blocks
//! ([`MIN_TEXTURE`]): their few non-zero terms are the decoder's rounding, not content.

use image::RgbImage;

/// Natural (row-major) position of each zigzag index.
const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Frequencies looked at: the first 27 in zigzag order (all with u + v ≤ 6 but one). Fewer
/// (15) caught 6 fewer tampered tune images; more (40) caught none more.
const FREQS: usize = 27;
/// Highest frequency index per axis among [`FREQS`].
const MAX_UV: usize = 6;
/// Largest first-save step tried (a quality-50 table's low frequencies stay below).
const MAX_Q1: u16 = 40;
/// A frequency counts when its on-lattice share beats the smoothed histogram's by this much.
const MIN_LATTICE_GAIN: f64 = 0.25;
/// What a block's largest AC coefficient (decoded luma units, among [`FREQS`]) must reach for
/// the block to be scored.
/// In a flat block (a plain band of print, a white margin) the non-zero AC terms are only
/// what the decoder's rounding to 8-bit RGB leaves (±1–3 units at the finest steps): off
/// every coarser lattice, while its zeros, on every lattice, are not scored — so a plain
/// band saved twice like the rest of the photo scored as a window without the first save's
/// trace (clean pages of the fresh hold-out set 9902: 21.6 and 23.1 standard errors at the
/// balanced 21.4, std 0.5 grey levels there). A paste's glyphs or face carry far larger terms.
const MIN_TEXTURE: u32 = 6;
/// Bound on one coefficient's log-likelihood ratio.
const LLR_CAP: f64 = 3.0;
/// Coefficients needed to fit one frequency, and in all to score.
const MIN_FIT: usize = 100;
const MIN_TOTAL: f64 = 200.0;
/// Coefficients needed in a window.
const MIN_WINDOW: f64 = 8.0;
/// Window shapes in blocks (rows × columns, both orientations tried).
const WINDOWS: [(usize, usize); 6] = [(2, 4), (3, 3), (3, 6), (4, 8), (2, 8), (6, 6)];
/// A channel at or beyond these was clipped.
const CLIP_LO: u8 = 3;
const CLIP_HI: u8 = 252;
/// Largest histogram half-width (a DC of ±1024 over a step of 1).
const MAX_BIN: i32 = 2048;
/// Largest photo looked at (pixels); larger ones give no evidence rather than a slow stage.
const MAX_PIXELS: usize = 40_000_000;

/// What the file's bytes say about its last compression: the luminance quantisation table in
/// natural row-major order. Only for baseline, extended or progressive JPEGs with one or three
/// components (no CMYK).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegTrace {
    pub luma_quant: [u16; 64],
}

impl JpegTrace {
    /// Parses the markers up to the first scan; `None` for anything else than a JPEG this cue
    /// can read (never panics on odd or truncated input).
    pub fn from_jpeg(bytes: &[u8]) -> Option<JpegTrace> {
        if bytes.get(..2)? != [0xFF, 0xD8] {
            return None;
        }
        let mut tables: [Option<[u16; 64]>; 4] = [None; 4];
        let mut luma_table = None;
        let mut i = 2;
        loop {
            if *bytes.get(i)? != 0xFF {
                return None;
            }
            let marker = *bytes.get(i + 1)?;
            i += 2;
            match marker {
                0xFF => i -= 1, // fill byte
                0x01 | 0xD0..=0xD8 => {}
                0xDA => break,
                _ => {
                    let len = usize::from(u16::from_be_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]));
                    let seg = bytes.get(i + 2..i + len.max(2))?;
                    match marker {
                        0xDB => read_dqt(seg, &mut tables)?,
                        0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                            let components = *seg.get(5)?;
                            if components != 1 && components != 3 {
                                return None;
                            }
                            luma_table = Some(usize::from(*seg.get(8)?));
                        }
                        _ => {}
                    }
                    i += len;
                }
            }
        }
        let table = (*tables.get(luma_table?)?)?;
        table
            .iter()
            .all(|&q| q > 0)
            .then_some(JpegTrace { luma_quant: table })
    }
}

/// Reads the tables of one DQT segment into `tables` (by id).
fn read_dqt(mut seg: &[u8], tables: &mut [Option<[u16; 64]>; 4]) -> Option<()> {
    while let Some((&head, rest)) = seg.split_first() {
        let (wide, id) = (head >> 4, usize::from(head & 15));
        let size = if wide == 0 { 1 } else { 2 };
        if wide > 1 || id > 3 || rest.len() < 64 * size {
            return None;
        }
        let mut table = [0u16; 64];
        for (k, &pos) in ZIGZAG.iter().enumerate() {
            table[pos] = if wide == 0 {
                u16::from(rest[k])
            } else {
                u16::from_be_bytes([rest[2 * k], rest[2 * k + 1]])
            };
        }
        tables[id] = Some(table);
        seg = &rest[64 * size..];
    }
    Some(())
}

/// The cue's outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MissingTrace {
    /// The strongest window's deficit of first-save agreement, in standard errors (0 without
    /// a trace).
    pub score: f32,
    /// Frequencies that carry a first-save trace.
    pub freqs: usize,
    /// The window's top-left corner, full-resolution pixels.
    pub x: usize,
    pub y: usize,
}

/// The final quantised coefficients of the photo's full 8×8 blocks, per frequency (block
/// row-major), and which blocks hold a clipped channel.
struct Blocks {
    cols: usize,
    rows: usize,
    values: Vec<Vec<i32>>,
    clipped: Vec<bool>,
}

/// The cue on `full` (the decoded photo, on the file's own grid) with its file's table.
pub fn missing_trace(full: &RgbImage, trace: &JpegTrace) -> MissingTrace {
    let (w, h) = (full.width() as usize, full.height() as usize);
    if w * h > MAX_PIXELS || w < 64 || h < 64 {
        return MissingTrace::default();
    }
    let blocks = quantised_blocks(full, trace);
    let textured = textured_blocks(&blocks, trace);
    let mut llr = vec![0f64; blocks.cols * blocks.rows];
    let mut count = vec![0f64; llr.len()];
    let (mut freqs, mut sq) = (0, 0.0);
    for (f, values) in blocks.values.iter().enumerate() {
        let q2 = trace.luma_quant[ZIGZAG[f]];
        let Some(fit) = Lattice::fit(values, q2, f == 0) else {
            continue;
        };
        freqs += 1;
        for (i, &v) in values.iter().enumerate() {
            if (f == 0 || v != 0) && textured[i] && !blocks.clipped[i] {
                let l = fit.llr(v);
                llr[i] += l;
                sq += l * l;
                count[i] += 1.0;
            }
        }
    }
    let (score, x, y) = strongest_deficit(&llr, &count, sq, blocks.cols);
    MissingTrace {
        score: score as f32,
        freqs,
        x: x * 8,
        y: y * 8,
    }
}

/// Blocks whose largest AC coefficient among [`FREQS`] reaches [`MIN_TEXTURE`].
fn textured_blocks(blocks: &Blocks, trace: &JpegTrace) -> Vec<bool> {
    let mut out = vec![false; blocks.cols * blocks.rows];
    for (f, values) in blocks.values.iter().enumerate().skip(1) {
        let q2 = u32::from(trace.luma_quant[ZIGZAG[f]]);
        for (t, v) in out.iter_mut().zip(values) {
            *t |= v.unsigned_abs() * q2 >= MIN_TEXTURE;
        }
    }
    out
}

/// One frequency's first-save lattice in units of the last step.
struct Lattice {
    /// Half-width of `member` (values beyond are clamped).
    half: i32,
    member: Vec<bool>,
    on_llr: f64,
    off_llr: f64,
}

impl Lattice {
    /// The first step whose lattice holds the most more of the histogram than of its smoothed
    /// version (`None` when no step gains [`MIN_LATTICE_GAIN`]). AC zeros are left out: they lie
    /// on every lattice.
    fn fit(values: &[i32], q2: u16, dc: bool) -> Option<Lattice> {
        let used = || values.iter().filter(|&&v| dc || v != 0);
        if used().count() < MIN_FIT || q2 == 0 || q2 >= MAX_Q1 {
            return None;
        }
        let half = used().map(|v| v.abs()).max()?.min(MAX_BIN) + 1;
        let bins = (2 * half + 1) as usize;
        let mut hist = vec![0f64; bins];
        for &v in used() {
            hist[(v.clamp(-half, half) + half) as usize] += 1.0;
        }
        let total: f64 = hist.iter().sum();
        let mut best: Option<(f64, f64, f64, Vec<bool>)> = None;
        for q1 in q2 + 1..=MAX_Q1 {
            let ratio = f64::from(q1) / f64::from(q2);
            let mut member = vec![false; bins];
            let top = (f64::from(half) / ratio) as i32 + 2;
            for m in -top..=top {
                let k = (f64::from(m) * ratio).round() as i32;
                if (-half..=half).contains(&k) {
                    member[(k + half) as usize] = true;
                }
            }
            let mut smooth = box_smooth(&hist, ratio.ceil() as usize);
            if !dc {
                smooth[half as usize] = 0.0;
            }
            let smooth_total: f64 = smooth.iter().sum::<f64>().max(1e-9);
            let on_share = |h: &[f64], t: f64| -> f64 {
                h.iter()
                    .zip(&member)
                    .filter(|p| *p.1)
                    .map(|p| p.0)
                    .sum::<f64>()
                    / t
            };
            let (on, rho) = (on_share(&hist, total), on_share(&smooth, smooth_total));
            if best.as_ref().is_none_or(|b| on - rho > b.0) {
                best = Some((on - rho, on, rho, member));
            }
        }
        let (gain, on, rho, member) = best?;
        if gain < MIN_LATTICE_GAIN {
            return None;
        }
        Some(Lattice {
            half,
            member,
            on_llr: (on / rho).ln().min(LLR_CAP),
            off_llr: ((1.0 - on).max(1e-3) / (1.0 - rho)).ln().max(-LLR_CAP),
        })
    }

    fn llr(&self, v: i32) -> f64 {
        if self.member[(v.clamp(-self.half, self.half) + self.half) as usize] {
            self.on_llr
        } else {
            self.off_llr
        }
    }
}

/// Mean over `2r + 1` bins, the ends repeated beyond the edges.
fn box_smooth(h: &[f64], r: usize) -> Vec<f64> {
    let n = h.len();
    let at = |i: isize| h[i.clamp(0, n as isize - 1) as usize];
    let width = (2 * r + 1) as f64;
    let mut sum: f64 = (-(r as isize)..=r as isize).map(at).sum();
    let mut out = Vec::with_capacity(n);
    for i in 0..n as isize {
        out.push(sum / width);
        sum += at(i + r as isize + 1) - at(i - r as isize);
    }
    out
}

/// Row-major cosine basis: `basis[u][x]` (orthonormal 8-point DCT-II, as JPEG's FDCT).
fn dct_basis() -> [[f32; 8]; 8] {
    let mut c = [[0f32; 8]; 8];
    for (u, row) in c.iter_mut().enumerate() {
        let scale = if u == 0 { (1.0f32 / 8.0).sqrt() } else { 0.5 };
        for (x, v) in row.iter_mut().enumerate() {
            *v = scale * ((2 * x + 1) as f32 * u as f32 * std::f32::consts::PI / 16.0).cos();
        }
    }
    c
}

fn quantised_blocks(full: &RgbImage, trace: &JpegTrace) -> Blocks {
    let (cols, rows) = (full.width() as usize / 8, full.height() as usize / 8);
    let basis = dct_basis();
    let mut values: Vec<Vec<i32>> = (0..FREQS)
        .map(|_| Vec::with_capacity(cols * rows))
        .collect();
    let mut clipped = Vec::with_capacity(cols * rows);
    let raw = full.as_raw();
    let stride = full.width() as usize * 3;
    let steps: Vec<f32> = (0..FREQS)
        .map(|f| f32::from(trace.luma_quant[ZIGZAG[f]]))
        .collect();
    let mut luma = [[0f32; 8]; 8];
    for by in 0..rows {
        for bx in 0..cols {
            let mut clip = false;
            for (y, row) in luma.iter_mut().enumerate() {
                let start = (by * 8 + y) * stride + bx * 24;
                for (x, px) in raw[start..start + 24].chunks_exact(3).enumerate() {
                    clip |= px.iter().any(|&c| c <= CLIP_LO || c >= CLIP_HI);
                    let [r, g, b] = [px[0], px[1], px[2]].map(f32::from);
                    row[x] = 0.299 * r + 0.587 * g + 0.114 * b - 128.0;
                }
            }
            clipped.push(clip);
            // Rows first, only the horizontal frequencies kept.
            let mut t = [[0f32; MAX_UV + 1]; 8];
            for (y, row) in luma.iter().enumerate() {
                for (v, out) in t[y].iter_mut().enumerate() {
                    *out = row.iter().zip(&basis[v]).map(|(a, b)| a * b).sum();
                }
            }
            for (f, out) in values.iter_mut().enumerate() {
                let (u, v) = (ZIGZAG[f] / 8, ZIGZAG[f] % 8);
                let c: f32 = (0..8).map(|y| basis[u][y] * t[y][v]).sum();
                out.push((c / steps[f]).round() as i32);
            }
        }
    }
    Blocks {
        cols,
        rows,
        values,
        clipped,
    }
}

/// The window with the strongest deficit against the photo's mean agreement, in standard
/// errors: `(score, column, row)` of its top-left block.
fn strongest_deficit(llr: &[f64], count: &[f64], sq: f64, cols: usize) -> (f64, usize, usize) {
    let n: f64 = count.iter().sum();
    if n < MIN_TOTAL || cols == 0 {
        return (0.0, 0, 0);
    }
    let rows = llr.len() / cols;
    let mean = llr.iter().sum::<f64>() / n;
    let sd = (sq / n - mean * mean).max(1e-6).sqrt();
    let (sums, counts) = (integral(llr, cols), integral(count, cols));
    let boxed = |s: &[f64], y: usize, x: usize, a: usize, b: usize| {
        let at = |y: usize, x: usize| s[y * (cols + 1) + x];
        at(y + a, x + b) - at(y, x + b) - at(y + a, x) + at(y, x)
    };
    let mut best = (0.0, 0, 0);
    for (a, b) in WINDOWS.iter().flat_map(|&(a, b)| [(a, b), (b, a)]) {
        if a >= rows || b >= cols {
            continue;
        }
        for y in 0..=rows - a {
            for x in 0..=cols - b {
                let wn = boxed(&counts, y, x, a, b);
                if wn < MIN_WINDOW {
                    continue;
                }
                let t = (mean * wn - boxed(&sums, y, x, a, b)) / (sd * wn.sqrt());
                if t > best.0 {
                    best = (t, x, y);
                }
            }
        }
    }
    best
}

/// Summed-area table with a zero first row and column.
fn integral(v: &[f64], cols: usize) -> Vec<f64> {
    let rows = v.len() / cols;
    let mut s = vec![0f64; (rows + 1) * (cols + 1)];
    for y in 0..rows {
        let mut run = 0.0;
        for x in 0..cols {
            run += v[y * cols + x];
            s[(y + 1) * (cols + 1) + x + 1] = s[y * (cols + 1) + x + 1] + run;
        }
    }
    s
}

#[cfg(test)]
#[path = "tampered_jpeg_tests.rs"]
mod tests;
