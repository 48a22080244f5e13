//! Request values that parse on construction, so invalid input never reaches a pipeline.

use crate::error::EkycError;

/// `LivenessType`: which liveness protocol the client ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LivenessType {
    /// The user reads a 4-digit code aloud.
    Lip,
    /// The user performs 1–2 gestures in order.
    Action,
    /// Passive: no instruction.
    Silent,
}

impl LivenessType {
    pub fn parse(text: &str) -> Result<Self, EkycError> {
        match text {
            "LIP" => Ok(LivenessType::Lip),
            "ACTION" => Ok(LivenessType::Action),
            "SILENT" => Ok(LivenessType::Silent),
            other => Err(EkycError::invalid_value(format!(
                "LivenessType must be LIP, ACTION or SILENT, got {other:?}"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LivenessType::Lip => "LIP",
            LivenessType::Action => "ACTION",
            LivenessType::Silent => "SILENT",
        }
    }
}

/// One requested gesture of ACTION mode (the wire digit in brackets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gesture {
    /// `1`
    OpenMouth,
    /// `2`
    Blink,
    /// `3`
    Nod,
    /// `4`
    ShakeHead,
}

/// What the client asked the user to do, checked against the liveness type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Challenge {
    /// LIP: exactly four digits.
    Digits(String),
    /// ACTION: one or two gestures, in order.
    Gestures(Vec<Gesture>),
    /// SILENT: nothing.
    None,
}

impl Challenge {
    /// Parses `ValidateData` for the given mode.
    pub fn parse(kind: LivenessType, validate_data: Option<&str>) -> Result<Self, EkycError> {
        let data = validate_data.map(str::trim).unwrap_or("");
        match kind {
            LivenessType::Silent => Ok(Challenge::None),
            LivenessType::Lip => {
                if data.len() == 4 && data.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(Challenge::Digits(data.to_string()))
                } else {
                    Err(EkycError::invalid_value(format!(
                        "ValidateData for LIP must be exactly 4 digits, got {data:?}"
                    )))
                }
            }
            LivenessType::Action => parse_gestures(data).map(Challenge::Gestures),
        }
    }
}

fn parse_gestures(data: &str) -> Result<Vec<Gesture>, EkycError> {
    let bad = || {
        EkycError::invalid_value(format!(
            "ValidateData for ACTION must be one or two of 1 (open mouth), 2 (blink), 3 (nod), \
             4 (shake head) separated by a comma, e.g. \"2,1\"; got {data:?}"
        ))
    };
    let gestures = data
        .split(',')
        .map(|part| match part.trim() {
            "1" => Ok(Gesture::OpenMouth),
            "2" => Ok(Gesture::Blink),
            "3" => Ok(Gesture::Nod),
            "4" => Ok(Gesture::ShakeHead),
            _ => Err(bad()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if gestures.is_empty() || gestures.len() > 2 {
        return Err(bad());
    }
    Ok(gestures)
}

/// `Optional` of LivenessCompare: JSON text such as `{"BestFrameNum":2}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LivenessOptions {
    /// 2..=10 frames asked for `BestFrameList`; `None` when not asked.
    pub best_frame_num: Option<u8>,
}

impl LivenessOptions {
    pub fn parse(optional: Option<&str>) -> Result<Self, EkycError> {
        let text = match optional.map(str::trim) {
            None | Some("") => return Ok(LivenessOptions::default()),
            Some(text) => text,
        };
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| EkycError::invalid_value(format!("Optional is not valid JSON: {e}")))?;
        let obj = value
            .as_object()
            .ok_or_else(|| EkycError::invalid_value("Optional must be a JSON object"))?;
        let best_frame_num = match obj.get("BestFrameNum") {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => match v.as_u64() {
                Some(n @ 2..=10) => Some(n as u8),
                _ => {
                    return Err(EkycError::invalid_value(format!(
                        "Optional.BestFrameNum must be an integer from 2 to 10, got {v}"
                    )))
                }
            },
        };
        Ok(LivenessOptions { best_frame_num })
    }
}

/// A 32-hex-digit MD5 given by the client (`ImageMd5`, `VideoMd5`); compared case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Md5Hex(String);

impl Md5Hex {
    pub fn parse(field: &str, text: &str) -> Result<Self, EkycError> {
        let t = text.trim();
        if t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Md5Hex(t.to_ascii_lowercase()))
        } else {
            Err(EkycError::invalid_value(format!(
                "{field} must be 32 hexadecimal digits (an MD5), got {} characters",
                t.len()
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::ErrorCode;

    #[test]
    fn liveness_type() {
        assert_eq!(LivenessType::parse("LIP").unwrap(), LivenessType::Lip);
        assert_eq!(
            LivenessType::parse("lip").unwrap_err().code,
            ErrorCode::InvalidParameterValue
        );
    }

    #[test]
    fn challenges() {
        use Gesture::*;
        let action = |s| Challenge::parse(LivenessType::Action, Some(s));
        assert_eq!(
            action("2,1").unwrap(),
            Challenge::Gestures(vec![Blink, OpenMouth])
        );
        assert_eq!(action(" 4 ").unwrap(), Challenge::Gestures(vec![ShakeHead]));
        for bad in ["", "5", "1,2,3", "1,", "a"] {
            assert!(action(bad).is_err(), "{bad}");
        }
        let lip = |s| Challenge::parse(LivenessType::Lip, s);
        assert_eq!(lip(Some("0123")).unwrap(), Challenge::Digits("0123".into()));
        assert!(lip(Some("123")).is_err());
        assert!(lip(Some("12a4")).is_err());
        assert!(lip(None).is_err());
        assert_eq!(
            Challenge::parse(LivenessType::Silent, Some("x")).unwrap(),
            Challenge::None
        );
    }

    #[test]
    fn optional() {
        assert_eq!(LivenessOptions::parse(None).unwrap().best_frame_num, None);
        assert_eq!(
            LivenessOptions::parse(Some(r#"{"BestFrameNum":3}"#))
                .unwrap()
                .best_frame_num,
            Some(3)
        );
        assert!(LivenessOptions::parse(Some(r#"{"BestFrameNum":11}"#)).is_err());
        assert!(LivenessOptions::parse(Some("[1]")).is_err());
        assert!(LivenessOptions::parse(Some("{")).is_err());
    }

    #[test]
    fn md5() {
        assert!(Md5Hex::parse("ImageMd5", "D41D8CD98F00B204E9800998ECF8427E").is_ok());
        assert!(Md5Hex::parse("ImageMd5", "xyz").is_err());
    }
}
