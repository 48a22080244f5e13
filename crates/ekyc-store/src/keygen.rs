//! Random API key material in Tencent's shape.

use rand::rngs::OsRng;
use rand::RngCore;

use crate::StoreError;

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Largest multiple of 62 that fits in a byte; bytes at or above it are dropped so every
/// character is equally likely (plain `% 62` would favour the first 8 characters).
const ACCEPT_BELOW: u8 = 248;

/// Prefix Tencent uses for SecretIds.
pub(crate) const SECRET_ID_PREFIX: &str = "AKID";
/// Random characters after the prefix / in a SecretKey.
pub(crate) const RANDOM_LEN: usize = 32;

/// `AKID` + 32 alphanumerics (36 chars).
pub(crate) fn new_secret_id() -> Result<String, StoreError> {
    Ok(format!("{SECRET_ID_PREFIX}{}", alphanumeric(RANDOM_LEN)?))
}

/// 32 alphanumerics.
pub(crate) fn new_secret_key() -> Result<String, StoreError> {
    alphanumeric(RANDOM_LEN)
}

/// Uniform alphanumerics straight from the OS generator; a generator failure is an error, not a
/// panic (which `Rng::sample_iter` would do).
fn alphanumeric(len: usize) -> Result<String, StoreError> {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        OsRng.try_fill_bytes(&mut buf)?;
        for &b in buf.iter().filter(|&&b| b < ACCEPT_BELOW) {
            if out.len() == len {
                break;
            }
            out.push(char::from(ALPHABET[usize::from(b % 62)]));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_tencent() {
        let id = new_secret_id().expect("rng");
        assert_eq!(id.len(), 36);
        assert!(id.starts_with("AKID"));
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        let key = new_secret_key().expect("rng");
        assert_eq!(key.len(), 32);
        assert!(key.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn values_differ_and_use_the_whole_alphabet() {
        let a = new_secret_key().expect("rng");
        let b = new_secret_key().expect("rng");
        assert_ne!(a, b);
        // 200 draws of 32 chars: missing any of the 62 symbols would mean a biased mapping.
        let mut seen = [false; 128];
        for _ in 0..200 {
            for c in new_secret_key().expect("rng").bytes() {
                seen[usize::from(c)] = true;
            }
        }
        assert!(ALPHABET.iter().all(|&c| seen[usize::from(c)]));
    }
}
