//! Frame and audio extraction through ffmpeg pipes.

use std::ffi::OsString;
use std::path::Path;
use std::time::Instant;

use image::RgbImage;

use super::container::Container;
use super::probe::VideoProbe;
use super::process::{run, Job};
use super::VideoOptions;
use crate::error::MediaError;

/// Output sample rate for speech models.
pub const AUDIO_RATE_HZ: u32 = 16_000;
/// Extra audio seconds decoded beyond the duration limit, to tolerate rounding.
const AUDIO_SLACK_S: f32 = 1.0;
/// Audio is small (64 KB per second); read it in pieces of one second.
const AUDIO_CHUNK_BYTES: usize = AUDIO_RATE_HZ as usize * 4;

/// The input ffmpeg reads: a sniffed file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Input<'a> {
    pub path: &'a Path,
    pub container: Container,
}

/// Frames sampled at a fixed rate.
#[derive(Debug, Clone, Default)]
pub struct Frames {
    pub images: Vec<RgbImage>,
    /// Seconds from the start of the video, one per image.
    pub times_s: Vec<f32>,
}

/// Output frame size: the displayed size scaled so its longer side is at
/// most `max_side` (never enlarged), aspect ratio kept.
pub fn output_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longer = width.max(height).max(1);
    if longer <= max_side {
        return (width.max(1), height.max(1));
    }
    let scale = f64::from(max_side) / f64::from(longer);
    let fit = |v: u32| ((f64::from(v) * scale).round() as u32).clamp(1, max_side);
    (fit(width), fit(height))
}

/// Most frames accepted for `max_duration_s` at `fps` (one spare for rounding).
pub(crate) fn frame_cap(opts: &VideoOptions) -> usize {
    (opts.max_duration_s * opts.fps).ceil().max(1.0) as usize + 1
}

fn input_args(input: Input<'_>) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-protocol_whitelist",
        "file",
        "-f",
        input.container.demuxer(),
        "-i",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    args.push(input.path.as_os_str().to_owned());
    args
}

/// Decode the probed picture stream to RGB frames at `opts.fps`. Returns at
/// most `frame_cap(opts) + 1` frames; more than the cap means "too long".
pub(crate) fn extract_frames(
    input: Input<'_>,
    probe: &VideoProbe,
    opts: &VideoOptions,
    deadline: Instant,
) -> Result<Frames, MediaError> {
    let (w, h) = output_size(probe.width, probe.height, opts.max_side);
    let frame_bytes = w as usize * h as usize * 3;
    let limit = frame_cap(opts) + 1;
    let mut args = input_args(input);
    // ffmpeg rotates phone video upright before our filters, so w×h is the displayed shape.
    let filters = format!("fps={},scale={w}:{h}:flags=area", opts.fps);
    for a in [
        "-map".to_string(),
        format!("0:{}", probe.video_stream),
        "-an".into(),
        "-sn".into(),
        "-dn".into(),
        "-vf".into(),
        filters,
        "-frames:v".into(),
        limit.to_string(),
        "-f".into(),
        "rawvideo".into(),
        "-pix_fmt".into(),
        "rgb24".into(),
        "pipe:1".into(),
    ] {
        args.push(a.into());
    }
    let out = run(Job {
        program: &opts.ffmpeg,
        args,
        deadline,
        timeout: opts.timeout,
        max_stdout: limit * frame_bytes,
        chunk: frame_bytes,
    })?;
    if !out.status.success() {
        return Err(MediaError::VideoUndecodable(out.reason()));
    }
    // Each chunk is one frame; a short trailing piece is dropped by from_raw.
    let images: Vec<RgbImage> = out
        .stdout
        .into_iter()
        .filter_map(|frame| RgbImage::from_raw(w, h, frame))
        .collect();
    if images.is_empty() {
        return Err(MediaError::VideoNoFrames);
    }
    let times_s = (0..images.len()).map(|i| i as f32 / opts.fps).collect();
    Ok(Frames { images, times_s })
}

/// Decode the first audio stream to 16 kHz mono f32 samples.
pub(crate) fn extract_audio(
    input: Input<'_>,
    opts: &VideoOptions,
    deadline: Instant,
) -> Result<Vec<f32>, MediaError> {
    let max_s = opts.max_duration_s + AUDIO_SLACK_S;
    let mut args = input_args(input);
    for a in [
        "-map".to_string(),
        "0:a:0".into(),
        "-vn".into(),
        "-sn".into(),
        "-dn".into(),
        "-ac".into(),
        "1".into(),
        "-ar".into(),
        AUDIO_RATE_HZ.to_string(),
        "-t".into(),
        format!("{max_s}"),
        "-f".into(),
        "f32le".into(),
        "pipe:1".into(),
    ] {
        args.push(a.into());
    }
    let max_samples = (max_s * AUDIO_RATE_HZ as f32).ceil() as usize + AUDIO_RATE_HZ as usize;
    let out = run(Job {
        program: &opts.ffmpeg,
        args,
        deadline,
        timeout: opts.timeout,
        max_stdout: max_samples * 4,
        chunk: AUDIO_CHUNK_BYTES,
    })?;
    if !out.status.success() {
        return Err(MediaError::VideoUndecodable(format!(
            "audio track: {}",
            out.reason()
        )));
    }
    Ok(out
        .stdout_bytes()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_size_keeps_aspect_and_never_enlarges() {
        assert_eq!(output_size(1280, 720, 640), (640, 360));
        assert_eq!(output_size(720, 1280, 640), (360, 640));
        assert_eq!(output_size(320, 240, 640), (320, 240));
        assert_eq!(output_size(1920, 1080, 640), (640, 360));
        assert_eq!(output_size(10_000, 10, 640), (640, 1));
        assert_eq!(output_size(0, 0, 640), (1, 1));
    }

    #[test]
    fn frame_cap_covers_the_duration() {
        let opts = VideoOptions {
            fps: 10.0,
            max_duration_s: 20.0,
            ..VideoOptions::default()
        };
        assert_eq!(frame_cap(&opts), 201);
    }
}
