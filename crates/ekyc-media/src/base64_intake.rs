//! Base64 intake: standard alphabet, padding optional, ASCII whitespace
//! anywhere ignored (SDKs wrap long lines). The decoded size is computed from
//! the text before any buffer is allocated.

use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{DecodeError, Engine};

use crate::error::MediaError;

/// Lenient about padding and non-zero trailing bits (both harmless), strict about the alphabet.
const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// How much of a data URI prefix to quote back in the error.
const PREFIX_QUOTE_MAX: usize = 40;

/// Decode standard Base64 text into bytes, refusing anything that would
/// decode to more than `max_decoded` bytes.
pub fn decode_base64(text: &str, max_decoded: usize) -> Result<Vec<u8>, MediaError> {
    let trimmed = text.trim_start_matches(is_ws);
    if starts_with_ignore_case(trimmed, "data:") {
        let end = trimmed.find(',').map_or(trimmed.len(), |i| i + 1);
        let prefix: String = trimmed[..end].chars().take(PREFIX_QUOTE_MAX).collect();
        return Err(MediaError::DataUriPrefix { prefix });
    }
    let scan = scan(text)?;
    if scan.symbols == 0 {
        return Err(MediaError::Empty);
    }
    if scan.symbols % 4 == 1 {
        return Err(MediaError::InvalidBase64 {
            position: text.len(),
            reason: "the text length is not valid Base64 (it looks cut off)".into(),
        });
    }
    // Exact decoded size, known before decoding: 3 bytes per 4 symbols.
    let decoded_len = scan.symbols / 4 * 3 + (scan.symbols % 4).saturating_sub(1);
    if decoded_len > max_decoded {
        return Err(MediaError::TooLarge {
            limit: max_decoded,
            actual: Some(decoded_len),
        });
    }
    let result = if scan.whitespace {
        let compact: Vec<u8> = text.bytes().filter(|b| !is_ws_byte(*b)).collect();
        ENGINE.decode(&compact)
    } else {
        ENGINE.decode(text.as_bytes())
    };
    let bytes = result.map_err(|e| decode_error(text, e))?;
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > max_decoded {
        return Err(MediaError::TooLarge {
            limit: max_decoded,
            actual: Some(bytes.len()),
        });
    }
    Ok(bytes)
}

/// What a pass over the text found: the count of data symbols (no padding) and
/// whether whitespace must be stripped.
struct Scan {
    symbols: usize,
    whitespace: bool,
}

fn scan(text: &str) -> Result<Scan, MediaError> {
    let mut symbols = 0usize;
    let mut padding = 0usize;
    let mut whitespace = false;
    for (position, b) in text.bytes().enumerate() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {
                if padding > 0 {
                    return Err(MediaError::InvalidBase64 {
                        position,
                        reason: "data after '=' padding; padding may only end the text".into(),
                    });
                }
                symbols += 1;
            }
            b'=' => {
                padding += 1;
                if padding > 2 {
                    return Err(MediaError::InvalidBase64 {
                        position,
                        reason: "more than two '=' padding characters".into(),
                    });
                }
            }
            b'-' | b'_' => {
                return Err(MediaError::InvalidBase64 {
                    position,
                    reason: format!(
                        "'{}' belongs to the URL-safe Base64 alphabet; use the standard alphabet ('+' and '/')",
                        char::from(b)
                    ),
                });
            }
            _ if is_ws_byte(b) => whitespace = true,
            _ => {
                return Err(MediaError::InvalidBase64 {
                    position,
                    reason: describe_bad_char(text, position),
                });
            }
        }
    }
    Ok(Scan {
        symbols,
        whitespace,
    })
}

fn describe_bad_char(text: &str, position: usize) -> String {
    // `position` may sit inside a multi-byte character; quote the whole character.
    let ch = text
        .char_indices()
        .find(|(i, c)| *i <= position && position < i + c.len_utf8())
        .map(|(_, c)| c);
    match ch {
        Some(c) if c.is_ascii_graphic() => format!("character '{c}' is not in the Base64 alphabet"),
        Some(c) => format!(
            "character U+{:04X} is not in the Base64 alphabet",
            u32::from(c)
        ),
        None => "character is not in the Base64 alphabet".into(),
    }
}

/// Translate a decoder error (offsets into the whitespace-free text) back to
/// a position in the caller's text.
fn decode_error(text: &str, err: DecodeError) -> MediaError {
    let (offset, reason) = match err {
        DecodeError::InvalidByte(i, b) => (Some(i), format!("unexpected byte 0x{b:02x}")),
        DecodeError::InvalidLength(_) => (None, "the text length is not valid Base64".into()),
        DecodeError::InvalidLastSymbol(i, _) => (
            Some(i),
            "the last symbol is not a valid ending (truncated input?)".into(),
        ),
        DecodeError::InvalidPadding => (None, "padding is malformed".into()),
    };
    let position = offset.map_or(text.len(), |k| original_position(text, k));
    MediaError::InvalidBase64 { position, reason }
}

fn original_position(text: &str, compact_index: usize) -> usize {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| !is_ws_byte(*b))
        .nth(compact_index)
        .map_or(text.len(), |(i, _)| i)
}

fn is_ws(c: char) -> bool {
    c.is_ascii() && is_ws_byte(c as u8)
}

fn is_ws_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c')
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD as STD;

    const LIMIT: usize = 1 << 20;

    #[test]
    fn padded_and_unpadded_decode_alike() {
        assert_eq!(decode_base64("aGVsbG8=", LIMIT).unwrap(), b"hello");
        assert_eq!(decode_base64("aGVsbG8", LIMIT).unwrap(), b"hello");
        assert_eq!(decode_base64("aGk=", LIMIT).unwrap(), b"hi");
        assert_eq!(decode_base64("aGk", LIMIT).unwrap(), b"hi");
        assert_eq!(decode_base64("aGV5", LIMIT).unwrap(), b"hey");
    }

    #[test]
    fn wrapped_and_surrounded_by_whitespace() {
        let data: Vec<u8> = (0..=255u8).cycle().take(300).collect();
        let encoded = STD.encode(&data);
        let wrapped: String = encoded
            .as_bytes()
            .chunks(76)
            .map(|c| format!("{}\r\n", String::from_utf8_lossy(c)))
            .collect();
        let text = format!("  \n{wrapped}\t ");
        assert_eq!(decode_base64(&text, LIMIT).unwrap(), data);
    }

    #[test]
    fn data_uri_prefix_is_named() {
        let err = decode_base64("data:image/jpeg;base64,/9j/4AAQ", LIMIT).unwrap_err();
        match &err {
            MediaError::DataUriPrefix { prefix } => assert_eq!(prefix, "data:image/jpeg;base64,"),
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("after the comma"));
        assert!(matches!(
            decode_base64(" DATA:video/mp4;base64,AAAA", LIMIT),
            Err(MediaError::DataUriPrefix { .. })
        ));
    }

    #[test]
    fn url_safe_alphabet_is_named() {
        let err = decode_base64("ab-c", LIMIT).unwrap_err();
        match &err {
            MediaError::InvalidBase64 { position, reason } => {
                assert_eq!(*position, 2);
                assert!(reason.contains("URL-safe"), "{reason}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            decode_base64("ab_c", LIMIT),
            Err(MediaError::InvalidBase64 { position: 2, .. })
        ));
    }

    #[test]
    fn bad_characters_and_padding_report_positions() {
        assert!(matches!(
            decode_base64("aGVs\nbG8*", LIMIT),
            Err(MediaError::InvalidBase64 { position: 8, .. })
        ));
        assert!(matches!(
            decode_base64("aG==VsbG8", LIMIT),
            Err(MediaError::InvalidBase64 { position: 4, .. })
        ));
        assert!(matches!(
            decode_base64("aGk===", LIMIT),
            Err(MediaError::InvalidBase64 { position: 5, .. })
        ));
        assert!(matches!(
            decode_base64("aGVsb", LIMIT),
            Err(MediaError::InvalidBase64 { .. })
        ));
        let err = decode_base64("aGVs€", LIMIT).unwrap_err();
        assert!(err.to_string().contains("U+20AC"), "{err}");
    }

    #[test]
    fn empty_input() {
        assert!(matches!(decode_base64("", LIMIT), Err(MediaError::Empty)));
        assert!(matches!(
            decode_base64(" \r\n ", LIMIT),
            Err(MediaError::Empty)
        ));
        assert!(matches!(decode_base64("==", LIMIT), Err(MediaError::Empty)));
    }

    #[test]
    fn size_is_checked_from_text_length() {
        let encoded = STD.encode(vec![7u8; 100]);
        assert_eq!(decode_base64(&encoded, 100).unwrap().len(), 100);
        match decode_base64(&encoded, 99) {
            Err(MediaError::TooLarge { limit, actual }) => {
                assert_eq!(limit, 99);
                assert_eq!(actual, Some(100));
            }
            other => panic!("unexpected {other:?}"),
        }
        // Exactness across all remainders, padded or not.
        for n in 1..12usize {
            let e = STD.encode(vec![1u8; n]);
            assert!(decode_base64(&e, n - 1).is_err());
            assert_eq!(decode_base64(e.trim_end_matches('='), n).unwrap().len(), n);
        }
    }
}
