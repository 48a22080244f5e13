//! Test harness: the real app on a random loopback port with a fresh data dir, and a client that
//! signs requests the way the Python SDK does.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::Value;

use ekyc_server::auth::tc3;
use ekyc_server::{App, Config, Pipelines};
use ekyc_store::{ApiKey, SqliteStore, Store};

pub struct TestServer {
    pub addr: SocketAddr,
    pub app: Arc<App>,
    pub key: ApiKey,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub async fn spawn(configure: impl FnOnce(&mut Config)) -> TestServer {
    spawn_with(configure, Pipelines::none()).await
}

/// The real models from the cache (`EKYC_HOME` or the default); `None` (with a SKIP line) when absent.
pub fn real_pipelines() -> Option<Pipelines> {
    let manifest = ekyc_infer::Manifest::embedded().ok()?;
    let home = ekyc_infer::default_home().ok()?;
    let names = manifest.model_names();
    match ekyc_infer::Engine::load(&manifest, &home, &names, &Default::default()) {
        Ok(engine) => Pipelines::from_engine(engine).ok(),
        Err(e) => {
            eprintln!("SKIP: models not available ({e}); run `ekyc models fetch`");
            None
        }
    }
}

pub async fn spawn_with(configure: impl FnOnce(&mut Config), pipelines: Pipelines) -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::default();
    config.server.data_dir = dir.path().join("data");
    configure(&mut config);
    let store = SqliteStore::open(&config.server.data_dir).expect("store");
    let key = store.create_key(Some("test")).expect("key");
    let app = App::new(config, Arc::new(store), pipelines);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = app.clone();
    tokio::spawn(async move {
        let _ = ekyc_server::serve(served, listener, async {
            let _ = stopped.await;
        })
        .await;
    });
    TestServer {
        addr,
        app,
        key,
        http: reqwest::Client::new(),
        _dir: dir,
        _stop: stop,
    }
}

/// How to sign one call; tests change single fields to break it on purpose.
#[derive(Clone)]
pub struct Signing {
    pub secret_id: String,
    pub secret_key: String,
    pub timestamp: i64,
    pub service: String,
}

impl TestServer {
    pub fn signing(&self, service: &str) -> Signing {
        Signing {
            secret_id: self.key.secret_id.clone(),
            secret_key: self.key.secret_key.clone(),
            timestamp: chrono::Utc::now().timestamp(),
            service: service.to_string(),
        }
    }

    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Signs `body` with TC3 like the Python SDK and posts it.
    pub async fn call_signed(
        &self,
        action: &str,
        version: &str,
        body: &str,
        s: &Signing,
    ) -> reqwest::Response {
        let host = self.host();
        let date = chrono::DateTime::from_timestamp(s.timestamp, 0)
            .unwrap()
            .format("%Y-%m-%d")
            .to_string();
        let creq = tc3::canonical_request(&tc3::CanonicalInput {
            method: "POST",
            query: "",
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("host".into(), host.clone()),
            ],
            payload_hash: tc3::sha256_hex(body.as_bytes()),
        });
        let scope = format!("{date}/{}/tc3_request", s.service);
        let sts = tc3::string_to_sign(&s.timestamp.to_string(), &scope, &creq);
        let sig = tc3::signature(&s.secret_key, &date, &s.service, &sts);
        let auth = format!(
            "TC3-HMAC-SHA256 Credential={}/{scope}, SignedHeaders=content-type;host, Signature={sig}",
            s.secret_id
        );
        self.http
            .post(format!("http://{host}/"))
            .header("Content-Type", "application/json")
            .header("Authorization", auth)
            .header("X-TC-Action", action)
            .header("X-TC-Version", version)
            .header("X-TC-Timestamp", s.timestamp.to_string())
            .header("X-TC-Region", "ap-singapore")
            .body(body.to_string())
            .send()
            .await
            .expect("request")
    }

    /// Signed call; checks the envelope rules and returns `Response`.
    pub async fn call(&self, action: &str, version: &str, body: &Value) -> Value {
        let service = match version {
            "2018-11-19" => "ocr",
            "2020-03-03" => "iai",
            _ => "faceid",
        };
        let s = self.signing(service);
        let resp = self
            .call_signed(action, version, &body.to_string(), &s)
            .await;
        envelope(resp).await
    }

    pub fn record_count(&self) -> u64 {
        self.app.store.count_records().expect("count")
    }
}

/// Asserts HTTP 200, `Content-Type: application/json` exactly and a UUID RequestId; returns `Response`.
pub async fn envelope(resp: reqwest::Response) -> Value {
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let json: Value = resp.json().await.expect("json body");
    let response = json["Response"].clone();
    let id = response["RequestId"].as_str().expect("RequestId");
    assert!(uuid_like(id), "RequestId {id} is not a UUID");
    response
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// `Error.Code` of an error envelope (panics with the body on success).
pub fn error_code(response: &Value) -> String {
    let err = &response["Error"];
    assert!(err.is_object(), "expected an error, got {response}");
    let obj = err.as_object().unwrap();
    assert_eq!(obj.len(), 2, "Error must hold only Code and Message: {err}");
    assert!(err["Message"].is_string());
    err["Code"].as_str().unwrap().to_string()
}

pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A small valid JPEG (gradient), `w`×`h`.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("jpeg");
    out
}

/// A tiny HTTP server on loopback for URL tests: `/ok.jpg` → a JPEG, `/stall` → never answers,
/// anything else → 404.
pub async fn media_server() -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let body = jpeg(64, 64);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                if path == "/stall" {
                    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                    return;
                }
                let reply = if path == "/ok.jpg" {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend_from_slice(&body);
                    r
                } else {
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_vec()
                };
                let _ = sock.write_all(&reply).await;
            });
        }
    });
    addr
}

/// The shared test data folder (`EKYC_TEST_DATA`, default `../shared/data` from the repo root).
pub fn data_dir() -> std::path::PathBuf {
    std::env::var("EKYC_TEST_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
        })
}

/// A file of the shared data, or `None` with a visible SKIP line.
pub fn data_file(relative: &str) -> Option<Vec<u8>> {
    match std::fs::read(data_dir().join(relative)) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("SKIP: test data {relative} not found (set EKYC_TEST_DATA)");
            None
        }
    }
}
