//! Video decoding through the real ffmpeg/ffprobe (skipped with a message when
//! ffmpeg is not on PATH), plus decoder-missing and timeout handling that
//! needs no ffmpeg at all.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ekyc_media::video_decode::{StagedVideo, AUDIO_RATE_HZ};
use ekyc_media::{decode_video, probe_video, MediaError, MediaErrorKind, VideoOptions};

fn ffmpeg_available(test: &str) -> bool {
    let found = Command::new("ffmpeg").arg("-version").output().is_ok()
        && Command::new("ffprobe").arg("-version").output().is_ok();
    if !found {
        eprintln!("SKIP {test}: ffmpeg/ffprobe not on PATH (apt-get install ffmpeg)");
    }
    found
}

/// Run ffmpeg with `args` writing `name` in `dir`; return the file's bytes.
fn make_media(dir: &Path, name: &str, args: &[&str]) -> Vec<u8> {
    let out = dir.join(name);
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y"])
        .args(args)
        .arg(&out)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success(), "ffmpeg could not make {name}");
    std::fs::read(&out).expect("read generated media")
}

/// `seconds` of test pattern (`size` at 25 fps) with a 440 Hz tone.
fn av_args(size: &str, seconds: &str) -> Vec<String> {
    [
        "-f",
        "lavfi",
        "-i",
        &format!("testsrc=size={size}:rate=25"),
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=44100",
        "-t",
        seconds,
        "-pix_fmt",
        "yuv420p",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn args_ref(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn opts() -> VideoOptions {
    VideoOptions {
        timeout: Duration::from_secs(30),
        ..VideoOptions::default()
    }
}

#[test]
fn decodes_mp4_frames_and_audio() {
    if !ffmpeg_available("decodes_mp4_frames_and_audio") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = av_args("320x240", "2");
    args.extend(["-movflags", "+faststart"].map(String::from));
    let bytes = make_media(dir.path(), "av.mp4", &args_ref(&args));
    let v = decode_video(&bytes, &opts()).expect("decodes");
    assert_eq!(v.probe.container, "mp4");
    assert_eq!(v.probe.video_codec, "h264");
    assert!(v.probe.has_audio);
    assert_eq!((v.probe.width, v.probe.height), (320, 240));
    assert!((v.probe.fps - 25.0).abs() < 0.01);
    assert!(
        (v.probe.duration_s - 2.0).abs() < 0.1,
        "{}",
        v.probe.duration_s
    );
    assert!(
        (19..=21).contains(&v.frames.len()),
        "{} frames",
        v.frames.len()
    );
    assert_eq!(v.frames.len(), v.frame_times_s.len());
    assert!(v
        .frame_times_s
        .windows(2)
        .all(|w| (w[1] - w[0] - 0.1).abs() < 1e-4));
    assert!(v.frames.iter().all(|f| f.dimensions() == (320, 240)));
    let audio = v.audio_16k_mono.expect("audio track decoded");
    let expected = 2 * AUDIO_RATE_HZ as usize;
    assert!(
        audio.len().abs_diff(expected) < 1600,
        "{} samples",
        audio.len()
    );
    let peak = audio.iter().fold(0f32, |m, s| m.max(s.abs()));
    assert!(peak > 0.05 && peak <= 1.0, "sine peak {peak}");

    let quiet = decode_video(
        &bytes,
        &VideoOptions {
            want_audio: false,
            ..opts()
        },
    )
    .expect("decodes");
    assert!(quiet.audio_16k_mono.is_none());
}

#[test]
fn scales_and_rotates_upright() {
    if !ffmpeg_available("scales_and_rotates_upright") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    make_media(
        dir.path(),
        "wide.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=1280x720:rate=10",
            "-t",
            "1",
            "-pix_fmt",
            "yuv420p",
        ],
    );
    let wide = dir.path().join("wide.mp4");
    let bytes = std::fs::read(&wide).expect("read");
    let v = decode_video(&bytes, &opts()).expect("decodes");
    assert_eq!(v.frames[0].dimensions(), (640, 360));
    assert!(v.audio_16k_mono.is_none(), "no audio stream, no audio");

    // Phone-style rotation metadata: displayed portrait.
    let wide_arg = wide.to_string_lossy().into_owned();
    let rotated = make_media(
        dir.path(),
        "rot.mp4",
        &[
            "-i",
            &wide_arg,
            "-c",
            "copy",
            "-metadata:s:v:0",
            "rotate=90",
        ],
    );
    let v = decode_video(&rotated, &opts()).expect("decodes");
    assert_eq!(v.probe.rotation.rem_euclid(180), 90);
    assert_eq!((v.probe.width, v.probe.height), (720, 1280));
    assert_eq!(v.frames[0].dimensions(), (360, 640));
}

#[test]
fn other_containers_decode() {
    if !ffmpeg_available("other_containers_decode") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let args = av_args("160x120", "1");
    for (name, container) in [
        ("a.avi", "avi"),
        ("a.flv", "flv"),
        ("a.webm", "webm"),
        ("a.mkv", "mkv"),
        ("a.mov", "mp4"),
    ] {
        let bytes = make_media(dir.path(), name, &args_ref(&args));
        let v = decode_video(&bytes, &opts()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(v.probe.container, container, "{name}");
        assert!(
            (9..=11).contains(&v.frames.len()),
            "{name}: {} frames",
            v.frames.len()
        );
        assert!(
            v.audio_16k_mono.is_some_and(|a| a.len() > 12_000),
            "{name} audio"
        );
    }
}

#[test]
fn duration_limits() {
    if !ffmpeg_available("duration_limits") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = make_media(dir.path(), "three.mp4", &args_ref(&av_args("64x48", "3")));
    let short_limit = VideoOptions {
        max_duration_s: 2.0,
        ..opts()
    };
    let err = probe_video(&bytes, &short_limit).unwrap_err();
    assert!(matches!(err, MediaError::VideoTooLong { .. }), "{err:?}");
    assert_eq!(err.kind(), MediaErrorKind::VideoDuration);
    let long_min = VideoOptions {
        min_duration_s: 5.0,
        ..opts()
    };
    assert!(matches!(
        decode_video(&bytes, &long_min),
        Err(MediaError::VideoTooShort { .. })
    ));

    // Live WebM (like a browser's MediaRecorder) carries no duration: the frame count decides.
    let webm = dir.path().join("live.webm");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ffmpeg -nostdin -v error -f lavfi -i testsrc=size=64x48:rate=10 -t 3 -c:v libvpx -deadline realtime -live 1 -f webm pipe:1 > {}",
            webm.display()
        ))
        .status()
        .expect("sh runs");
    assert!(status.success());
    let bytes = std::fs::read(&webm).expect("read webm");
    let probe = probe_video(&bytes, &opts()).expect("probes");
    assert_eq!(probe.duration_s, 0.0, "live WebM should have no duration");
    let v = decode_video(&bytes, &opts()).expect("decodes");
    assert!(
        (v.probe.duration_s - 3.0).abs() < 0.2,
        "{}",
        v.probe.duration_s
    );
    assert!(matches!(
        decode_video(&bytes, &short_limit),
        Err(MediaError::VideoTooLong { .. })
    ));
}

#[test]
fn garbage_is_refused_cleanly() {
    if !ffmpeg_available("garbage_is_refused_cleanly") {
        return;
    }
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let noise: Vec<u8> = (0..65_536)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect();
    assert!(matches!(
        decode_video(&noise, &opts()),
        Err(MediaError::VideoUndecodable(_))
    ));
    // Right magic, garbage after it.
    let mut fake = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    fake.extend_from_slice(&noise);
    assert!(matches!(
        decode_video(&fake, &opts()),
        Err(MediaError::VideoUndecodable(_))
    ));

    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = av_args("320x240", "4");
    args.extend(["-movflags", "+faststart"].map(String::from));
    let faststart = make_media(dir.path(), "fs.mp4", &args_ref(&args));
    let cut = &faststart[..faststart.len() / 5];
    let err = decode_video(cut, &opts()).unwrap_err();
    assert!(
        matches!(err, MediaError::VideoUndecodable(_)),
        "header intact, data cut: {err:?}"
    );
    let plain = make_media(dir.path(), "plain.mp4", &args_ref(&av_args("320x240", "2")));
    let cut = &plain[..plain.len() / 2];
    let err = decode_video(cut, &opts()).unwrap_err();
    assert!(
        matches!(err, MediaError::VideoUndecodable(_)),
        "index at the end, cut: {err:?}"
    );

    let audio_only = make_media(
        dir.path(),
        "a.m4a",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440",
            "-t",
            "1",
            "-f",
            "mp4",
        ],
    );
    assert!(matches!(
        decode_video(&audio_only, &opts()),
        Err(MediaError::VideoNoFrames)
    ));
}

#[test]
fn missing_decoder_is_named() {
    let bytes = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41";
    let o = VideoOptions {
        ffprobe: PathBuf::from("/nonexistent/ffprobe"),
        ffmpeg: PathBuf::from("/nonexistent/ffmpeg"),
        ..opts()
    };
    let err = decode_video(bytes, &o).unwrap_err();
    assert!(matches!(err, MediaError::DecoderMissing(_)), "{err:?}");
    assert!(err.to_string().contains("apt-get install ffmpeg"), "{err}");
    assert_eq!(err.kind(), MediaErrorKind::Internal);
}

#[test]
fn hung_decoder_is_killed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fake = dir.path().join("ffprobe");
    // Written by a child `sh`, so no descriptor of the script lives in this multi-threaded
    // process (one inherited by a concurrently forked ffmpeg would make exec fail: ETXTBSY).
    let written = std::process::Command::new("sh")
        .arg("-c")
        .arg("printf '#!/bin/sh\\nexec sleep 30\\n' > \"$1\" && chmod 755 \"$1\"")
        .arg("sh")
        .arg(&fake)
        .status()
        .expect("write script");
    assert!(written.success());
    let o = VideoOptions {
        ffprobe: fake,
        timeout: Duration::from_millis(300),
        ..opts()
    };
    let staged = StagedVideo::new(b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41").expect("staged");
    let err = staged.probe(&o).unwrap_err();
    assert!(matches!(err, MediaError::VideoTimeout { .. }), "{err:?}");
}

/// Real clips from the shared data folder (skipped when absent).
#[test]
fn shared_liveness_clips() {
    if !ffmpeg_available("shared_liveness_clips") {
        return;
    }
    let dir = std::env::var_os("EKYC_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
        .join("liveness");
    if !dir.is_dir() {
        eprintln!("SKIP shared_liveness_clips: {} not found", dir.display());
        return;
    }
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    for name in ["live_d18.mp4", "fmt_d18.avi", "fmt_d18.flv", "fmt_d18.webm"] {
        let v = decode_video(&read(name), &opts()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            (70..=73).contains(&v.frames.len()),
            "{name}: {} frames",
            v.frames.len()
        );
    }
    let v = decode_video(&read("lip_d20_george_0578.mp4"), &opts()).expect("lip clip");
    let audio = v.audio_16k_mono.expect("lip clip has audio");
    assert!(
        audio.len().abs_diff(7 * AUDIO_RATE_HZ as usize) < 16_000,
        "{}",
        audio.len()
    );
    let v = decode_video(&read("lip_d20_no_audio_stream.mp4"), &opts()).expect("decodes");
    assert!(v.audio_16k_mono.is_none());
    for (name, kind) in [
        ("bad_audio_only.mp4", MediaErrorKind::VideoNoFrames),
        ("bad_corrupt_header.mp4", MediaErrorKind::VideoUndecodable),
        (
            "bad_corrupt_truncated.mp4",
            MediaErrorKind::VideoUndecodable,
        ),
    ] {
        let err = decode_video(&read(name), &opts()).unwrap_err();
        assert_eq!(err.kind(), kind, "{name}: {err}");
    }
}
