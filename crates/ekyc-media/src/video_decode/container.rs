//! Video container from magic bytes. The detected demuxer is forced on
//! ffmpeg so that crafted input (HLS playlists, concat lists, image
//! sequences) cannot make it open other files or network URLs.

use crate::error::MediaError;

/// Containers we hand to ffmpeg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Container {
    /// ISO base media: MP4, MOV, 3GP.
    Mp4,
    Avi,
    Flv,
    WebM,
    Mkv,
}

impl Container {
    /// Short lower-case name, e.g. `mp4`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mp4 => "mp4",
            Self::Avi => "avi",
            Self::Flv => "flv",
            Self::WebM => "webm",
            Self::Mkv => "mkv",
        }
    }

    /// ffmpeg demuxer to force with `-f`.
    pub(crate) fn demuxer(self) -> &'static str {
        match self {
            Self::Mp4 => "mov",
            Self::Avi => "avi",
            Self::Flv => "flv",
            Self::WebM | Self::Mkv => "matroska",
        }
    }
}

/// Top-level boxes an ISO media file may start with.
const ISO_FIRST_BOXES: [&[u8; 4]; 7] = [
    b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot",
];

/// EBML header bytes searched for the DocType (it sits within the first few dozen).
const EBML_DOCTYPE_WINDOW: usize = 64;

/// Identify the container, or say why the bytes are refused.
pub fn sniff_container(bytes: &[u8]) -> Result<Container, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() >= 8 && ISO_FIRST_BOXES.iter().any(|b| &bytes[4..8] == *b) {
        return Ok(Container::Mp4);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"AVI " {
        return Ok(Container::Avi);
    }
    if bytes.starts_with(b"FLV\x01") {
        return Ok(Container::Flv);
    }
    if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let head = &bytes[..bytes.len().min(EBML_DOCTYPE_WINDOW)];
        let is_webm = head.windows(4).any(|w| w == b"webm");
        return Ok(if is_webm {
            Container::WebM
        } else {
            Container::Mkv
        });
    }
    match other_format(bytes) {
        Some(name) => Err(MediaError::VideoFormatUnsupported(name.into())),
        None => Err(MediaError::VideoUndecodable(
            "the data is not a recognised video container (MP4/MOV, AVI, FLV, WebM, MKV)".into(),
        )),
    }
}

/// Name formats people commonly send by mistake.
fn other_format(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"ID3") || starts(&[0xFF, 0xFB]) || starts(&[0xFF, 0xF3]) {
        return Some("MP3 audio");
    }
    if starts(b"OggS") {
        return Some("Ogg");
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        return Some("WAV audio");
    }
    if starts(b"#EXTM3U") {
        return Some("HLS playlist");
    }
    if starts(&[0x30, 0x26, 0xB2, 0x75]) {
        return Some("ASF/WMV");
    }
    if starts(&[0, 0, 1, 0xBA]) {
        return Some("MPEG program stream");
    }
    if bytes.len() > 188 && bytes[0] == 0x47 && bytes[188] == 0x47 {
        return Some("MPEG transport stream");
    }
    if starts(&[0xFF, 0xD8, 0xFF]) || starts(b"\x89PNG") || starts(b"GIF8") {
        return Some("a still image");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_containers() {
        assert_eq!(
            sniff_container(b"\0\0\0\x20ftypisom\0\0\x02\0").unwrap(),
            Container::Mp4
        );
        assert_eq!(
            sniff_container(b"\0\0\0\x14ftypqt  \0\0\0\0").unwrap(),
            Container::Mp4
        );
        assert_eq!(
            sniff_container(b"\0\0\0\x08wide\0\0\0\0mdat").unwrap(),
            Container::Mp4
        );
        assert_eq!(
            sniff_container(b"RIFF\0\0\0\0AVI LIST").unwrap(),
            Container::Avi
        );
        assert_eq!(
            sniff_container(b"FLV\x01\x05\0\0\0\x09").unwrap(),
            Container::Flv
        );
        let webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm";
        assert_eq!(sniff_container(webm).unwrap(), Container::WebM);
        let mkv = b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska";
        assert_eq!(sniff_container(mkv).unwrap(), Container::Mkv);
        assert_eq!(Container::WebM.demuxer(), "matroska");
    }

    #[test]
    fn refuses_others() {
        assert!(matches!(
            sniff_container(b"#EXTM3U\n#EXT-X-VERSION:3\nhttp://169.254.169.254/"),
            Err(MediaError::VideoFormatUnsupported(n)) if n == "HLS playlist"
        ));
        assert!(matches!(
            sniff_container(b"OggS\0\x02"),
            Err(MediaError::VideoFormatUnsupported(_))
        ));
        assert!(matches!(
            sniff_container(b"ffconcat version 1.0"),
            Err(MediaError::VideoUndecodable(_))
        ));
        assert!(matches!(sniff_container(b""), Err(MediaError::Empty)));
    }
}
