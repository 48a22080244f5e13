//! Cues that the face is shown on a screen: colour moiré (a display's subpixel grid resampled
//! by the camera leaves coloured stripes that real skin, and the video codec's smoothed chroma,
//! do not have).

use ekyc_face::BBox;
use image::RgbImage;

pub use crate::border::border_score;
use crate::signals::SignalTable;
use crate::stats;

/// Frames sampled for the (per-pixel, so costlier) screen cues.
const SAMPLED_FRAMES: usize = 8;

pub(crate) fn chroma(p: &image::Rgb<u8>) -> (f32, f32, f32) {
    let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
    let y = 0.299 * r + 0.587 * g + 0.114 * b;
    (y, b - y, r - y)
}

/// Colour-to-luma high-frequency energy in the face box: mean |Laplacian| of the two colour
/// differences over that of luma.
pub fn colour_moire(frame: &RgbImage, face: &BBox) -> Option<f32> {
    let (w, h) = frame.dimensions();
    let x0 = face.x1.max(1.0) as u32;
    let y0 = face.y1.max(1.0) as u32;
    let x1 = (face.x2.min(w as f32 - 1.0)).max(0.0) as u32;
    let y1 = (face.y2.min(h as f32 - 1.0)).max(0.0) as u32;
    if x1 < x0 + 8 || y1 < y0 + 8 {
        return None;
    }
    let at = |x: u32, y: u32| chroma(frame.get_pixel(x, y));
    let (mut lum, mut col) = (0.0f64, 0.0f64);
    for y in y0..y1 {
        for x in x0..x1 {
            let c = at(x, y);
            let n = [at(x - 1, y), at(x + 1, y), at(x, y - 1), at(x, y + 1)];
            let lap =
                |k: fn(&(f32, f32, f32)) -> f32| (n.iter().map(k).sum::<f32>() - 4.0 * k(&c)).abs();
            lum += f64::from(lap(|v| v.0));
            col += f64::from(lap(|v| v.1) + lap(|v| v.2));
        }
    }
    (lum > 1.0).then(|| (col / lum) as f32)
}

/// A few frames with a face, spread over the clip, with the face box.
pub(crate) fn sampled_face_frames<'a>(
    frames: &'a [RgbImage],
    table: &'a SignalTable,
) -> impl Iterator<Item = (&'a RgbImage, &'a BBox)> + 'a {
    let with_face: Vec<_> = table.with_face().collect();
    let step = (with_face.len() / SAMPLED_FRAMES).max(1);
    with_face
        .into_iter()
        .step_by(step)
        .take(SAMPLED_FRAMES)
        .filter_map(|(f, s)| frames.get(f.index).map(|img| (img, &s.face.bbox)))
}

/// Median colour-moiré ratio over a few frames with a face.
pub fn screen_cues(frames: &[RgbImage], table: &SignalTable) -> f32 {
    let values: Vec<f32> = sampled_face_frames(frames, table)
        .filter_map(|(img, face)| colour_moire(img, face))
        .collect();
    stats::median(&values).unwrap_or(0.0)
}

/// Periodic fine texture in the face box: the largest normalised autocorrelation of the luma
/// Laplacian at lags 2..=6 pixels (horizontal or vertical). A display's pixel grid or moiré
/// repeats every few pixels; skin detail does not (its Laplacian decorrelates within a pixel
/// or two).
pub fn grid_periodicity(frame: &RgbImage, face: &BBox) -> Option<f32> {
    let (w, h) = frame.dimensions();
    let x0 = face.x1.max(1.0) as u32;
    let y0 = face.y1.max(1.0) as u32;
    let x1 = (face.x2.min(w as f32 - 1.0)).max(0.0) as u32;
    let y1 = (face.y2.min(h as f32 - 1.0)).max(0.0) as u32;
    if x1 < x0 + 24 || y1 < y0 + 24 {
        return None;
    }
    let (cw, ch) = ((x1 - x0) as usize, (y1 - y0) as usize);
    let luma = |x: u32, y: u32| chroma(frame.get_pixel(x, y)).0;
    let mut lap = vec![0.0f32; cw * ch];
    for y in 0..ch {
        for x in 0..cw {
            let (px, py) = (x0 + x as u32, y0 + y as u32);
            lap[y * cw + x] =
                luma(px - 1, py) + luma(px + 1, py) + luma(px, py - 1) + luma(px, py + 1)
                    - 4.0 * luma(px, py);
        }
    }
    let energy: f64 = lap.iter().map(|v| f64::from(v * v)).sum();
    if energy <= 1e-6 {
        return None;
    }
    let mut best = 0.0f64;
    for lag in 2..=6usize {
        let (mut hsum, mut vsum) = (0.0f64, 0.0f64);
        for y in 0..ch {
            for x in 0..cw {
                let v = f64::from(lap[y * cw + x]);
                if x + lag < cw {
                    hsum += v * f64::from(lap[y * cw + x + lag]);
                }
                if y + lag < ch {
                    vsum += v * f64::from(lap[(y + lag) * cw + x]);
                }
            }
        }
        best = best.max(hsum / energy).max(vsum / energy);
    }
    Some(best as f32)
}

/// Median grid periodicity over a few face frames.
pub fn grid_cues(frames: &[RgbImage], table: &SignalTable) -> f32 {
    let values: Vec<f32> = sampled_face_frames(frames, table)
        .filter_map(|(img, face)| grid_periodicity(img, face))
        .collect();
    stats::median(&values).unwrap_or(0.0)
}
