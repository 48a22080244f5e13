//! Resampling an image through a similarity transform (chips, detector views).
//!
//! Shrinking by more than 2x first averages k x k blocks of the covered region (like one
//! level of dlib's image pyramid), then takes a 2x2 grid of bilinear samples per output pixel:
//! plain bilinear sampling of a large face would alias, and sampling it densely is slow.

use image::{Rgb, RgbImage};

use crate::geometry::Similarity;

/// How carefully to sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quality {
    /// 2x2 samples per output pixel when shrinking: for chips the descriptor net sees.
    Fine,
    /// One sample per output pixel after the block averaging: for detector inputs (faster).
    Fast,
}

/// Output `(w, h)` whose pixel `(c, r)` shows `image` at `to_image(c, r)` (pixel centres at
/// integers); black outside the image, as in dlib's chips.
pub(crate) fn warp(
    image: &RgbImage,
    to_image: &Similarity,
    (w, h): (u32, u32),
    quality: Quality,
) -> RgbImage {
    let max_n = match quality {
        Quality::Fine => 2,
        Quality::Fast => 1,
    };
    let shrink = to_image.scale().floor();
    if shrink >= 2.0 {
        let k = shrink as u32;
        if let Some((small, to_small)) = reduce(image, to_image, (w, h), k) {
            return sample(&small, &to_small, (w, h), max_n);
        }
        // The output shows nothing of the image.
        return RgbImage::new(w, h);
    }
    sample(image, to_image, (w, h), max_n)
}

/// The part of `image` the output covers, averaged over k x k blocks, and the transform from
/// output pixels to it. `None` when the output lies entirely outside the image.
fn reduce(
    image: &RgbImage,
    to_image: &Similarity,
    (w, h): (u32, u32),
    k: u32,
) -> Option<(RgbImage, Similarity)> {
    let corners = [
        [-1.0, -1.0],
        [f64::from(w), -1.0],
        [-1.0, f64::from(h)],
        [f64::from(w), f64::from(h)],
    ]
    .map(|p| to_image.apply(p));
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for [x, y] in corners {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let margin = f64::from(k);
    let clamp_x = |v: f64| v.clamp(0.0, f64::from(image.width())) as u32;
    let clamp_y = |v: f64| v.clamp(0.0, f64::from(image.height())) as u32;
    let (x0, y0) = (
        clamp_x((x0 - margin).floor()),
        clamp_y((y0 - margin).floor()),
    );
    let (x1, y1) = (clamp_x((x1 + margin).ceil()), clamp_y((y1 + margin).ceil()));
    let (sw, sh) = ((x1.saturating_sub(x0)) / k, (y1.saturating_sub(y0)) / k);
    if sw == 0 || sh == 0 {
        return None;
    }
    let small = block_mean(image, (x0, y0), (sw, sh), k)?;
    // Block (i, j) is centred on image point (x0 + k*i + (k-1)/2, ...).
    let kf = f64::from(k);
    let half = (kf - 1.0) / 2.0;
    let to_small = Similarity {
        a: to_image.a / kf,
        b: to_image.b / kf,
        tx: (to_image.tx - f64::from(x0) - half) / kf,
        ty: (to_image.ty - f64::from(y0) - half) / kf,
    };
    Some((small, to_small))
}

/// `sw x sh` means of k x k blocks of `image` starting at `(x0, y0)` (all inside the image).
/// Walks raw rows: this runs over every covered pixel, up to the whole photo.
fn block_mean(
    image: &RgbImage,
    (x0, y0): (u32, u32),
    (sw, sh): (u32, u32),
    k: u32,
) -> Option<RgbImage> {
    let (k, x0, y0) = (k as usize, x0 as usize, y0 as usize);
    let (sw, sh) = (sw as usize, sh as usize);
    let stride = image.width() as usize * 3;
    let raw = image.as_raw();
    let area = (k * k) as u32;
    let mut acc = vec![0u32; sw * 3];
    let mut out = Vec::with_capacity(sw * sh * 3);
    for j in 0..sh {
        acc.fill(0);
        for y in y0 + j * k..y0 + (j + 1) * k {
            let start = y * stride + x0 * 3;
            let row = raw.get(start..start + sw * k * 3)?;
            for (block, sum) in row.chunks_exact(k * 3).zip(acc.chunks_exact_mut(3)) {
                for px in block.chunks_exact(3) {
                    sum[0] += u32::from(px[0]);
                    sum[1] += u32::from(px[1]);
                    sum[2] += u32::from(px[2]);
                }
            }
        }
        // Rounded to nearest.
        out.extend(acc.iter().map(|&v| ((v + area / 2) / area) as u8));
    }
    RgbImage::from_raw(sw as u32, sh as u32, out)
}

/// Averages an n x n grid of bilinear samples over each output pixel's footprint
/// (n = 1 when enlarging, up to `max_n` when shrinking).
fn sample(image: &RgbImage, to_image: &Similarity, (w, h): (u32, u32), max_n: usize) -> RgbImage {
    let n = (to_image.scale().ceil() as usize).clamp(1, max_n.max(1));
    let step = 1.0 / n as f64;
    let mut out = RgbImage::new(w, h);
    for (c, r, px) in out.enumerate_pixels_mut() {
        let mut acc = [0.0f64; 3];
        for i in 0..n {
            for j in 0..n {
                let sc = f64::from(c) - 0.5 + (j as f64 + 0.5) * step;
                let sr = f64::from(r) - 0.5 + (i as f64 + 0.5) * step;
                let [x, y] = to_image.apply([sc, sr]);
                let v = bilinear(image, x, y);
                for k in 0..3 {
                    acc[k] += v[k];
                }
            }
        }
        let count = (n * n) as f64;
        *px = Rgb(acc.map(|v| (v / count).round().clamp(0.0, 255.0) as u8));
    }
    out
}

/// Bilinear sample at `(x, y)` (pixel centres at integers); black outside the image.
fn bilinear(image: &RgbImage, x: f64, y: f64) -> [f64; 3] {
    let (w, h) = (i64::from(image.width()), i64::from(image.height()));
    if !(x > -1.0 && y > -1.0 && x < w as f64 && y < h as f64) {
        return [0.0; 3];
    }
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as i64, y0 as i64);
    let mut acc = [0.0; 3];
    for (dy, wy) in [(0, 1.0 - fy), (1, fy)] {
        for (dx, wx) in [(0, 1.0 - fx), (1, fx)] {
            let (px, py) = (x0 + dx, y0 + dy);
            let weight = wx * wy;
            if weight == 0.0 || px < 0 || py < 0 || px >= w || py >= h {
                continue;
            }
            let p = image.get_pixel(px as u32, py as u32);
            for k in 0..3 {
                acc[k] += weight * f64::from(p[k]);
            }
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale_by(f: f64) -> Similarity {
        // Output pixel centres land on image pixel centres: x = f * (c + 0.5) - 0.5.
        Similarity {
            a: f,
            b: 0.0,
            tx: 0.5 * f - 0.5,
            ty: 0.5 * f - 0.5,
        }
    }

    #[test]
    fn identity_copies_and_outside_is_black() {
        let mut image = RgbImage::new(8, 8);
        image.put_pixel(3, 4, Rgb([9, 8, 7]));
        let same = warp(&image, &scale_by(1.0), (8, 8), Quality::Fine);
        assert_eq!(same, image);
        let shifted = Similarity {
            a: 1.0,
            b: 0.0,
            tx: 100.0,
            ty: 0.0,
        };
        assert_eq!(
            warp(&image, &shifted, (4, 4), Quality::Fine),
            RgbImage::new(4, 4)
        );
        let far = Similarity {
            a: 5.0,
            b: 0.0,
            tx: 1000.0,
            ty: 0.0,
        };
        assert_eq!(
            warp(&image, &far, (4, 4), Quality::Fast),
            RgbImage::new(4, 4)
        );
    }

    #[test]
    fn shrinking_averages_blocks_without_shifting() {
        // Vertical stripes 4 px wide: black, white, black, ... At 1/4 each output pixel is
        // exactly one stripe; at 1/8 every output pixel is half white.
        let mut image = RgbImage::new(64, 64);
        for (x, _, p) in image.enumerate_pixels_mut() {
            let v = if (x / 4) % 2 == 1 { 255 } else { 0 };
            *p = Rgb([v, v, v]);
        }
        let quarter = warp(&image, &scale_by(4.0), (16, 16), Quality::Fast);
        let row: Vec<u8> = (0..6).map(|c| quarter.get_pixel(c, 8)[0]).collect();
        assert_eq!(row, [0, 255, 0, 255, 0, 255]);
        let eighth = warp(&image, &scale_by(8.0), (8, 8), Quality::Fine);
        for c in 0..8 {
            let v = eighth.get_pixel(c, 4)[0];
            assert!((120..=135).contains(&v), "column {c}: {v}");
        }
    }
}
