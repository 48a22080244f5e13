//! The action table and dispatch. Each action parses its typed request, takes its media through
//! intake, and hands decoded inputs to its pipeline.

mod cards;
mod faceid;
mod iai;
mod liveness_flow;
mod ocr;
mod passport;
mod verdict;

use serde_json::{Map, Value};

use ekyc_types::{EkycError, ErrorCode};

use crate::app::App;
use crate::context::RequestContext;

/// A successful reply: the response fields, plus what the record keeps of them.
pub struct Reply {
    pub fields: Map<String, Value>,
    /// The `Result` verdict of liveness actions (`Success` or a `FailedOperation.*`).
    pub result: Option<String>,
    pub description: Option<String>,
    pub sim: Option<f64>,
}

macro_rules! actions {
    ($( $variant:ident => $name:literal, $service:literal, $version:literal; )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Action { $( $variant, )* }

        impl Action {
            pub const ALL: &'static [Action] = &[ $( Action::$variant, )* ];
            pub const fn name(self) -> &'static str { match self { $( Action::$variant => $name, )* } }
            /// Tencent service the action belongs to (the Python SDK's credential-scope service).
            pub const fn service(self) -> &'static str { match self { $( Action::$variant => $service, )* } }
            pub const fn version(self) -> &'static str { match self { $( Action::$variant => $version, )* } }
        }
    };
}

actions! {
    LivenessCompare => "LivenessCompare", "faceid", "2018-03-01";
    CompareFaceLiveness => "CompareFaceLiveness", "faceid", "2018-03-01";
    VideoLivenessCompare => "VideoLivenessCompare", "faceid", "2018-03-01";
    GetLiveCode => "GetLiveCode", "faceid", "2018-03-01";
    MlidPassportOcr => "MLIDPassportOCR", "ocr", "2018-11-19";
    HkidCardOcr => "HKIDCardOCR", "ocr", "2018-11-19";
    MlidCardOcr => "MLIDCardOCR", "ocr", "2018-11-19";
    CompareFace => "CompareFace", "iai", "2020-03-03";
}

impl Action {
    /// Routes on `X-TC-Action` and `X-TC-Version` (not on the host or the signed service).
    pub fn route(action: Option<&str>, version: Option<&str>) -> Result<Action, EkycError> {
        let name = action.filter(|a| !a.is_empty()).ok_or_else(|| {
            EkycError::new(
                ErrorCode::InvalidAction,
                "the X-TC-Action header is missing",
            )
        })?;
        let found = Action::ALL
            .iter()
            .copied()
            .find(|a| a.name() == name)
            .ok_or_else(|| {
                EkycError::new(
                    ErrorCode::InvalidAction,
                    format!("the action {name:?} does not exist on this server"),
                )
            })?;
        match version.filter(|v| !v.is_empty()) {
            None => Err(EkycError::new(
                ErrorCode::MissingParameter,
                "the X-TC-Version header is missing",
            )),
            Some(v) if v == found.version() => Ok(found),
            Some(v) => Err(EkycError::new(
                ErrorCode::NoSuchVersion,
                format!("{name} exists in version {}, not {v:?}", found.version()),
            )),
        }
    }
}

pub async fn dispatch(
    app: &App,
    ctx: &mut RequestContext,
    action: Action,
    params: Value,
) -> Result<Reply, EkycError> {
    match action {
        Action::LivenessCompare => faceid::liveness_compare(app, ctx, params).await,
        Action::CompareFaceLiveness => faceid::compare_face_liveness(app, ctx, params).await,
        Action::VideoLivenessCompare => faceid::video_liveness_compare(app, ctx, params).await,
        Action::GetLiveCode => Ok(faceid::get_live_code()),
        Action::MlidPassportOcr => ocr::passport(app, ctx, params).await,
        Action::HkidCardOcr => ocr::hkid(app, ctx, params).await,
        Action::MlidCardOcr => ocr::mykad(app, ctx, params).await,
        Action::CompareFace => iai::compare_face(app, ctx, params).await,
    }
}

/// The answer of an action whose pipeline is not in this build yet: never a fake success.
pub fn pipeline_missing(what: &str, accepted: &str) -> EkycError {
    EkycError::new(
        ErrorCode::UnsupportedOperation,
        format!(
            "the {what} pipeline is not available in this version of ekyc yet; \
             the request was valid and its inputs decoded ({accepted})"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing() {
        assert_eq!(
            Action::route(Some("MLIDPassportOCR"), Some("2018-11-19")).unwrap(),
            Action::MlidPassportOcr
        );
        let code = |a, v| Action::route(a, v).unwrap_err().code;
        assert_eq!(
            code(Some("Nope"), Some("2018-11-19")),
            ErrorCode::InvalidAction
        );
        assert_eq!(code(None, Some("2018-11-19")), ErrorCode::InvalidAction);
        assert_eq!(
            code(Some("CompareFace"), Some("2018-03-01")),
            ErrorCode::NoSuchVersion
        );
        assert_eq!(code(Some("CompareFace"), None), ErrorCode::MissingParameter);
    }
}
