//! Reading a response body under a byte cap.

use futures_util::StreamExt;

use super::transport_error;
use crate::error::MediaError;

/// Read the whole body, refusing at once when Content-Length is over `max_bytes`
/// and stopping as soon as the streamed bytes pass it.
pub(crate) async fn read_capped(
    response: reqwest::Response,
    max_bytes: usize,
) -> Result<Vec<u8>, MediaError> {
    let declared = response.content_length();
    if let Some(len) = declared {
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if len > max_bytes {
            return Err(MediaError::TooLarge {
                limit: max_bytes,
                actual: Some(len),
            });
        }
    }
    // Trust the declared length only up to the cap when reserving.
    let reserve = declared.map_or(0, |len| usize::try_from(len).unwrap_or(0).min(max_bytes));
    let mut body = Vec::with_capacity(reserve);
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk: bytes::Bytes = chunk.map_err(transport_error)?;
        if body.len() + chunk.len() > max_bytes {
            return Err(MediaError::TooLarge {
                limit: max_bytes,
                actual: None,
            });
        }
        body.extend_from_slice(&chunk);
    }
    if body.is_empty() {
        return Err(MediaError::Empty);
    }
    Ok(body)
}
