//! Video decoding through Debian's `ffprobe` and `ffmpeg` binaries.
//!
//! The bytes go to a temporary file (MP4 needs seeking), the container is
//! sniffed and forced on ffmpeg, ffprobe reports streams and duration, then
//! one ffmpeg run pipes out RGB frames at a fixed rate and, when there is an
//! audio stream, a second run pipes out 16 kHz mono samples. Every run is
//! killed at the deadline. Blocking: call it from a blocking thread.

mod container;
mod extract;
mod probe;
mod process;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use image::RgbImage;
use tempfile::NamedTempFile;

use crate::error::MediaError;
pub use container::{sniff_container, Container};
use extract::{extract_audio, extract_frames, frame_cap, Input};
pub use extract::{output_size, Frames, AUDIO_RATE_HZ};
pub use probe::VideoProbe;

/// Decoded frames must cover at least this share of the declared duration;
/// less means the data was cut off (ffmpeg itself exits cleanly on that).
const MIN_COVERAGE: f32 = 0.75;

/// Decoding settings.
#[derive(Debug, Clone)]
pub struct VideoOptions {
    /// Frames sampled per second of video.
    pub fps: f32,
    /// Longest side of output frames; larger video is scaled down.
    pub max_side: u32,
    /// Longer videos are refused.
    pub max_duration_s: f32,
    /// Shorter videos are refused (0 disables the check).
    pub min_duration_s: f32,
    /// Also decode the audio track (when there is one).
    pub want_audio: bool,
    /// Limit for the whole decode (all ffprobe/ffmpeg runs together).
    pub timeout: Duration,
    pub ffmpeg: PathBuf,
    pub ffprobe: PathBuf,
}

impl Default for VideoOptions {
    fn default() -> Self {
        Self {
            fps: 10.0,
            max_side: 640,
            max_duration_s: 20.0,
            min_duration_s: 0.0,
            want_audio: true,
            timeout: Duration::from_secs(20),
            ffmpeg: PathBuf::from("ffmpeg"),
            ffprobe: PathBuf::from("ffprobe"),
        }
    }
}

/// Everything decoded from one video.
#[derive(Debug, Clone)]
pub struct DecodedVideo {
    pub probe: VideoProbe,
    /// Upright RGB frames at `VideoOptions::fps`.
    pub frames: Vec<RgbImage>,
    /// Seconds from the start, one per frame.
    pub frame_times_s: Vec<f32>,
    /// 16 kHz mono samples in [-1, 1]; None when not wanted or there is no audio stream.
    pub audio_16k_mono: Option<Vec<f32>>,
}

/// Video bytes sniffed and written to a temporary file (deleted on drop),
/// ready for the individual steps. The steps are public so they can be timed.
#[derive(Debug)]
pub struct StagedVideo {
    file: NamedTempFile,
    container: Container,
}

impl StagedVideo {
    /// Sniff the container and write the bytes to a temporary file.
    pub fn new(bytes: &[u8]) -> Result<Self, MediaError> {
        let container = sniff_container(bytes)?;
        let mut file = tempfile::Builder::new()
            .prefix("ekyc-video-")
            .tempfile()
            .map_err(|e| MediaError::Io(format!("creating a temporary file: {e}")))?;
        file.write_all(bytes)
            .and_then(|()| file.flush())
            .map_err(|e| MediaError::Io(format!("writing the temporary file: {e}")))?;
        Ok(Self { file, container })
    }

    pub fn container(&self) -> Container {
        self.container
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }

    fn input(&self) -> Input<'_> {
        Input {
            path: self.file.path(),
            container: self.container,
        }
    }

    /// Stream facts from ffprobe, with the duration limits applied.
    pub fn probe(&self, opts: &VideoOptions) -> Result<VideoProbe, MediaError> {
        let opts = &sanitize(opts);
        self.probe_until(opts, deadline(opts))
    }

    /// Frames at `opts.fps`, checked against the duration limits.
    pub fn frames(&self, probe: &VideoProbe, opts: &VideoOptions) -> Result<Frames, MediaError> {
        let opts = &sanitize(opts);
        self.frames_until(probe, opts, deadline(opts))
    }

    /// The first audio stream as 16 kHz mono samples.
    pub fn audio(&self, opts: &VideoOptions) -> Result<Vec<f32>, MediaError> {
        let opts = &sanitize(opts);
        extract_audio(self.input(), opts, deadline(opts))
    }

    fn probe_until(&self, opts: &VideoOptions, until: Instant) -> Result<VideoProbe, MediaError> {
        let probe = probe::run_probe(self.file.path(), self.container, opts, until)?;
        if probe.duration_s > 0.0 {
            check_duration(probe.duration_s, opts)?;
        }
        Ok(probe)
    }

    fn frames_until(
        &self,
        probe: &VideoProbe,
        opts: &VideoOptions,
        until: Instant,
    ) -> Result<Frames, MediaError> {
        let frames = extract_frames(self.input(), probe, opts, until)?;
        let decoded_s = frames.images.len() as f32 / opts.fps;
        if frames.images.len() > frame_cap(opts) {
            return Err(MediaError::VideoTooLong {
                seconds: decoded_s,
                limit: opts.max_duration_s,
            });
        }
        if probe.duration_s > 0.0 {
            let expected = (probe.duration_s * opts.fps).floor().max(1.0);
            if (frames.images.len() as f32) < expected * MIN_COVERAGE {
                return Err(MediaError::VideoUndecodable(format!(
                    "picture data ends at {decoded_s:.1} s of {:.1} s declared (truncated file?)",
                    probe.duration_s
                )));
            }
        } else {
            check_duration(decoded_s, opts)?;
        }
        Ok(frames)
    }
}

/// Decode a whole video: probe, frames and (when wanted and present) audio.
pub fn decode_video(bytes: &[u8], opts: &VideoOptions) -> Result<DecodedVideo, MediaError> {
    let opts = &sanitize(opts);
    let until = deadline(opts);
    let staged = StagedVideo::new(bytes)?;
    let mut probe = staged.probe_until(opts, until)?;
    let frames = staged.frames_until(&probe, opts, until)?;
    if probe.duration_s <= 0.0 {
        probe.duration_s = frames.images.len() as f32 / opts.fps;
    }
    let audio = if opts.want_audio && probe.has_audio {
        Some(extract_audio(staged.input(), opts, until)?)
    } else {
        None
    };
    tracing::debug!(
        container = %probe.container,
        duration_s = probe.duration_s,
        frames = frames.images.len(),
        audio_samples = audio.as_ref().map_or(0, Vec::len),
        "video decoded"
    );
    Ok(DecodedVideo {
        probe,
        frames: frames.images,
        frame_times_s: frames.times_s,
        audio_16k_mono: audio,
    })
}

/// Probe a video without decoding it.
pub fn probe_video(bytes: &[u8], opts: &VideoOptions) -> Result<VideoProbe, MediaError> {
    StagedVideo::new(bytes)?.probe(opts)
}

fn check_duration(seconds: f32, opts: &VideoOptions) -> Result<(), MediaError> {
    if seconds > opts.max_duration_s {
        return Err(MediaError::VideoTooLong {
            seconds,
            limit: opts.max_duration_s,
        });
    }
    if seconds < opts.min_duration_s {
        return Err(MediaError::VideoTooShort {
            seconds,
            limit: opts.min_duration_s,
        });
    }
    Ok(())
}

fn deadline(opts: &VideoOptions) -> Instant {
    Instant::now() + opts.timeout
}

/// Keep numeric options in a range ffmpeg and our buffer maths accept.
fn sanitize(opts: &VideoOptions) -> VideoOptions {
    let finite_or = |v: f32, d: f32| if v.is_finite() { v } else { d };
    VideoOptions {
        fps: finite_or(opts.fps, 10.0).clamp(0.1, 120.0),
        max_side: opts.max_side.clamp(16, 8192),
        max_duration_s: finite_or(opts.max_duration_s, 20.0).clamp(0.1, 3600.0),
        min_duration_s: finite_or(opts.min_duration_s, 0.0).max(0.0),
        ..opts.clone()
    }
}
