//! Helpers shared by the unit tests.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Writes an executable shell script through a child `sh`, so no write descriptor of it ever
/// lives in this (multi-threaded) test process: a descriptor inherited by a concurrently forked
/// child would make exec'ing the script fail with "Text file busy" (ETXTBSY).
pub fn write_script(path: &Path, body: &str) {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("cat > \"$1\" && chmod 755 \"$1\"")
        .arg("sh")
        .arg(path)
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn sh");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(body.as_bytes())
        .expect("write script body");
    assert!(
        child.wait().expect("wait sh").success(),
        "writing {}",
        path.display()
    );
}
