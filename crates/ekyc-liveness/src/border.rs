//! Straight borders around the face: the edge of a screen, of the video shown on it, or of a
//! photo held in front of the camera. Skin, hair and most rooms have no long straight edge on
//! both sides of the face within a few face widths.

use ekyc_face::BBox;
use image::RgbImage;

use crate::screen::{chroma, sampled_face_frames};
use crate::signals::SignalTable;
use crate::stats;

fn clamp_i(v: f32, hi: u32) -> u32 {
    (v.max(0.0) as u32).min(hi)
}

/// Slopes (pixels of x per row) tried for a screen's or a print's side edge: a hand-held
/// device is rarely upright, and an edge tilted by 2° already crosses several columns.
const EDGE_SLOPES: [f32; 13] = [
    -0.12, -0.10, -0.08, -0.06, -0.04, -0.02, 0.0, 0.02, 0.04, 0.06, 0.08, 0.10, 0.12,
];
/// Luma step across an edge pixel (difference 2 px either side, so an edge softened by the
/// lens or the warp still counts) that marks it as part of a border. Low on purpose: a dim
/// video edge against a dark screen surround steps by only 5-15 luma; what makes a border
/// is that the step lines up along a straight line, more than on the lines beside it.
const EDGE_STEP: f32 = 4.0;
/// Half-width of the luma difference that finds the step.
const EDGE_REACH: usize = 2;
/// Lines parallel to a candidate, this many pixels away on each side, tell a border from
/// texture: a border stands out from its neighbours, foliage, hair or noise do not.
const NEIGHBOURS: (usize, usize) = (3, 8);

/// The strongest straight near-vertical edge on each side of the face in one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BorderFinding {
    /// The weaker side's border contrast: share of rows on its best line with a same-signed
    /// step, less that share on the busier of the parallel lines beside it (0..1).
    pub score: f32,
    /// Where the best lines cross the face's middle row (pixels).
    pub left_x: f32,
    pub right_x: f32,
    /// Flat bars from the image edges to the picture on both sides (an app's letterbox).
    pub bars: bool,
}

/// Signed horizontal steps of the sampled rows: +1, -1 or 0 per pixel.
struct EdgeMap {
    width: usize,
    rows: Vec<Vec<i8>>,
}

impl EdgeMap {
    fn new(frame: &RgbImage, y0: u32, y1: u32) -> Self {
        let w = frame.width() as usize;
        let luma = |x: usize, y: u32| chroma(frame.get_pixel(x as u32, y)).0;
        let rows = (y0..y1)
            .step_by(2)
            .map(|y| {
                let mut row = vec![0i8; w];
                let inner = w.saturating_sub(EDGE_REACH);
                for (x, cell) in row.iter_mut().enumerate().take(inner).skip(EDGE_REACH) {
                    let g = luma(x + EDGE_REACH, y) - luma(x - EDGE_REACH, y);
                    *cell = if g > EDGE_STEP {
                        1
                    } else if g < -EDGE_STEP {
                        -1
                    } else {
                        0
                    };
                }
                row
            })
            .collect();
        Self { width: w, rows }
    }

    /// Share of rows with a +1 and with a -1 step on the line of `slope` whose middle crosses
    /// each x in [from, to).
    fn line_support(&self, slope: f32, from: usize, to: usize) -> (Vec<f32>, Vec<f32>) {
        let n = self.rows.len();
        let mid = n as f32 / 2.0;
        let (mut pos, mut neg) = (vec![0u32; to - from], vec![0u32; to - from]);
        for (r, row) in self.rows.iter().enumerate() {
            // rows advance 2 pixels each
            let dx = (2.0 * slope * (r as f32 - mid)).round() as isize;
            for (k, x) in (from..to).enumerate() {
                let xi = x as isize + dx;
                if xi < 0 || xi >= self.width as isize {
                    continue;
                }
                match row[xi as usize] {
                    1 => pos[k] += 1,
                    -1 => neg[k] += 1,
                    _ => {}
                }
            }
        }
        let share = |v: Vec<u32>| v.into_iter().map(|c| c as f32 / n as f32).collect();
        (share(pos), share(neg))
    }

    /// Best straight line whose middle crosses x in [from, to): (border contrast, middle x).
    fn best_line(&self, from: usize, to: usize) -> (f32, f32) {
        let (mut best, mut best_x) = (0.0f32, from as f32);
        if self.rows.is_empty() || to <= from {
            return (best, best_x);
        }
        let (near, far) = NEIGHBOURS;
        let lo = from.saturating_sub(far);
        let hi = (to + far).min(self.width);
        for slope in EDGE_SLOPES {
            let (pos, neg) = self.line_support(slope, lo, hi);
            for support in [&pos, &neg] {
                let mean = |a: usize, b: usize| {
                    let (a, b) = (a.max(lo) - lo, b.min(hi) - lo);
                    if b > a {
                        support[a..b].iter().sum::<f32>() / (b - a) as f32
                    } else {
                        0.0
                    }
                };
                for x in from..to {
                    let beside = mean(x.saturating_sub(far), x.saturating_sub(near - 1))
                        .max(mean(x + near, x + far + 1));
                    let contrast = support[x - lo] - beside;
                    if contrast > best {
                        best = contrast;
                        best_x = x as f32;
                    }
                }
            }
        }
        (best, best_x)
    }
}

/// Whether the band [x0, x1) of rows y0..y1 is one flat tone (an app's letterbox bar): 95 % of
/// its pixels within ±8 luma of the median (codec ringing and noise leave a few outliers).
fn flat_band(frame: &RgbImage, (x0, x1): (u32, u32), (y0, y1): (u32, u32)) -> bool {
    let luma = |x: u32, y: u32| chroma(frame.get_pixel(x, y)).0;
    let mut values: Vec<f32> = (y0..y1)
        .step_by(4)
        .flat_map(|y| (x0..x1).step_by(2).map(move |x| (x, y)))
        .map(|(x, y)| luma(x, y))
        .collect();
    if values.is_empty() {
        return true;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let median = values[values.len() / 2];
    let near = values.iter().filter(|v| (*v - median).abs() <= 8.0).count();
    near as f32 >= 0.95 * values.len() as f32
}

/// A frame around the face: the strongest straight near-vertical edges (tilted up to ~7°) left
/// and right of it, within 2.5 face widths, that run along the face's height — a screen's edge,
/// the edge of the video on it, or a photo's border. Each side's score is the line's border
/// contrast (its same-signed step share less that of the lines 3-8 px beside it), so a faint
/// but straight edge counts and busy texture does not.
pub fn border_finding(frame: &RgbImage, face: &BBox) -> Option<BorderFinding> {
    let (w, h) = frame.dimensions();
    let (fw, fh) = (face.width(), face.height());
    if fw < 16.0 || fh < 16.0 || w < 8 {
        return None;
    }
    let y0 = clamp_i(face.y1 - 0.2 * fh, h);
    let y1 = clamp_i(face.y2 + 0.2 * fh, h);
    if y1 < y0 + 8 {
        return None;
    }
    let map = EdgeMap::new(frame, y0, y1);
    let (left, left_x) = map.best_line(
        clamp_i(face.x1 - 2.5 * fw, w) as usize,
        clamp_i(face.x1 - 0.05 * fw, w) as usize,
    );
    let (right, right_x) = map.best_line(
        clamp_i(face.x2 + 0.05 * fw, w) as usize,
        clamp_i(face.x2 + 2.5 * fw, w) as usize,
    );
    // bars: flat from the image's edge up to the line found on that side
    let bars = flat_band(frame, (0, clamp_i(left_x - 5.0, w)), (y0, y1))
        && flat_band(frame, (clamp_i(right_x + 5.0, w), w), (y0, y1));
    Some(BorderFinding {
        score: left.min(right),
        left_x,
        right_x,
        bars,
    })
}

/// One still image's border score (0..1): the weaker side's border contrast, 0 behind app
/// letterbox bars.
pub fn border_score(frame: &RgbImage, face: &BBox) -> Option<f32> {
    border_finding(frame, face).map(|f| if f.bars { 0.0 } else { f.score })
}

/// Clip-level border score: the median over a few face frames; 0 for an app's letterbox (flat
/// bars in most frames whose inner edges stay within 2 px: burnt into the video, while a device
/// held in front of the camera moves).
pub fn border_cues(frames: &[RgbImage], table: &SignalTable) -> f32 {
    let findings: Vec<BorderFinding> = sampled_face_frames(frames, table)
        .filter_map(|(img, face)| border_finding(img, face))
        .collect();
    clip_border_score(&findings)
}

fn clip_border_score(findings: &[BorderFinding]) -> f32 {
    let spread = |pick: fn(&BorderFinding) -> f32| {
        let (lo, hi) = findings
            .iter()
            .map(pick)
            .fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        hi - lo
    };
    let bars = findings.iter().filter(|f| f.bars).count() * 2 > findings.len();
    if bars && spread(|f| f.left_x) <= 2.0 && spread(|f| f.right_x) <= 2.0 {
        return 0.0;
    }
    let scores: Vec<f32> = findings.iter().map(|f| f.score).collect();
    stats::median(&scores).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face() -> BBox {
        BBox {
            x1: 80.0,
            y1: 30.0,
            x2: 120.0,
            y2: 90.0,
        }
    }

    /// A bright screen on a dark surround, its sides tilted by `slope` (x per row).
    fn tilted_screen(slope: f32) -> RgbImage {
        RgbImage::from_fn(200, 120, |x, y| {
            let shift = slope * (y as f32 - 60.0);
            let inside = (x as f32) > 40.0 + shift && (x as f32) < 160.0 + shift;
            let v = if inside { 190 } else { 50 };
            image::Rgb([v, v, v])
        })
    }

    #[test]
    fn tilted_screen_edges_are_found() {
        for slope in [0.0, 0.07, -0.1] {
            let f = border_finding(&tilted_screen(slope), &face()).unwrap();
            assert!(f.score > 0.9, "slope {slope}: {f:?}");
            // flat outside: the frame alone looks like an app's letterbox (only the clip-level
            // check, edges moving between frames, tells a hand-held screen apart)
            assert!(f.bars, "slope {slope}: {f:?}");
        }
    }

    #[test]
    fn smooth_background_has_no_border() {
        let img = RgbImage::from_fn(200, 120, |x, y| {
            let v = (60 + x / 2 + y / 3) as u8;
            image::Rgb([v, v, v])
        });
        let f = border_finding(&img, &face()).unwrap();
        assert!(f.score < 0.1, "{f:?}");
        // one edge on one side only is not a frame
        let half = RgbImage::from_fn(200, 120, |x, _| {
            let v = if x < 40 { 40 } else { 180 };
            image::Rgb([v, v, v])
        });
        assert!(border_finding(&half, &face()).unwrap().score < 0.1);
    }

    /// Deterministic pseudo-random luma texture (foliage, hair, noise) in 0..amp.
    fn texture(x: u32, y: u32, amp: u32) -> u8 {
        let h =
            (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663)).wrapping_mul(2_654_435_761);
        ((h >> 16) % amp) as u8
    }

    #[test]
    fn faint_edge_between_dark_surround_and_dark_texture_is_found() {
        // a dim video (dark foliage, luma 40..80) on a dark screen surround (luma 35): the
        // edge steps by 5-45 luma, softened over 3 px, next to busy texture
        let img = RgbImage::from_fn(200, 120, |x, y| {
            let inside = |x: u32| (40..=160).contains(&x);
            let v = match x {
                39 | 161 => 38,
                40 | 160 => 42,
                _ if inside(x) => 40 + texture(x, y, 40),
                _ => 35,
            };
            image::Rgb([v, v, v])
        });
        let f = border_finding(&img, &face()).unwrap();
        assert!(f.score > 0.6, "{f:?}");
    }

    #[test]
    fn busy_texture_is_not_a_border() {
        // a face-sized box in iid texture: the best of ~2600 lines beats its neighbours only
        // by chance (about 0.2 at 90 rows; the clip threshold is 0.45)
        let img = RgbImage::from_fn(200, 240, |x, y| {
            let v = 60 + texture(x, y, 120);
            image::Rgb([v, v, v])
        });
        let tall = BBox {
            x1: 80.0,
            y1: 40.0,
            x2: 120.0,
            y2: 190.0,
        };
        let f = border_finding(&img, &tall).unwrap();
        assert!(f.score < 0.3, "{f:?}");
    }

    #[test]
    fn letterbox_bars_count_only_when_they_stay_put() {
        let bar = |x: f32| BorderFinding {
            score: 1.0,
            left_x: x,
            right_x: 170.0,
            bars: true,
        };
        let fixed = [bar(30.0), bar(30.0), bar(31.0)];
        assert_eq!(clip_border_score(&fixed), 0.0);
        let moving = [bar(30.0), bar(36.0), bar(24.0)];
        assert_eq!(clip_border_score(&moving), 1.0);
        assert_eq!(clip_border_score(&[]), 0.0);
        let tiny = RgbImage::new(4, 4);
        assert!(border_finding(&tiny, &face()).is_none());
    }
}
