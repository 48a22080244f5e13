//! Detects JPEG data cut off before its end-of-image marker.
//!
//! Walks the marker structure: segments are skipped by their length (so an
//! EXIF thumbnail's own end marker is not mistaken for ours) and entropy-coded
//! scan data is scanned for the next real marker. Bytes after the end marker
//! (motion-photo trailers, padding) are allowed.

const MARKER: u8 = 0xFF;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;

/// True when the JPEG structure reaches an end-of-image marker.
pub(crate) fn has_end_marker(bytes: &[u8]) -> bool {
    let mut i = 2; // past SOI
    while i + 1 < bytes.len() {
        if bytes[i] != MARKER {
            // Stray bytes between segments: decoders resync on the next 0xFF, so do we.
            i += 1;
            continue;
        }
        let marker = bytes[i + 1];
        match marker {
            MARKER => i += 1, // fill byte
            EOI => return true,
            0x00 | 0x01 | 0xD0..=0xD7 => i += 2, // standalone markers
            _ => {
                let Some(len) = segment_len(bytes, i + 2) else {
                    return false;
                };
                i += 2 + len;
                if marker == SOS {
                    match next_marker_after_scan(bytes, i) {
                        Some(next) => i = next,
                        None => return false,
                    }
                }
            }
        }
    }
    false
}

fn segment_len(bytes: &[u8], at: usize) -> Option<usize> {
    let hi = *bytes.get(at)?;
    let lo = *bytes.get(at + 1)?;
    let len = usize::from(u16::from_be_bytes([hi, lo]));
    (len >= 2).then_some(len)
}

/// Index of the first marker after entropy-coded data starting at `from`
/// (0xFF00 is a stuffed byte and restart markers stay inside the scan).
fn next_marker_after_scan(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 1 < bytes.len() {
        if bytes[i] == MARKER {
            let next = bytes[i + 1];
            if next != 0x00 && next != MARKER && !(0xD0..=0xD7).contains(&next) {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOI, APP1 holding a fake thumbnail with its own EOI, SOS with stuffed data, EOI.
    fn sample() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD8, 0xFF, 0xD9]);
        v.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02]);
        v.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        v.extend_from_slice(&[0xFF, 0xD9]);
        v
    }

    #[test]
    fn complete_file_has_end() {
        assert!(has_end_marker(&sample()));
        let mut trailer = sample();
        trailer.extend_from_slice(b"\0\0\0\x18ftypmp42 motion photo");
        assert!(has_end_marker(&trailer));
    }

    #[test]
    fn every_truncation_is_detected() {
        let full = sample();
        for cut in 2..full.len() {
            assert!(!has_end_marker(&full[..cut]), "cut at {cut}");
        }
    }

    #[test]
    fn thumbnail_end_marker_does_not_count() {
        let full = sample();
        // Cut inside the scan, after the thumbnail's EOI.
        assert!(!has_end_marker(&full[..18]));
    }
}
