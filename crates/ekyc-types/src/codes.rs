//! The one table of wire codes. Every code the server can emit is one line here: variant, wire
//! string, category and the English description that becomes the default `Message`.
//!
//! Sources: `shared/contract/ekyc-error-codes.md` (the product list; `PRODUCT_CODES` below),
//! the Tencent API 3.0 common codes, and the faceid / ocr / iai `errorcodes.py` of the SDKs.

use std::fmt;

/// What part of the system a code belongs to; used for metrics and docs, never on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// Signature, key and timestamp checks.
    Auth,
    /// The request itself: action, version, parameters.
    Request,
    /// Media intake: Base64, download, decode, size.
    Media,
    /// Capacity and throttling.
    Limit,
    /// Photo / face comparison verdicts.
    Face,
    /// Video liveness verdicts (ACTION and SILENT).
    Liveness,
    /// Lip-reading liveness verdicts (LIP).
    Lip,
    /// Document reading.
    Document,
    /// Faults on our side.
    Internal,
}

macro_rules! error_codes {
    ($( $variant:ident => $wire:literal, $cat:ident, $desc:literal; )*) => {
        /// A wire error / verdict code. `as_str` gives the exact string Tencent clients match on.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $( $variant, )* }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )* ];

            /// The exact wire string, e.g. `FailedOperation.LifePhotoSizeError`.
            pub const fn as_str(self) -> &'static str {
                match self { $( ErrorCode::$variant => $wire, )* }
            }

            /// English description; the default `Message` / `Description`.
            pub const fn description(self) -> &'static str {
                match self { $( ErrorCode::$variant => $desc, )* }
            }

            pub const fn category(self) -> Category {
                match self { $( ErrorCode::$variant => Category::$cat, )* }
            }

            /// Looks a wire string up in the table.
            pub fn parse(wire: &str) -> Option<ErrorCode> {
                match wire { $( $wire => Some(ErrorCode::$variant), )* _ => None }
            }
        }
    };
}

error_codes! {
    // --- API 3.0 common codes -------------------------------------------------------------
    InvalidAuthorization => "AuthFailure.InvalidAuthorization", Auth, "CAM signature/authentication error.";
    InvalidSecretId => "AuthFailure.InvalidSecretId", Auth, "The SecretId is not a valid key id.";
    SecretIdNotFound => "AuthFailure.SecretIdNotFound", Auth, "The SecretId does not exist or has been revoked.";
    SignatureExpire => "AuthFailure.SignatureExpire", Auth, "The signature has expired: the request timestamp is more than 300 seconds away from server time.";
    SignatureFailure => "AuthFailure.SignatureFailure", Auth, "The signature does not match.";
    TokenFailure => "AuthFailure.TokenFailure", Auth, "Temporary credentials (X-TC-Token) are not supported.";
    InvalidAction => "InvalidAction", Request, "The action does not exist.";
    NoSuchVersion => "NoSuchVersion", Request, "The API version does not exist for this action.";
    MissingParameter => "MissingParameter", Request, "A required parameter is missing.";
    UnknownParameter => "UnknownParameter", Request, "An unknown parameter was sent.";
    InvalidParameter => "InvalidParameter", Request, "Invalid parameter.";
    InvalidParameterValue => "InvalidParameterValue", Request, "Incorrect parameter value.";
    UnsupportedOperation => "UnsupportedOperation", Request, "Unsupported operation.";
    RequestLimitExceeded => "RequestLimitExceeded", Limit, "Too many requests in progress; retry shortly.";
    RequestSizeLimitExceeded => "RequestSizeLimitExceeded", Limit, "The request body is too large.";
    ServiceUnavailable => "ServiceUnavailable", Internal, "The service is not ready.";
    InternalError => "InternalError", Internal, "Internal error.";

    // --- media intake ---------------------------------------------------------------------
    DownLoadError => "FailedOperation.DownLoadError", Media, "File download failed.";
    DownLoadTimeoutError => "FailedOperation.DownLoadTimeoutError", Media, "File download timed out.";
    EmptyImageError => "FailedOperation.EmptyImageError", Media, "The image is empty.";
    ImageDecodeFailed => "FailedOperation.ImageDecodeFailed", Media, "The image could not be decoded.";
    ImageSizeTooLarge => "FailedOperation.ImageSizeTooLarge", Media, "The image is too large.";
    VideoDecodeFailed => "FailedOperation.VideoDecodeFailed", Media, "The video could not be decoded.";
    VideoDurationExceeded => "FailedOperation.VideoDurationExceeded", Media, "The video is longer than allowed.";

    // --- photo and comparison -------------------------------------------------------------
    CompareFail => "FailedOperation.CompareFail", Face, "Comparison failed.";
    CompareLowSimilarity => "FailedOperation.CompareLowSimilarity", Face, "The comparison similarity did not reach the passing standard.";
    CompareSystemError => "FailedOperation.CompareSystemError", Face, "Error calling the comparison engine API.";
    LifePhotoDetectFaces => "FailedOperation.LifePhotoDetectFaces", Face, "Multiple faces are detected.";
    LifePhotoDetectFake => "FailedOperation.LifePhotoDetectFake", Face, "Real person comparison failed.";
    LifePhotoDetectNoFaces => "FailedOperation.LifePhotoDetectNoFaces", Face, "Failed to detect a full face.";
    LifePhotoPoorQuality => "FailedOperation.LifePhotoPoorQuality", Face, "The resolution of the image passed in is too low. Please upload a new one.";
    LifePhotoSizeError => "FailedOperation.LifePhotoSizeError", Face, "The image passed in is too large or too small.";
    FaceQualityNotQualified => "FailedOperation.FaceQualityNotQualified", Face, "The face quality does not meet the requested quality control level.";
    NoFaceInPhoto => "InvalidParameterValue.NoFaceInPhoto", Face, "No face was found in the photo.";

    // --- video liveness (ACTION / SILENT) -------------------------------------------------
    ActionCloseEye => "FailedOperation.ActionCloseEye", Liveness, "No motions of eye closing are detected.";
    ActionFaceClose => "FailedOperation.ActionFaceClose", Liveness, "The face is too close to the screen.";
    ActionFaceFar => "FailedOperation.ActionFaceFar", Liveness, "The face is too far from the screen.";
    ActionFaceLeft => "FailedOperation.ActionFaceLeft", Liveness, "The face is too far left from the screen.";
    ActionFaceRight => "FailedOperation.ActionFaceRight", Liveness, "The face is too far right from the screen.";
    ActionFirstAction => "FailedOperation.ActionFirstAction", Liveness, "No movement is detected.";
    ActionLightDark => "FailedOperation.ActionLightDark", Liveness, "The lighting is too dim.";
    ActionLightStrong => "FailedOperation.ActionLightStrong", Liveness, "The lighting is too strong.";
    ActionNodetectFace => "FailedOperation.ActionNodetectFace", Liveness, "Failed to detect a full face.";
    ActionOpenMouth => "FailedOperation.ActionOpenMouth", Liveness, "No motions of mouth opening are detected.";
    LivessBestFrameError => "FailedOperation.LivessBestFrameError", Liveness, "Face detection failed. Unable to extract the photo for comparison.";
    LivessDetectFail => "FailedOperation.LivessDetectFail", Liveness, "Liveness detection failed.";
    LivessDetectFake => "FailedOperation.LivessDetectFake", Liveness, "Suspected spoofed recording.";
    LivessSystemError => "FailedOperation.LivessSystemError", Liveness, "Error calling the liveness engine API.";
    LivessUnknownError => "FailedOperation.LivessUnknownError", Liveness, "Video-based real person detection failed.";
    SilentDetectFail => "FailedOperation.SilentDetectFail", Liveness, "Real person detection failed.";
    SilentEyeLiveFail => "FailedOperation.SilentEyeLiveFail", Liveness, "Eye detection failed.";
    SilentFaceDetectFail => "FailedOperation.SilentFaceDetectFail", Liveness, "No face is detected in the video.";
    SilentFaceQualityFail => "FailedOperation.SilentFaceQualityFail", Liveness, "Low face quality.";
    SilentFaceWithMaskFail => "FailedOperation.SilentFaceWithMaskFail", Liveness, "A face mask is detected.";
    SilentMouthLiveFail => "FailedOperation.SilentMouthLiveFail", Liveness, "Mouth detection failed.";
    SilentMultiFaceFail => "FailedOperation.SilentMultiFaceFail", Liveness, "Multiple faces are detected in the video.";
    SilentPictureLiveFail => "FailedOperation.SilentPictureLiveFail", Liveness, "The video might be spoofed.";
    SilentThreshold => "FailedOperation.SilentThreshold", Liveness, "Real person detection did not reach the passing standard.";
    SilentTooShort => "FailedOperation.SilentTooShort", Liveness, "The video is shorter than 2 seconds.";

    // --- LIP liveness ---------------------------------------------------------------------
    LipFaceIncomplete => "FailedOperation.LipFaceIncomplete", Lip, "The face is not fully exposed.";
    LipMoveSmall => "FailedOperation.LipMoveSmall", Lip, "The lip movement range is too small.";
    LipNetFailed => "FailedOperation.LipNetFailed", Lip, "Failed to pull the video. Please try again.";
    LipSizeError => "FailedOperation.LipSizeError", Lip, "The video is empty or its size is inappropriate. The recording duration should be about 6 seconds.";
    LipVideoInvalid => "FailedOperation.LipVideoInvalid", Lip, "The video format is incorrect.";
    LipVideoQuaility => "FailedOperation.LipVideoQuaility", Lip, "The video definition is too low.";
    LipVoiceDetect => "FailedOperation.LipVoiceDetect", Lip, "No sound is detected.";
    LipVoiceLow => "FailedOperation.LipVoiceLow", Lip, "The volume of the video is too low.";
    LipVoiceRecognize => "FailedOperation.LipVoiceRecognize", Lip, "Speech recognition failed.";

    // --- documents ------------------------------------------------------------------------
    NoPassport => "FailedOperation.NoPassport", Document, "The image is not a passport.";
    NoHKIDCard => "FailedOperation.NoHKIDCard", Document, "The image is not a Hong Kong identity card.";
    NoMASIDCard => "FailedOperation.NoMASIDCard", Document, "The image is not a Malaysian identity card.";
    InconsistencyBetweenMRZAndVRZ => "FailedOperation.InconsistencyBetweenMRZAndVRZ", Document, "The machine-readable zone and the visual zone disagree.";
    ImageNoIdCard => "FailedOperation.ImageNoIdCard", Document, "No identity document was found in the image.";
    ImageNoText => "FailedOperation.ImageNoText", Document, "No text was found in the image.";
    IdCardTooSmall => "FailedOperation.IdCardTooSmall", Document, "The document is too small or its resolution too low.";
    MultiCardError => "FailedOperation.MultiCardError", Document, "Several documents of the same side were found.";
    OcrFailed => "FailedOperation.OcrFailed", Document, "Recognition failed.";

    // --- generic failure ------------------------------------------------------------------
    UnKnown => "FailedOperation.UnKnown", Internal, "Unknown internal error.";
}

/// The codes of the product contract (`ekyc-error-codes.md`, face table). Each must be reachable
/// by a real input; tests keep this list honest.
pub const PRODUCT_CODES: &[ErrorCode] = &[
    ErrorCode::InvalidAuthorization,
    ErrorCode::ActionCloseEye,
    ErrorCode::ActionFaceClose,
    ErrorCode::ActionFaceFar,
    ErrorCode::ActionFaceLeft,
    ErrorCode::ActionFaceRight,
    ErrorCode::ActionFirstAction,
    ErrorCode::ActionLightDark,
    ErrorCode::ActionLightStrong,
    ErrorCode::ActionNodetectFace,
    ErrorCode::ActionOpenMouth,
    ErrorCode::CompareFail,
    ErrorCode::CompareLowSimilarity,
    ErrorCode::CompareSystemError,
    ErrorCode::DownLoadError,
    ErrorCode::DownLoadTimeoutError,
    ErrorCode::LifePhotoDetectFaces,
    ErrorCode::LifePhotoDetectFake,
    ErrorCode::LifePhotoDetectNoFaces,
    ErrorCode::LifePhotoPoorQuality,
    ErrorCode::LifePhotoSizeError,
    ErrorCode::LipFaceIncomplete,
    ErrorCode::LipMoveSmall,
    ErrorCode::LipNetFailed,
    ErrorCode::LipSizeError,
    ErrorCode::LipVideoInvalid,
    ErrorCode::LipVideoQuaility,
    ErrorCode::LipVoiceDetect,
    ErrorCode::LipVoiceLow,
    ErrorCode::LipVoiceRecognize,
    ErrorCode::LivessBestFrameError,
    ErrorCode::LivessDetectFail,
    ErrorCode::LivessDetectFake,
    ErrorCode::LivessSystemError,
    ErrorCode::LivessUnknownError,
    ErrorCode::SilentDetectFail,
    ErrorCode::SilentEyeLiveFail,
    ErrorCode::SilentFaceDetectFail,
    ErrorCode::SilentFaceQualityFail,
    ErrorCode::SilentFaceWithMaskFail,
    ErrorCode::SilentMouthLiveFail,
    ErrorCode::SilentMultiFaceFail,
    ErrorCode::SilentPictureLiveFail,
    ErrorCode::SilentThreshold,
    ErrorCode::UnKnown,
    ErrorCode::InvalidParameter,
    ErrorCode::InvalidParameterValue,
    ErrorCode::UnsupportedOperation,
];

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! card_alarms {
    ($( $variant:ident => $wire:literal, $name:literal, $desc:literal; )*) => {
        /// Document alarm codes carried in `WarnCardInfos` (negative integers on the wire).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CardAlarm { $( $variant, )* }

        impl CardAlarm {
            pub const ALL: &'static [CardAlarm] = &[ $( CardAlarm::$variant, )* ];

            /// The integer that goes into `WarnCardInfos`.
            pub const fn wire(self) -> i64 {
                match self { $( CardAlarm::$variant => $wire, )* }
            }

            /// Short lowercase name used in configs, eval tables and labels.
            pub const fn name(self) -> &'static str {
                match self { $( CardAlarm::$variant => $name, )* }
            }

            pub const fn description(self) -> &'static str {
                match self { $( CardAlarm::$variant => $desc, )* }
            }

            pub fn from_wire(code: i64) -> Option<CardAlarm> {
                match code { $( $wire => Some(CardAlarm::$variant), )* _ => None }
            }
        }
    };
}

card_alarms! {
    Covered => -9101, "covered", "Alarm for covered certificate.";
    Photocopy => -9102, "photocopy", "Alarm for photocopied certificate.";
    Recapture => -9103, "recapture", "Alarm for photographed certificate.";
    Tampered => -9104, "tampered", "Alarm for PS certificate.";
    Reflective => -9107, "reflective", "Alarm for reflective certificate.";
    Blurry => -9108, "blurry", "Alarm for blurry image.";
    ServiceDisabled => -9109, "disabled", "Alarm service not enabled.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn wire_strings_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
            assert!(!code.description().is_empty());
        }
        assert_eq!(ErrorCode::parse("FailedOperation.Nope"), None);
    }

    /// Every code of the product list (`ekyc-error-codes.md`) is spelled exactly as there.
    #[test]
    fn product_codes_match_the_contract_spelling() {
        let contract = [
            "AuthFailure.InvalidAuthorization",
            "FailedOperation.LipVideoQuaility",
            "FailedOperation.LivessBestFrameError",
            "FailedOperation.SilentFaceWithMaskFail",
            "FailedOperation.UnKnown",
            "FailedOperation.DownLoadTimeoutError",
        ];
        for wire in contract {
            let code = ErrorCode::parse(wire).expect(wire);
            assert!(PRODUCT_CODES.contains(&code), "{wire} not in PRODUCT_CODES");
        }
        assert_eq!(PRODUCT_CODES.len(), 48);
    }

    /// Reads the contract file itself (present in CI next to the repo) and checks both directions.
    #[test]
    fn product_codes_equal_the_contract_file() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/contract/ekyc-error-codes.md");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("SKIP: {} not found", path.display());
            return;
        };
        let listed: HashSet<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix('|'))
            .filter_map(|l| l.split('|').next())
            .map(str::trim)
            .filter(|c| c.chars().next().is_some_and(|ch| ch.is_ascii_alphabetic()))
            .filter(|c| *c != "Error Code")
            .collect();
        let ours: HashSet<&str> = PRODUCT_CODES.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, ours);
    }

    #[test]
    fn alarms_round_trip() {
        for alarm in CardAlarm::ALL {
            assert_eq!(CardAlarm::from_wire(alarm.wire()), Some(*alarm));
        }
        assert_eq!(CardAlarm::Recapture.wire(), -9103);
        assert_eq!(CardAlarm::from_wire(-9105), None);
    }
}
