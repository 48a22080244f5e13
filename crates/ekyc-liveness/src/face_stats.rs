//! Image measurements of the face region of one frame: brightness, focus, and the lower-face
//! cues that show a mask or a covering hand.

use ekyc_face::{BBox, Mesh};
use image::RgbImage;

/// Side of the square the face is resampled to before measuring focus, so sharpness does not
/// depend on the face's size in the frame.
const FOCUS_SIDE: u32 = 96;

fn luma(p: &image::Rgb<u8>) -> f32 {
    0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])
}

/// Integer pixel rectangle clamped to the image; `None` when empty.
fn clamp_box(image: &RgbImage, b: &BBox) -> Option<(u32, u32, u32, u32)> {
    let (w, h) = image.dimensions();
    let x0 = b.x1.max(0.0).floor() as u32;
    let y0 = b.y1.max(0.0).floor() as u32;
    let x1 = (b.x2.min(w as f32).ceil() as u32).min(w);
    let y1 = (b.y2.min(h as f32).ceil() as u32).min(h);
    (x1 > x0 + 1 && y1 > y0 + 1).then_some((x0, y0, x1, y1))
}

/// Mean luma of the whole frame (every 4th pixel both ways).
pub fn frame_luma(image: &RgbImage) -> f32 {
    let (w, h) = image.dimensions();
    let (mut sum, mut n) = (0.0f64, 0u32);
    for y in (0..h).step_by(4) {
        for x in (0..w).step_by(4) {
            sum += f64::from(luma(image.get_pixel(x, y)));
            n += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        (sum / f64::from(n)) as f32
    }
}

/// Mean luma and blown-out share (luma ≥ 250) of a box.
pub fn box_light(image: &RgbImage, b: &BBox) -> (f32, f32) {
    let Some((x0, y0, x1, y1)) = clamp_box(image, b) else {
        return (0.0, 0.0);
    };
    let (mut sum, mut blown, mut n) = (0.0f64, 0u32, 0u32);
    for y in (y0..y1).step_by(2) {
        for x in (x0..x1).step_by(2) {
            let l = luma(image.get_pixel(x, y));
            sum += f64::from(l);
            blown += u32::from(l >= 250.0);
            n += 1;
        }
    }
    if n == 0 {
        return (0.0, 0.0);
    }
    ((sum / f64::from(n)) as f32, blown as f32 / n as f32)
}

/// Laplacian variance of the box resampled to [`FOCUS_SIDE`] pixels.
pub fn box_sharpness(image: &RgbImage, b: &BBox) -> f32 {
    let Some((x0, y0, x1, y1)) = clamp_box(image, b) else {
        return 0.0;
    };
    let crop = image::imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image();
    let small = image::imageops::resize(
        &crop,
        FOCUS_SIDE,
        FOCUS_SIDE,
        image::imageops::FilterType::Triangle,
    );
    ekyc_face::photo_checks::sharpness(&small)
}

/// Skin by chroma (YCbCr): the usual broad cluster that holds for most skin tones. Very dark or
/// blown pixels carry no reliable chroma and count as skin (unknown, not evidence of a mask).
fn is_skin(p: &image::Rgb<u8>) -> bool {
    let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
    let y = 0.299 * r + 0.587 * g + 0.114 * b;
    if !(35.0..=245.0).contains(&y) {
        return true;
    }
    let cb = 128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b;
    let cr = 128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b;
    (77.0..=132.0).contains(&cb) && (130.0..=180.0).contains(&cr)
}

fn nonskin_share(image: &RgbImage, b: &BBox) -> f32 {
    let Some((x0, y0, x1, y1)) = clamp_box(image, b) else {
        return 0.0;
    };
    let (mut other, mut n) = (0u32, 0u32);
    for y in (y0..y1).step_by(2) {
        for x in (x0..x1).step_by(2) {
            other += u32::from(!is_skin(image.get_pixel(x, y)));
            n += 1;
        }
    }
    other as f32 / n.max(1) as f32
}

fn xy(mesh: &Mesh, i: usize) -> [f32; 2] {
    let p = mesh.points()[i];
    [p[0], p[1]]
}

/// Mouth-and-chin box: between the outer lip corners, from under the nose to above the chin.
fn lower_face(mesh: &Mesh) -> BBox {
    let (l, r) = (xy(mesh, 61), xy(mesh, 291));
    let (nose, chin) = (xy(mesh, 2), xy(mesh, 152));
    let top = nose[1] + 0.15 * (chin[1] - nose[1]);
    let bottom = chin[1] - 0.15 * (chin[1] - nose[1]);
    BBox {
        x1: l[0].min(r[0]),
        y1: top,
        x2: l[0].max(r[0]),
        y2: bottom,
    }
}

/// Forehead box: between the brows, from the brow line half-way up to the top of the face.
fn forehead(mesh: &Mesh) -> BBox {
    let (l, r) = (xy(mesh, 105), xy(mesh, 334));
    let (top, brows) = (xy(mesh, 10), xy(mesh, 9));
    BBox {
        x1: l[0].min(r[0]),
        y1: (top[1] + brows[1]) / 2.0,
        x2: l[0].max(r[0]),
        y2: brows[1],
    }
}

/// Share of the box's pixels within ±6 luma of its median: a cloth mask or a hand is one flat
/// tone, a bare mouth-and-chin has lips, the mouth gap and shadows.
fn flat_share(image: &RgbImage, b: &BBox) -> f32 {
    let Some((x0, y0, x1, y1)) = clamp_box(image, b) else {
        return 0.0;
    };
    let mut values: Vec<f32> = Vec::new();
    for y in (y0..y1).step_by(2) {
        for x in (x0..x1).step_by(2) {
            values.push(luma(image.get_pixel(x, y)));
        }
    }
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let median = sorted[sorted.len() / 2];
    values.iter().filter(|v| (*v - median).abs() <= 6.0).count() as f32 / values.len() as f32
}

/// `(flat share of the lower face, its non-skin share beyond the forehead's)`: a mask changes
/// the lower face only; a greyscale or tinted picture changes both.
pub fn lower_face_cues(image: &RgbImage, mesh: &Mesh) -> (f32, f32) {
    let lower = lower_face(mesh);
    let ratio = flat_share(image, &lower);
    let extra = nonskin_share(image, &lower) - nonskin_share(image, &forehead(mesh));
    (ratio, extra.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_and_focus_of_synthetic_frames() {
        let grey = RgbImage::from_pixel(64, 48, image::Rgb([100, 100, 100]));
        assert!((frame_luma(&grey) - 100.0).abs() < 0.5);
        let all = BBox {
            x1: 0.0,
            y1: 0.0,
            x2: 64.0,
            y2: 48.0,
        };
        let (l, blown) = box_light(&grey, &all);
        assert!((l - 100.0).abs() < 0.5 && blown == 0.0);
        assert_eq!(box_sharpness(&grey, &all), 0.0);
        let white = RgbImage::from_pixel(64, 48, image::Rgb([255, 255, 255]));
        assert_eq!(box_light(&white, &all).1, 1.0);
        let outside = BBox {
            x1: 100.0,
            y1: 100.0,
            x2: 120.0,
            y2: 120.0,
        };
        assert_eq!(box_light(&grey, &outside), (0.0, 0.0));
    }

    #[test]
    fn skin_and_mask_colours() {
        assert!(is_skin(&image::Rgb([224, 172, 140])));
        assert!(is_skin(&image::Rgb([141, 85, 60])));
        assert!(!is_skin(&image::Rgb([170, 205, 230])), "light-blue mask");
        assert!(!is_skin(&image::Rgb([60, 140, 60])));
    }
}
