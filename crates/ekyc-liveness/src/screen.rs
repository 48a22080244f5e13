//! Cues that the face is shown on a screen: colour moiré (a display's subpixel grid resampled
//! by the camera leaves coloured stripes that real skin, and the video codec's smoothed chroma,
//! do not have).

use ekyc_face::BBox;
use image::RgbImage;

use crate::signals::SignalTable;
use crate::stats;

/// Frames sampled for the (per-pixel, so costlier) screen cues.
const SAMPLED_FRAMES: usize = 8;

fn chroma(p: &image::Rgb<u8>) -> (f32, f32, f32) {
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

/// Median colour-moiré ratio over a few frames with a face.
pub fn screen_cues(frames: &[RgbImage], table: &SignalTable) -> f32 {
    let with_face: Vec<_> = table.with_face().collect();
    let step = (with_face.len() / SAMPLED_FRAMES).max(1);
    let values: Vec<f32> = with_face
        .iter()
        .step_by(step)
        .take(SAMPLED_FRAMES)
        .filter_map(|(f, s)| {
            frames
                .get(f.index)
                .and_then(|img| colour_moire(img, &s.face.bbox))
        })
        .collect();
    stats::median(&values).unwrap_or(0.0)
}
