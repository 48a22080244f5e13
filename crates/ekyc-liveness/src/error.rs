use ekyc_face::FaceError;

/// Why the liveness engine could not produce signals (not a verdict about the user).
#[derive(Debug, thiserror::Error)]
pub enum LivenessError {
    /// A model failed to run or returned something unusable.
    #[error("face engine: {0}")]
    Engine(#[from] FaceError),
    /// The video has no frames to analyse.
    #[error("the video has no frames")]
    NoFrames,
    /// The detection thread ended before sending every scheduled detection.
    #[error("the face detection thread stopped early")]
    DetectionStopped,
}
