//! Reading stream facts from `ffprobe -print_format json`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::time::Instant;

use serde::Deserialize;

use super::container::Container;
use super::process::{run, Job};
use super::VideoOptions;
use crate::error::MediaError;

/// ffprobe's JSON for a few KB file is small; anything bigger is not ffprobe talking.
const MAX_PROBE_JSON: usize = 1024 * 1024;

/// What ffprobe says about a video before decoding it.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoProbe {
    /// Detected container, e.g. `mp4`, `webm`.
    pub container: String,
    /// Seconds; 0.0 when the container does not say (browser-recorded WebM):
    /// `decode_video` then fills it in from the decoded frames.
    pub duration_s: f32,
    /// Picture size as displayed, i.e. after rotation.
    pub width: u32,
    pub height: u32,
    /// Average source frame rate; 0.0 when unknown.
    pub fps: f32,
    pub video_codec: String,
    pub has_audio: bool,
    /// Display rotation in degrees as ffprobe reports it (decoded frames are already upright).
    pub rotation: i32,
    /// ffmpeg index of the picture stream that will be decoded.
    pub video_stream: usize,
}

#[derive(Debug, Deserialize)]
struct ProbeJson {
    #[serde(default)]
    streams: Vec<StreamJson>,
    format: Option<FormatJson>,
}

#[derive(Debug, Deserialize)]
struct StreamJson {
    index: usize,
    codec_type: Option<String>,
    codec_name: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    avg_frame_rate: Option<String>,
    r_frame_rate: Option<String>,
    duration: Option<String>,
    #[serde(default)]
    disposition: HashMap<String, i64>,
    #[serde(default)]
    tags: HashMap<String, String>,
    #[serde(default)]
    side_data_list: Vec<SideDataJson>,
}

#[derive(Debug, Deserialize)]
struct SideDataJson {
    rotation: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct FormatJson {
    duration: Option<String>,
}

/// Run ffprobe on `path` (already sniffed as `container`).
pub(crate) fn run_probe(
    path: &Path,
    container: Container,
    opts: &VideoOptions,
    deadline: Instant,
) -> Result<VideoProbe, MediaError> {
    let args: Vec<OsString> = [
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        "-protocol_whitelist",
        "file",
        "-f",
        container.demuxer(),
        "-i",
    ]
    .iter()
    .map(OsString::from)
    .chain([path.as_os_str().to_owned()])
    .collect();
    let out = run(Job {
        program: &opts.ffprobe,
        args,
        deadline,
        timeout: opts.timeout,
        max_stdout: MAX_PROBE_JSON,
        chunk: MAX_PROBE_JSON,
    })?;
    if !out.status.success() || out.overflow {
        return Err(MediaError::VideoUndecodable(out.reason()));
    }
    parse_probe(&out.stdout_bytes(), container)
}

/// Turn ffprobe JSON into a [`VideoProbe`].
pub(crate) fn parse_probe(json: &[u8], container: Container) -> Result<VideoProbe, MediaError> {
    let parsed: ProbeJson = serde_json::from_slice(json)
        .map_err(|e| MediaError::VideoUndecodable(format!("unreadable stream information: {e}")))?;
    let has_audio = parsed
        .streams
        .iter()
        .any(|s| s.codec_type.as_deref() == Some("audio"));
    // Cover art in audio files shows up as a one-picture "video" stream.
    let video = parsed
        .streams
        .iter()
        .find(|s| {
            s.codec_type.as_deref() == Some("video")
                && s.disposition.get("attached_pic") != Some(&1)
        })
        .ok_or(MediaError::VideoNoFrames)?;
    let (coded_w, coded_h) = match (video.width, video.height) {
        (Some(w), Some(h)) if w > 0 && h > 0 => (w, h),
        _ => {
            return Err(MediaError::VideoUndecodable(
                "the picture stream has no frame size".into(),
            ))
        }
    };
    let rotation = rotation_of(video);
    let (width, height) = if rotation.rem_euclid(180) == 90 {
        (coded_h, coded_w)
    } else {
        (coded_w, coded_h)
    };
    let format_duration = parsed
        .format
        .as_ref()
        .and_then(|f| parse_seconds(f.duration.as_deref()));
    let duration_s = format_duration
        .or_else(|| parse_seconds(video.duration.as_deref()))
        .unwrap_or(0.0);
    let fps = parse_rate(video.avg_frame_rate.as_deref())
        .or_else(|| parse_rate(video.r_frame_rate.as_deref()))
        .unwrap_or(0.0);
    Ok(VideoProbe {
        container: container.name().to_string(),
        duration_s,
        width,
        height,
        fps,
        video_codec: video.codec_name.clone().unwrap_or_default(),
        has_audio,
        rotation,
        video_stream: video.index,
    })
}

/// Rotation from the display matrix (ffmpeg 5+) or the legacy `rotate` tag.
fn rotation_of(stream: &StreamJson) -> i32 {
    let from_matrix = stream.side_data_list.iter().find_map(|d| d.rotation);
    let from_tag = || {
        stream
            .tags
            .get("rotate")
            .and_then(|t| t.trim().parse::<f64>().ok())
    };
    match from_matrix.or_else(from_tag) {
        Some(r) if r.is_finite() => (r.round() as i64).rem_euclid(360) as i32,
        _ => 0,
    }
}

fn parse_seconds(text: Option<&str>) -> Option<f32> {
    let v: f32 = text?.trim().parse().ok()?;
    (v.is_finite() && v > 0.0).then_some(v)
}

/// Parse ffprobe's "num/den" rates; "0/0" means unknown.
fn parse_rate(text: Option<&str>) -> Option<f32> {
    let (num, den) = text?.split_once('/')?;
    let num: f64 = num.trim().parse().ok()?;
    let den: f64 = den.trim().parse().ok()?;
    let rate = num / den;
    (rate.is_finite() && rate > 0.0).then_some(rate as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_video_with_audio_and_rotation() {
        let json = br#"{"streams":[
            {"index":0,"codec_type":"audio","codec_name":"aac"},
            {"index":1,"codec_type":"video","codec_name":"h264","width":1280,"height":720,
             "avg_frame_rate":"30000/1001","r_frame_rate":"30/1",
             "disposition":{"default":1,"attached_pic":0},
             "side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]}],
            "format":{"format_name":"mov,mp4","duration":"6.006000"}}"#;
        let p = parse_probe(json, Container::Mp4).expect("parses");
        assert_eq!(p.container, "mp4");
        assert_eq!((p.width, p.height), (720, 1280));
        assert_eq!(p.rotation, 270);
        assert!((p.fps - 29.97).abs() < 0.01);
        assert!((p.duration_s - 6.006).abs() < 1e-4);
        assert!(p.has_audio);
        assert_eq!(p.video_codec, "h264");
        assert_eq!(p.video_stream, 1);
    }

    #[test]
    fn legacy_rotate_tag_and_unknown_duration() {
        let json = br#"{"streams":[{"index":0,"codec_type":"video","codec_name":"vp8","width":640,"height":480,
            "avg_frame_rate":"0/0","r_frame_rate":"1000/1","tags":{"rotate":"90"}}],
            "format":{"format_name":"matroska,webm"}}"#;
        let p = parse_probe(json, Container::WebM).expect("parses");
        assert_eq!((p.width, p.height), (480, 640));
        assert_eq!(p.rotation, 90);
        assert_eq!(p.duration_s, 0.0);
        assert_eq!(p.fps, 1000.0);
        assert!(!p.has_audio);
    }

    #[test]
    fn cover_art_and_audio_only_have_no_frames() {
        let json = br#"{"streams":[{"index":0,"codec_type":"audio","codec_name":"mp3"},
            {"index":1,"codec_type":"video","codec_name":"mjpeg","width":500,"height":500,
             "disposition":{"attached_pic":1}}],"format":{"duration":"3.0"}}"#;
        assert!(matches!(
            parse_probe(json, Container::Mp4),
            Err(MediaError::VideoNoFrames)
        ));
        let json = br#"{"streams":[{"index":0,"codec_type":"audio"}],"format":{}}"#;
        assert!(matches!(
            parse_probe(json, Container::Mp4),
            Err(MediaError::VideoNoFrames)
        ));
    }

    #[test]
    fn malformed_json_is_undecodable() {
        assert!(matches!(
            parse_probe(b"{", Container::Mp4),
            Err(MediaError::VideoUndecodable(_))
        ));
        let json = br#"{"streams":[{"index":0,"codec_type":"video","width":0,"height":0}]}"#;
        assert!(matches!(
            parse_probe(json, Container::Mp4),
            Err(MediaError::VideoUndecodable(_))
        ));
    }
}
