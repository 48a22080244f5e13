//! A small in-place radix-2 FFT and the 2-D power spectrum of a square tile.

/// In-place complex FFT of a power-of-two length (re, im as separate slices).
pub fn fft(re: &mut [f32], im: &mut [f32]) {
    let n = re.len();
    debug_assert!(n.is_power_of_two() && im.len() == n);
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    // Twiddles of the full length; a stage of length `len` uses every (n / len)-th one.
    let twiddles: Vec<(f32, f32)> = (0..n / 2)
        .map(|k| (-2.0 * std::f32::consts::PI * k as f32 / n as f32).sin_cos())
        .collect();
    let mut len = 2;
    while len <= n {
        let stride = n / len;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (s, c) = twiddles[k * stride];
                let (a, b) = (start + k, start + k + len / 2);
                let (tr, ti) = (re[b] * c - im[b] * s, re[b] * s + im[b] * c);
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        len <<= 1;
    }
}

/// Power spectrum of an `n` × `n` tile (row-major, n a power of two) after removing its mean
/// and applying a Hann window; index `[ky * n + kx]`, DC at 0.
pub fn power_spectrum(tile: &[f32], n: usize) -> Vec<f32> {
    let mean = tile.iter().sum::<f32>() / tile.len() as f32;
    let hann: Vec<f32> = (0..n)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / n as f32).cos())
        .collect();
    let mut re: Vec<f32> = tile
        .iter()
        .enumerate()
        .map(|(i, v)| (v - mean) * hann[i % n] * hann[i / n])
        .collect();
    let mut im = vec![0.0; n * n];
    for row in 0..n {
        fft(
            &mut re[row * n..(row + 1) * n],
            &mut im[row * n..(row + 1) * n],
        );
    }
    let (mut cr, mut ci) = (vec![0.0; n], vec![0.0; n]);
    for col in 0..n {
        for row in 0..n {
            cr[row] = re[row * n + col];
            ci[row] = im[row * n + col];
        }
        fft(&mut cr, &mut ci);
        for row in 0..n {
            re[row * n + col] = cr[row];
            im[row * n + col] = ci[row];
        }
    }
    re.iter().zip(&im).map(|(a, b)| a * a + b * b).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cosine_peaks_at_its_frequency() {
        let n = 32;
        let tile: Vec<f32> = (0..n * n)
            .map(|i| (2.0 * std::f32::consts::PI * 5.0 * (i % n) as f32 / n as f32).cos())
            .collect();
        let p = power_spectrum(&tile, n);
        let best = (0..n * n).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert!(best == 5 || best == n - 5, "peak at {best}");
    }
}
