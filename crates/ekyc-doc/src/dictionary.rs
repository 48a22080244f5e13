//! The recogniser's class list. PP-OCR ONNX exports keep their dictionary in the model's
//! `metadata_props` (key `character`, one entry per line); classes are blank, the dictionary,
//! then a space. ONNX Runtime sessions do not expose it here, so the ONNX protobuf is walked
//! directly: only the top-level fields are visited and the (large) graph is skipped unread.

use crate::error::DocError;

/// Class index → character (`None` for the CTC blank and multi-character entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charset {
    classes: Vec<Option<char>>,
}

impl Charset {
    /// PP-OCR layout: blank, one class per dictionary line, then a space.
    pub fn from_dictionary(text: &str) -> Charset {
        let mut classes = vec![None];
        classes.extend(text.split('\n').map(single_char));
        classes.push(Some(' '));
        Charset { classes }
    }

    /// Read the `character` metadata entry of an ONNX model file.
    pub fn from_onnx_bytes(bytes: &[u8]) -> Result<Charset, DocError> {
        let text = onnx_metadata(bytes, "character")?.ok_or_else(|| {
            DocError::Dictionary("no `character` entry in the ONNX metadata".into())
        })?;
        Ok(Charset::from_dictionary(&text))
    }

    /// Number of classes, blank included.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    pub fn get(&self, class: usize) -> Option<char> {
        self.classes.get(class).copied().flatten()
    }

    /// The first class of each character of `alphabet`, or an error naming a missing one.
    pub fn classes_of(&self, alphabet: &str) -> Result<Vec<(usize, char)>, DocError> {
        alphabet
            .chars()
            .map(|c| {
                self.classes
                    .iter()
                    .position(|&k| k == Some(c))
                    .map(|i| (i, c))
                    .ok_or_else(|| DocError::Dictionary(format!("no class for {c:?}")))
            })
            .collect()
    }
}

fn single_char(entry: &str) -> Option<char> {
    let entry = entry.strip_suffix('\r').unwrap_or(entry);
    let mut chars = entry.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Protobuf field numbers: ModelProto.metadata_props, StringStringEntryProto.key / .value.
const METADATA_PROPS: u64 = 14;
const ENTRY_KEY: u64 = 1;
const ENTRY_VALUE: u64 = 2;

/// The value of metadata entry `key` in a serialised ONNX ModelProto, if present.
pub fn onnx_metadata(bytes: &[u8], key: &str) -> Result<Option<String>, DocError> {
    for (field, payload) in fields(bytes)? {
        if field != METADATA_PROPS {
            continue;
        }
        let Some(payload) = payload else { continue };
        let (mut k, mut v) = (None, None);
        for (f, p) in fields(payload)? {
            match (f, p) {
                (ENTRY_KEY, Some(p)) => k = Some(p),
                (ENTRY_VALUE, Some(p)) => v = Some(p),
                _ => {}
            }
        }
        if k == Some(key.as_bytes()) {
            let value = v.unwrap_or_default();
            return String::from_utf8(value.to_vec())
                .map(Some)
                .map_err(|_| DocError::Dictionary(format!("metadata `{key}` is not UTF-8")));
        }
    }
    Ok(None)
}

/// A protobuf field: its number and, for length-delimited fields, the payload.
type Field<'a> = (u64, Option<&'a [u8]>);

/// Top-level fields of a protobuf message.
fn fields(mut bytes: &[u8]) -> Result<Vec<Field<'_>>, DocError> {
    let bad = |what: &str| DocError::Dictionary(format!("malformed ONNX protobuf: {what}"));
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let tag = varint(&mut bytes).ok_or_else(|| bad("tag"))?;
        let (field, wire) = (tag >> 3, tag & 7);
        let payload = match wire {
            0 => {
                varint(&mut bytes).ok_or_else(|| bad("varint"))?;
                None
            }
            1 | 5 => {
                let n = if wire == 1 { 8 } else { 4 };
                bytes = bytes.get(n..).ok_or_else(|| bad("fixed-size field"))?;
                None
            }
            2 => {
                let len = varint(&mut bytes).ok_or_else(|| bad("length"))?;
                let len = usize::try_from(len).map_err(|_| bad("length"))?;
                let payload = bytes.get(..len).ok_or_else(|| bad("truncated field"))?;
                bytes = &bytes[len..];
                Some(payload)
            }
            _ => return Err(bad("unknown wire type")),
        };
        out.push((field, payload));
    }
    Ok(out)
}

fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len_field(field: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![(field << 3 | 2) as u8];
        let mut n = payload.len();
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
        out.extend_from_slice(payload);
        out
    }

    fn model_with(key: &str, value: &str) -> Vec<u8> {
        let mut entry = len_field(1, key.as_bytes());
        entry.extend(len_field(2, value.as_bytes()));
        // ir_version (varint), a fake graph (length-delimited), then the metadata entry.
        let mut model = vec![0x08, 0x07];
        model.extend(len_field(7, &[0u8; 300]));
        model.extend(len_field(14, &entry));
        model
    }

    #[test]
    fn reads_the_dictionary_from_onnx_metadata() {
        let bytes = model_with("character", "a\nB\n🇩🇪\n<");
        let cs = Charset::from_onnx_bytes(&bytes).expect("charset");
        assert_eq!(cs.len(), 6);
        assert_eq!(
            (cs.get(0), cs.get(1), cs.get(3), cs.get(5)),
            (None, Some('a'), None, Some(' '))
        );
        assert_eq!(
            cs.classes_of("<B").expect("classes"),
            vec![(4, '<'), (2, 'B')]
        );
        assert!(cs.classes_of("Z").is_err());
    }

    #[test]
    fn missing_or_broken_metadata_is_an_error() {
        assert!(Charset::from_onnx_bytes(&model_with("other", "x")).is_err());
        let mut cut = model_with("character", "abc");
        cut.truncate(cut.len() - 2);
        assert!(Charset::from_onnx_bytes(&cut).is_err());
        assert!(onnx_metadata(&[0xff; 12], "character").is_err());
        assert_eq!(onnx_metadata(&[], "character").ok(), Some(None));
    }
}
