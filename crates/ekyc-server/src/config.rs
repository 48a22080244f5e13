//! Every setting of the server in one struct, resolved in one place:
//! defaults < `ekyc.toml` < environment (`EKYC_<SECTION>_<KEY>`) < command-line flags (applied by the CLI).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

const MIB: usize = 1024 * 1024;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerSection,
    pub auth: AuthSection,
    pub limits: LimitsSection,
    pub download: DownloadSection,
    pub pool: PoolSection,
    pub video: VideoSection,
    pub models: ModelsSection,
    /// Checks on the reference photo of the liveness actions (LifePhoto* verdicts).
    pub photo_checks: ekyc_face::photo_checks::PhotoCheckConfig,
    /// Liveness verdicts: comparison pass level and best-frame serving.
    pub liveness: LivenessSection,
    /// Thresholds of the liveness checks (TOML only: `[liveness_checks.silent]` etc.).
    pub liveness_checks: ekyc_liveness::LivenessConfig,
    /// Document fraud alarms (`WarnCardInfos` of the OCR actions).
    pub alarms: AlarmsSection,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LivenessSection {
    /// `Sim` below this is `CompareLowSimilarity` (70 ≈ FAR 0.1 %, 80 ≈ 0.01 %).
    pub pass_sim: f64,
    /// How long VideoLivenessCompare's best-frame URL stays valid.
    pub frame_url_ttl_s: u64,
    /// Best frames kept for their URLs at most (oldest dropped first).
    pub frame_cache_entries: usize,
    /// Base of best-frame URLs (e.g. `https://ekyc.example.com`); empty = `http://` + the
    /// request's Host header.
    pub public_base_url: String,
}

impl Default for LivenessSection {
    fn default() -> Self {
        LivenessSection {
            pass_sim: 70.0,
            frame_url_ttl_s: 600,
            frame_cache_entries: 512,
            public_base_url: String::new(),
        }
    }
}

/// `[alarms]`: the document alarm stage. `level` picks measured thresholds (strict, balanced,
/// lenient; see crates/ekyc-alarms/README.md); a per-alarm key overrides one threshold, a
/// negative value (the default) keeps the level's. Env: `EKYC_ALARMS_ENABLED`,
/// `EKYC_ALARMS_LEVEL`, `EKYC_ALARMS_BLURRY`, ...
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AlarmsSection {
    /// When false the stage does not run and `WarnCardInfos` is `[-9109]`.
    pub enabled: bool,
    pub level: ekyc_alarms::Level,
    pub covered: f32,
    pub photocopy: f32,
    pub recapture: f32,
    pub tampered: f32,
    pub reflective: f32,
    pub blurry: f32,
}

impl Default for AlarmsSection {
    fn default() -> Self {
        AlarmsSection {
            enabled: true,
            level: ekyc_alarms::Level::Balanced,
            covered: -1.0,
            photocopy: -1.0,
            recapture: -1.0,
            tampered: -1.0,
            reflective: -1.0,
            blurry: -1.0,
        }
    }
}

impl AlarmsSection {
    /// The settings the alarm stage takes.
    pub fn alarm_config(&self) -> ekyc_alarms::AlarmConfig {
        let set = |v: f32| (v >= 0.0 && v.is_finite()).then_some(v);
        ekyc_alarms::AlarmConfig {
            enabled: self.enabled,
            level: self.level,
            overrides: ekyc_alarms::Overrides {
                covered: set(self.covered),
                photocopy: set(self.photocopy),
                recapture: set(self.recapture),
                tampered: set(self.tampered),
                reflective: set(self.reflective),
                blurry: set(self.blurry),
            },
        }
    }
}

#[cfg(test)]
mod alarms_section_tests {
    use super::*;

    #[test]
    fn alarms_from_file_and_env() {
        let c = Config::load(None, Vec::new()).unwrap();
        assert_eq!(c.alarms.alarm_config(), ekyc_alarms::AlarmConfig::default());
        let env = vec![
            ("EKYC_ALARMS_LEVEL".to_string(), "strict".to_string()),
            ("EKYC_ALARMS_BLURRY".to_string(), "0.7".to_string()),
            ("EKYC_ALARMS_ENABLED".to_string(), "false".to_string()),
        ];
        let a = Config::load(None, env).unwrap().alarms.alarm_config();
        assert_eq!(a.level, ekyc_alarms::Level::Strict);
        assert!(!a.enabled);
        assert_eq!(a.threshold(ekyc_types::CardAlarm::Blurry), Some(0.7));
        assert_eq!(
            a.threshold(ekyc_types::CardAlarm::Covered),
            ekyc_alarms::Level::Strict
                .thresholds()
                .get(ekyc_types::CardAlarm::Covered)
        );
        let bad = vec![("EKYC_ALARMS_LEVEL".to_string(), "paranoid".to_string())];
        assert!(Config::load(None, bad).is_err());
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSection {
    /// Listen address.
    pub addr: String,
    /// Where the database lives (created 0700).
    pub data_dir: PathBuf,
    /// Let URL inputs reach loopback/private/link-local hosts (tests, on-prem object stores).
    pub allow_private_urls: bool,
    /// `text` or `json` log lines on stderr.
    pub log_format: String,
    /// Hard deadline for one API call; past it the client gets `InternalError`.
    pub request_timeout_s: u64,
}

impl Default for ServerSection {
    fn default() -> Self {
        ServerSection {
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("ekyc-data"),
            allow_private_urls: false,
            log_format: "text".into(),
            // The Python SDK's default read timeout is 60 s; answer well inside it.
            request_timeout_s: 50,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSection {
    /// Allowed client clock skew (Tencent: 300 s).
    pub timestamp_window_s: i64,
}

impl Default for AuthSection {
    fn default() -> Self {
        AuthSection {
            timestamp_window_s: 300,
        }
    }
}

/// Size caps; Base64 caps are on the encoded text, as in the contract.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsSection {
    /// Whole request body. Room for an 8 MiB video plus a 3 MiB photo in Base64 and the JSON around them.
    pub body_max_bytes: usize,
    /// faceid reference photo (`ImageBase64` of the liveness actions): 3 MB.
    pub photo_base64_max_bytes: usize,
    /// faceid video (`VideoBase64`): 8 MB.
    pub video_base64_max_bytes: usize,
    /// ocr document image (`ImageBase64`): 7 MB.
    pub document_base64_max_bytes: usize,
    /// iai CompareFace images (`ImageA`/`ImageB`): 5 MB.
    pub compare_base64_max_bytes: usize,
    /// Decompression-bomb guard: refuse images with more pixels, before decoding.
    pub image_max_pixels: u64,
    pub image_max_side: u32,
    /// Smallest side we can find a face or read a card in.
    pub image_min_side: u32,
    pub video_max_seconds: f32,
}

impl Default for LimitsSection {
    fn default() -> Self {
        LimitsSection {
            body_max_bytes: 16 * MIB,
            photo_base64_max_bytes: 3 * MIB,
            video_base64_max_bytes: 8 * MIB,
            document_base64_max_bytes: 7 * MIB,
            compare_base64_max_bytes: 5 * MIB,
            image_max_pixels: 40_000_000,
            image_max_side: 12_000,
            image_min_side: 32,
            video_max_seconds: 20.0,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DownloadSection {
    pub connect_timeout_ms: u64,
    /// Whole download, redirects included.
    pub total_timeout_ms: u64,
    pub max_redirects: u8,
}

impl Default for DownloadSection {
    fn default() -> Self {
        DownloadSection {
            connect_timeout_ms: 3000,
            total_timeout_ms: 3000,
            max_redirects: 3,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PoolSection {
    /// CPU workers for decoding and inference; 0 = one per core.
    pub workers: usize,
    /// Requests that may wait for a worker; unset = 2 × workers. Beyond: `RequestLimitExceeded` at once.
    pub queue: Option<usize>,
}

impl PoolSection {
    pub fn resolved(&self) -> (usize, usize) {
        let workers = if self.workers == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            self.workers
        };
        let queue = self.queue.unwrap_or(workers * 2);
        (workers, queue)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct VideoSection {
    /// Frames per second extracted for analysis.
    pub fps: f32,
    /// Longest side of extracted frames.
    pub max_side: u32,
    pub ffmpeg: PathBuf,
    pub ffprobe: PathBuf,
    pub decode_timeout_s: u64,
}

impl Default for VideoSection {
    fn default() -> Self {
        VideoSection {
            fps: 10.0,
            max_side: 640,
            ffmpeg: PathBuf::from("ffmpeg"),
            ffprobe: PathBuf::from("ffprobe"),
            decode_timeout_s: 20,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ModelsSection {
    /// Model cache; empty = `EKYC_HOME`, else `~/.cache/ekyc`.
    pub home: Option<PathBuf>,
}

impl DownloadSection {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }
    pub fn total_timeout(&self) -> Duration {
        Duration::from_millis(self.total_timeout_ms)
    }
}

impl Config {
    pub fn image_limits(&self) -> ekyc_media::ImageLimits {
        ekyc_media::ImageLimits {
            max_pixels: self.limits.image_max_pixels,
            max_side: self.limits.image_max_side,
        }
    }

    /// Frames and 16 kHz audio for the liveness pipelines.
    pub fn video_options(&self) -> ekyc_media::VideoOptions {
        ekyc_media::VideoOptions {
            fps: self.video.fps,
            max_side: self.video.max_side,
            max_duration_s: self.limits.video_max_seconds,
            min_duration_s: 0.0,
            want_audio: true,
            timeout: Duration::from_secs(self.video.decode_timeout_s),
            ffmpeg: self.video.ffmpeg.clone(),
            ffprobe: self.video.ffprobe.clone(),
        }
    }

    /// Defaults, then the TOML file (if any), then `EKYC_<SECTION>_<KEY>` variables from `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Config> {
        let mut value = toml::Value::try_from(Config::default())?;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading config file {}", path.display()))?;
            let file_value: toml::Value = toml::from_str(&text)
                .with_context(|| format!("parsing config file {}", path.display()))?;
            merge(&mut value, file_value);
        }
        apply_env(&mut value, env)?;
        let config: Config = value.try_into().context("invalid configuration")?;
        Ok(config)
    }
}

fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

/// Overrides each known leaf from `EKYC_<SECTION>_<KEY>`, parsed as the leaf's type.
fn apply_env(
    value: &mut toml::Value,
    env: impl IntoIterator<Item = (String, String)>,
) -> anyhow::Result<()> {
    let vars: std::collections::HashMap<String, String> = env.into_iter().collect();
    let Some(sections) = value.as_table_mut() else {
        return Ok(());
    };
    for (section, table) in sections.iter_mut() {
        let Some(table) = table.as_table_mut() else {
            continue;
        };
        let keys: Vec<String> = table.keys().cloned().collect();
        for key in known_keys(section, keys) {
            let name = format!("EKYC_{}_{}", section.to_uppercase(), key.to_uppercase());
            let Some(raw) = vars.get(&name) else { continue };
            let kind = table.get(&key).or(optional_kind(section, &key));
            let parsed = match kind {
                Some(toml::Value::Boolean(_)) => match raw.to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" => toml::Value::Boolean(true),
                    "0" | "false" | "no" => toml::Value::Boolean(false),
                    _ => bail!("{name}={raw:?}: expected true or false"),
                },
                Some(toml::Value::Integer(_)) => toml::Value::Integer(
                    raw.parse()
                        .with_context(|| format!("{name}={raw:?}: expected an integer"))?,
                ),
                Some(toml::Value::Float(_)) => toml::Value::Float(
                    raw.parse()
                        .with_context(|| format!("{name}={raw:?}: expected a number"))?,
                ),
                _ => toml::Value::String(raw.clone()),
            };
            table.insert(key, parsed);
        }
    }
    Ok(())
}

/// Settings that are `None` by default (serde leaves them out), with a sample of their type.
const OPTIONAL_KEYS: &[(&str, &str, toml::Value)] = &[
    ("models", "home", toml::Value::String(String::new())),
    ("pool", "queue", toml::Value::Integer(0)),
];

fn optional_kind(section: &str, key: &str) -> Option<&'static toml::Value> {
    OPTIONAL_KEYS
        .iter()
        .find(|(s, k, _)| *s == section && *k == key)
        .map(|(_, _, v)| v)
}

/// Keys present in the defaults plus the optional ones.
fn known_keys(section: &str, mut keys: Vec<String>) -> Vec<String> {
    for (s, k, _) in OPTIONAL_KEYS {
        if *s == section && !keys.iter().any(|have| have == k) {
            keys.push(k.to_string());
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_defaults_file_env() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ekyc.toml");
        std::fs::write(
            &path,
            "[server]\naddr = \"0.0.0.0:9000\"\n[pool]\nworkers = 3\nqueue = 5\n",
        )
        .unwrap();
        let env = vec![
            ("EKYC_POOL_WORKERS".to_string(), "7".to_string()),
            (
                "EKYC_SERVER_ALLOW_PRIVATE_URLS".to_string(),
                "true".to_string(),
            ),
            ("EKYC_MODELS_HOME".to_string(), "/tmp/m".to_string()),
            ("EKYC_SERVER_REQUEST_TIMEOUT_S".to_string(), "9".to_string()),
            ("UNRELATED".to_string(), "x".to_string()),
        ];
        let c = Config::load(Some(&path), env).unwrap();
        assert_eq!(c.server.addr, "0.0.0.0:9000");
        assert_eq!(c.pool.workers, 7);
        assert_eq!(c.pool.queue, Some(5));
        assert!(c.server.allow_private_urls);
        assert_eq!(c.models.home.as_deref(), Some(Path::new("/tmp/m")));
        assert_eq!(c.server.request_timeout_s, 9);
        assert_eq!(c.limits, LimitsSection::default());
        let zero_queue = Config::load(None, vec![("EKYC_POOL_QUEUE".into(), "0".into())]).unwrap();
        assert_eq!(zero_queue.pool.queue, Some(0));
    }

    #[test]
    fn bad_values_are_errors() {
        let env = vec![("EKYC_POOL_WORKERS".to_string(), "many".to_string())];
        assert!(Config::load(None, env).is_err());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ekyc.toml");
        std::fs::write(&path, "[server]\nnope = 1\n").unwrap();
        assert!(Config::load(Some(&path), Vec::new()).is_err());
    }
}
