//! `fetch_url` against a hand-written HTTP/1.1 server on 127.0.0.1.

use std::net::SocketAddr;
use std::time::Duration;

use ekyc_media::{fetch_url, AddrClass, FetchPolicy, MediaError, MediaErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Starts a server answering by path; returns its address.
///
/// - `/ok` → 200 "hello"
/// - `/missing` → 404
/// - `/stall` → reads the request, never answers
/// - `/stall-body` → headers promising 100 bytes, 5 bytes, then silence
/// - `/big` → 200 with Content-Length 5000
/// - `/big-unsized` → 200, 5000 bytes, no Content-Length (ends at close)
/// - `/empty` → 200 with no body
/// - `/hop/N` → 302 to `/hop/N-1`, `/hop/0` → 200 "done"
/// - `/relative` → 302 with a relative Location to `ok`
/// - `/to/PORT` → 302 to `http://127.0.0.1:PORT/ok`
/// - `/to-unspecified` → 302 to `http://0.0.0.0/ok`
/// - `/to-ftp` → 302 to `ftp://127.0.0.1/ok`
async fn spawn_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream));
        }
    });
    addr
}

async fn serve(mut stream: TcpStream) {
    let Some(path) = read_request_path(&mut stream).await else {
        return;
    };
    let reply = match path.as_str() {
        "/ok" => response("200 OK", &[], b"hello"),
        "/missing" => response("404 Not Found", &[], b"nope"),
        "/stall" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        "/stall-body" => {
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello";
            let _ = stream.write_all(head.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        "/big" => response("200 OK", &[], &[b'x'; 5000]),
        "/big-unsized" => {
            let mut raw = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
            raw.extend_from_slice(&[b'y'; 5000]);
            raw
        }
        "/empty" => response("200 OK", &[], b""),
        "/hop/0" => response("200 OK", &[], b"done"),
        "/relative" => redirect("ok"),
        "/to-unspecified" => redirect("http://0.0.0.0/ok"),
        "/to-ftp" => redirect("ftp://127.0.0.1/ok"),
        p => {
            if let Some(n) = p.strip_prefix("/hop/").and_then(|n| n.parse::<u32>().ok()) {
                redirect(&format!("/hop/{}", n - 1))
            } else if let Some(port) = p.strip_prefix("/to/") {
                redirect(&format!("http://127.0.0.1:{port}/ok"))
            } else {
                response("404 Not Found", &[], b"")
            }
        }
    };
    let _ = stream.write_all(&reply).await;
    let _ = stream.shutdown().await;
}

async fn read_request_path(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 16 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    text.lines().next()?.split(' ').nth(1).map(str::to_string)
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut raw = head.into_bytes();
    raw.extend_from_slice(body);
    raw
}

fn redirect(location: &str) -> Vec<u8> {
    response("302 Found", &[("Location", location)], b"")
}

fn local_policy() -> FetchPolicy {
    FetchPolicy {
        allow_private: true,
        connect_timeout: Duration::from_millis(300),
        total_timeout: Duration::from_millis(300),
        max_bytes: 1000,
        ..FetchPolicy::default()
    }
}

#[tokio::test]
async fn downloads_200() {
    let addr = spawn_server().await;
    let body = fetch_url(&format!("http://{addr}/ok"), &local_policy())
        .await
        .expect("200");
    assert_eq!(body, b"hello");
    let body = fetch_url(
        &format!("http://localhost:{}/ok", addr.port()),
        &local_policy(),
    )
    .await
    .expect("via DNS name");
    assert_eq!(body, b"hello");
}

#[tokio::test]
async fn non_2xx_is_http_status() {
    let addr = spawn_server().await;
    let err = fetch_url(&format!("http://{addr}/missing"), &local_policy())
        .await
        .unwrap_err();
    assert!(matches!(err, MediaError::HttpStatus(404)), "{err:?}");
    assert_eq!(err.kind(), MediaErrorKind::DownloadFailed);
}

#[tokio::test]
async fn stalled_server_times_out() {
    let addr = spawn_server().await;
    for path in ["stall", "stall-body"] {
        let err = fetch_url(&format!("http://{addr}/{path}"), &local_policy())
            .await
            .unwrap_err();
        assert!(
            matches!(err, MediaError::DownloadTimeout),
            "{path}: {err:?}"
        );
    }
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_limit() {
    let addr = spawn_server().await;
    let body = fetch_url(&format!("http://{addr}/hop/3"), &local_policy())
        .await
        .expect("3 hops");
    assert_eq!(body, b"done");
    let body = fetch_url(&format!("http://{addr}/relative"), &local_policy())
        .await
        .expect("relative");
    assert_eq!(body, b"hello");
    let err = fetch_url(&format!("http://{addr}/hop/4"), &local_policy())
        .await
        .unwrap_err();
    assert!(
        matches!(err, MediaError::TooManyRedirects { limit: 3 }),
        "{err:?}"
    );
    let none = FetchPolicy {
        max_redirects: 0,
        ..local_policy()
    };
    let err = fetch_url(&format!("http://{addr}/hop/1"), &none)
        .await
        .unwrap_err();
    assert!(
        matches!(err, MediaError::TooManyRedirects { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn every_redirect_hop_is_rechecked() {
    let trusted = spawn_server().await;
    let other = spawn_server().await;
    // Only the first server is trusted; loopback in general is not.
    let policy = FetchPolicy {
        allow_private: false,
        trusted_private: vec![trusted],
        ..local_policy()
    };
    let body = fetch_url(&format!("http://{trusted}/ok"), &policy)
        .await
        .expect("trusted");
    assert_eq!(body, b"hello");
    let err = fetch_url(&format!("http://{trusted}/to/{}", other.port()), &policy)
        .await
        .unwrap_err();
    match err {
        MediaError::AddressRefused { class, addr, .. } => {
            assert_eq!(class, AddrClass::Loopback);
            assert_eq!(addr, other.ip());
        }
        e => panic!("expected AddressRefused, got {e:?}"),
    }
    // Some targets are refused even with allow_private.
    let err = fetch_url(&format!("http://{trusted}/to-unspecified"), &local_policy())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::AddressRefused {
                class: AddrClass::Unspecified,
                ..
            }
        ),
        "{err:?}"
    );
    let err = fetch_url(&format!("http://{trusted}/to-ftp"), &local_policy())
        .await
        .unwrap_err();
    assert!(matches!(err, MediaError::UrlScheme(_)), "{err:?}");
}

#[tokio::test]
async fn body_over_cap_is_too_large() {
    let addr = spawn_server().await;
    let err = fetch_url(&format!("http://{addr}/big"), &local_policy())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::TooLarge {
                limit: 1000,
                actual: Some(5000)
            }
        ),
        "{err:?}"
    );
    let err = fetch_url(&format!("http://{addr}/big-unsized"), &local_policy())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::TooLarge {
                limit: 1000,
                actual: None
            }
        ),
        "{err:?}"
    );
    let roomy = FetchPolicy {
        max_bytes: 5000,
        ..local_policy()
    };
    let body = fetch_url(&format!("http://{addr}/big-unsized"), &roomy)
        .await
        .expect("fits");
    assert_eq!(body.len(), 5000);
}

#[tokio::test]
async fn empty_body_is_empty() {
    let addr = spawn_server().await;
    let err = fetch_url(&format!("http://{addr}/empty"), &local_policy())
        .await
        .unwrap_err();
    assert!(matches!(err, MediaError::Empty), "{err:?}");
}

#[tokio::test]
async fn loopback_refused_without_allow_private() {
    let addr = spawn_server().await;
    let strict = FetchPolicy {
        allow_private: false,
        ..local_policy()
    };
    let port = addr.port();
    for url in [
        format!("http://{addr}/ok"),
        format!("http://localhost:{port}/ok"),
        format!("http://2130706433:{port}/ok"),
        format!("http://0177.0.0.1:{port}/ok"),
        format!("http://0x7f.1:{port}/ok"),
        format!("http://127.1:{port}/ok"),
        format!("http://[::ffff:127.0.0.1]:{port}/ok"),
    ] {
        let err = fetch_url(&url, &strict).await.unwrap_err();
        assert!(
            matches!(
                err,
                MediaError::AddressRefused {
                    class: AddrClass::Loopback,
                    ..
                }
            ),
            "{url}: {err:?}"
        );
        assert_eq!(err.kind(), MediaErrorKind::UrlRejected);
    }
}

#[tokio::test]
async fn connection_refused_is_download_failed() {
    // Bind then drop to get a port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let err = fetch_url(&format!("http://127.0.0.1:{port}/ok"), &local_policy())
        .await
        .unwrap_err();
    assert!(matches!(err, MediaError::DownloadFailed(_)), "{err:?}");
    assert!(
        !err.to_string().contains("/ok"),
        "URL must not leak into the message: {err}"
    );
}
