//! Shrinking a photo by area averaging for the detector, pixel for pixel as
//! `image::imageops::thumbnail` does it, several times faster: the rows of each output row's
//! block are summed once into column sums, instead of every pixel being fetched through the
//! generic pixel API (this runs on the critical path of every read: 1600×1200 → 416×320).

use image::imageops;
use image::RgbImage;

/// Each output position's input span `[lo, hi)`, as `thumbnail` computes it; `None` when one
/// is empty (the output is not smaller than the input there).
fn spans(len: u32, new_len: u32) -> Option<Vec<(usize, usize)>> {
    if len == 0 || new_len == 0 {
        return None;
    }
    let ratio = len as f32 / new_len as f32;
    (0..new_len)
        .map(|o| {
            let from = o as f32 * ratio;
            let to = from + ratio;
            let lo = (from.ceil() as u32).min(len - 1);
            let hi = (to.ceil() as u32).clamp(lo, len);
            (lo < hi).then_some((lo as usize, hi as usize))
        })
        .collect()
}

/// `image` shrunk to `new_w` × `new_h`, equal to `imageops::thumbnail(image, new_w, new_h)`.
pub(crate) fn area_shrink(image: &RgbImage, new_w: u32, new_h: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let (Some(xs), Some(ys)) = (spans(w, new_w), spans(h, new_h)) else {
        return imageops::thumbnail(image, new_w, new_h);
    };
    let raw = image.as_raw();
    let stride = w as usize * 3;
    let mut column_sums = vec![0u32; stride];
    let mut out = Vec::with_capacity(new_w as usize * new_h as usize * 3);
    for &(y0, y1) in &ys {
        column_sums.fill(0);
        for row in raw[y0 * stride..y1 * stride].chunks_exact(stride) {
            for (sum, &v) in column_sums.iter_mut().zip(row) {
                *sum += u32::from(v);
            }
        }
        for &(x0, x1) in &xs {
            let n = ((x1 - x0) * (y1 - y0)) as u32;
            let mut sum = [0u32; 3];
            for px in column_sums[x0 * 3..x1 * 3].chunks_exact(3) {
                for c in 0..3 {
                    sum[c] += px[c];
                }
            }
            out.extend(sum.map(|s| ((s + n / 2) / n).min(255) as u8));
        }
    }
    RgbImage::from_raw(new_w, new_h, out)
        .unwrap_or_else(|| imageops::thumbnail(image, new_w, new_h))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A noisy photo-like image (every byte differs from its neighbours).
    fn noise(w: u32, h: u32) -> RgbImage {
        let mut state = 0x2545_f491_u32;
        RgbImage::from_fn(w, h, |_, _| {
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state >> 24) as u8
            };
            image::Rgb([next(), next(), next()])
        })
    }

    #[test]
    fn equals_the_image_crate_thumbnail() {
        for ((w, h), (nw, nh)) in [
            ((1600, 1200), (416, 320)),
            ((1600, 1200), (640, 480)),
            ((1600, 1200), (1280, 960)),
            ((785, 456), (640, 384)),
            ((1203, 877), (640, 480)),
            ((37, 29), (10, 7)),
            // Enlarged: not a shrink, handed to `thumbnail` itself.
            ((20, 10), (64, 32)),
        ] {
            let img = noise(w, h);
            let fast = area_shrink(&img, nw, nh);
            let slow = imageops::thumbnail(&img, nw, nh);
            assert_eq!(fast.dimensions(), slow.dimensions());
            assert!(fast.as_raw() == slow.as_raw(), "{w}×{h} → {nw}×{nh}");
        }
    }
}
