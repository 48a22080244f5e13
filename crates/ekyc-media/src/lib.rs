//! Media intake for ekyc: turning what a client sends (Base64 text or a URL)
//! into bytes, and bytes into pixels and samples. Knows nothing about faces,
//! documents or HTTP servers; every failure is a [`MediaError`] whose
//! [`MediaError::kind`] the server maps to a wire code.
//!
//! Limits, all set by the caller (defaults in brackets):
//! - **Base64** ([`base64_intake`]): standard alphabet, padding optional, ASCII
//!   whitespace ignored; `data:` prefixes and the URL-safe alphabet are refused
//!   with a message saying so. The decoded size is computed from the text and
//!   checked against the cap before decoding.
//! - **Download** ([`fetch`]): http/https only; every hop's host is resolved
//!   here and refused if any address is loopback, private, link-local,
//!   multicast, reserved... ([`ssrf`]), then the client is pinned to the checked
//!   addresses (no DNS rebinding, no proxy). At most 3 redirects, each
//!   re-checked; 3 s connect and 3 s for the whole download; body capped
//!   (10 MiB), refused at once when Content-Length is over the cap.
//! - **Images** ([`image_decode`]): JPEG, PNG, BMP, WebP sniffed from magic
//!   bytes; width/height read from the header and refused before allocation
//!   over 40 MP or 10000 px a side; EXIF orientation applied; alpha flattened
//!   onto white; truncated JPEGs refused.
//! - **Video** ([`video_decode`]): MP4/MOV, AVI, FLV, WebM, MKV via Debian's
//!   `ffprobe`/`ffmpeg` with the demuxer forced and only the `file` protocol
//!   allowed; at most 20 s; frames at 10 fps scaled to at most 640 px a side,
//!   upright; audio as 16 kHz mono f32; decoders killed after 20 s. Blocking:
//!   run it on a blocking thread.

pub mod base64_intake;
pub mod digest;
mod error;
pub mod fetch;
pub mod image_decode;
pub mod ssrf;
pub mod video_decode;

pub use base64_intake::decode_base64;
pub use digest::sha256_hex;
pub use error::{MediaError, MediaErrorKind};
pub use fetch::{fetch_url, FetchPolicy};
pub use image_decode::{decode_image, DecodedImage, ImageKind, ImageLimits};
pub use ssrf::{classify, is_allowed, AddrClass};
pub use video_decode::{
    decode_video, probe_video, DecodedVideo, StagedVideo, VideoOptions, VideoProbe,
};
