//! Running ffmpeg/ffprobe with a deadline and a cap on captured output.
//! Output is read on helper threads so a full pipe never stalls the child,
//! and the child is killed when the deadline passes.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::MediaError;

/// Keep this much of stderr: the last lines say why a decode failed.
const STDERR_TAIL: usize = 4096;
/// Poll step while waiting for the exit status after stdout closed.
const EXIT_POLL: Duration = Duration::from_millis(5);

/// One child process to run.
pub(crate) struct Job<'a> {
    pub program: &'a Path,
    pub args: Vec<OsString>,
    pub deadline: Instant,
    /// The configured limit, for the timeout message.
    pub timeout: Duration,
    /// Stop reading stdout past this many bytes.
    pub max_stdout: usize,
    /// Stdout is collected in pieces of this size (a video frame), so big
    /// outputs are never copied into one buffer and split again.
    pub chunk: usize,
}

/// What a finished child left behind.
pub(crate) struct JobOutput {
    pub status: ExitStatus,
    /// Stdout in `Job::chunk`-sized pieces; only the last may be shorter.
    pub stdout: Vec<Vec<u8>>,
    /// Stdout went past `max_stdout` and was cut.
    pub overflow: bool,
    pub stderr_tail: String,
}

impl JobOutput {
    /// All of stdout in one buffer (for small outputs).
    pub fn stdout_bytes(&self) -> Vec<u8> {
        self.stdout.concat()
    }

    /// Last non-empty stderr line, the most specific reason ffmpeg gives.
    pub fn reason(&self) -> String {
        let line = self
            .stderr_tail
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        if line.is_empty() {
            format!("decoder exited with {}", self.status)
        } else {
            line.to_string()
        }
    }
}

/// Run the job to completion, or kill it at the deadline.
pub(crate) fn run(job: Job<'_>) -> Result<JobOutput, MediaError> {
    let mut child = spawn(&job)?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        kill(&mut child);
        return Err(MediaError::Io("decoder pipes were not created".into()));
    };
    let (done_tx, done_rx) = mpsc::channel();
    let (max, chunk) = (job.max_stdout, job.chunk.max(1));
    let out_reader = thread::spawn(move || {
        let result = read_chunks(stdout, chunk, max);
        // The receiver may have given up already; nothing to do then.
        let _ = done_tx.send(());
        result
    });
    let err_reader = thread::spawn(move || read_tail(stderr, STDERR_TAIL));

    let remaining = job.deadline.saturating_duration_since(Instant::now());
    let finished = !matches!(
        done_rx.recv_timeout(remaining),
        Err(mpsc::RecvTimeoutError::Timeout)
    );
    let status = if finished {
        wait_until(&mut child, job.deadline)?
    } else {
        None
    };
    let Some(status) = status else {
        kill(&mut child);
        let _ = out_reader.join();
        let _ = err_reader.join();
        return Err(MediaError::VideoTimeout {
            seconds: job.timeout.as_secs_f32(),
        });
    };
    let (stdout, overflow) = out_reader
        .join()
        .map_err(|_| MediaError::Io("decoder output reader failed".into()))?
        .map_err(|e| MediaError::Io(format!("reading decoder output: {e}")))?;
    let stderr_tail = err_reader.join().unwrap_or_default();
    Ok(JobOutput {
        status,
        stdout,
        overflow,
        stderr_tail,
    })
}

fn spawn(job: &Job<'_>) -> Result<Child, MediaError> {
    Command::new(job.program)
        .args(&job.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                MediaError::DecoderMissing(format!(
                    "`{}` was not found; install it with `apt-get install ffmpeg` or configure its path",
                    job.program.display()
                ))
            } else {
                MediaError::Io(format!("starting `{}`: {e}", job.program.display()))
            }
        })
}

/// Wait for the exit status until the deadline; `None` when it passed.
fn wait_until(child: &mut Child, deadline: Instant) -> Result<Option<ExitStatus>, MediaError> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(Some(status)),
            Ok(None) if Instant::now() >= deadline => return Ok(None),
            Ok(None) => thread::sleep(EXIT_POLL),
            Err(e) => return Err(MediaError::Io(format!("waiting for decoder: {e}"))),
        }
    }
}

fn kill(child: &mut Child) {
    // Already-exited children make kill fail; either way we reap it.
    let _ = child.kill();
    let _ = child.wait();
}

/// Read up to `max` bytes in `chunk`-sized pieces; past `max`, stop and
/// report overflow (closing the pipe makes the child fail its next write).
fn read_chunks(
    mut reader: impl Read,
    chunk: usize,
    max: usize,
) -> io::Result<(Vec<Vec<u8>>, bool)> {
    let mut chunks = Vec::new();
    let mut total = 0usize;
    loop {
        let mut piece = Vec::with_capacity(chunk);
        (&mut reader).take(chunk as u64).read_to_end(&mut piece)?;
        if piece.is_empty() {
            return Ok((chunks, false));
        }
        let short = piece.len() < chunk;
        total += piece.len();
        if total > max {
            piece.truncate(piece.len() - (total - max));
            if !piece.is_empty() {
                chunks.push(piece);
            }
            return Ok((chunks, true));
        }
        chunks.push(piece);
        if short {
            // `take` only stops short at end of stream.
            return Ok((chunks, false));
        }
    }
}

/// Read everything, keeping only the last `keep` bytes as text.
fn read_tail(mut reader: impl Read, keep: usize) -> String {
    let mut tail: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > keep * 2 {
                    tail.drain(..tail.len() - keep);
                }
            }
        }
    }
    if tail.len() > keep {
        tail.drain(..tail.len() - keep);
    }
    String::from_utf8_lossy(&tail).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job<'a>(program: &'a str, args: &[&str], timeout_ms: u64, max_stdout: usize) -> Job<'a> {
        job_chunked(program, args, timeout_ms, max_stdout, 4096)
    }

    fn job_chunked<'a>(
        program: &'a str,
        args: &[&str],
        timeout_ms: u64,
        max_stdout: usize,
        chunk: usize,
    ) -> Job<'a> {
        let timeout = Duration::from_millis(timeout_ms);
        Job {
            program: Path::new(program),
            args: args.iter().map(OsString::from).collect(),
            deadline: Instant::now() + timeout,
            timeout,
            max_stdout,
            chunk,
        }
    }

    #[test]
    fn captures_output_and_stderr() {
        let out = run(job(
            "/bin/sh",
            &["-c", "printf hello; echo oops >&2; exit 3"],
            5000,
            100,
        ))
        .expect("runs");
        assert_eq!(out.stdout_bytes(), b"hello");
        assert!(!out.overflow);
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.reason(), "oops");
    }

    #[test]
    fn caps_stdout() {
        let out = run(job("/bin/sh", &["-c", "yes | head -c 100000"], 5000, 10)).expect("runs");
        assert_eq!(out.stdout_bytes().len(), 10);
        assert!(out.overflow);
    }

    #[test]
    fn splits_stdout_into_chunks() {
        let out = run(job_chunked(
            "/bin/sh",
            &["-c", "printf 0123456789"],
            5000,
            100,
            4,
        ))
        .expect("runs");
        let sizes: Vec<usize> = out.stdout.iter().map(Vec::len).collect();
        assert_eq!(sizes, [4, 4, 2]);
        assert_eq!(out.stdout_bytes(), b"0123456789");
        let out = run(job_chunked(
            "/bin/sh",
            &["-c", "printf 01234567"],
            5000,
            100,
            4,
        ))
        .expect("runs");
        assert_eq!(out.stdout.len(), 2);
        let out = run(job_chunked(
            "/bin/sh",
            &["-c", "printf 0123456789"],
            5000,
            6,
            4,
        ))
        .expect("runs");
        assert!(out.overflow);
        assert_eq!(out.stdout_bytes(), b"012345");
    }

    #[test]
    fn kills_at_deadline() {
        let err = run(job("/bin/sh", &["-c", "exec sleep 30"], 200, 10)).err();
        assert!(
            matches!(err, Some(MediaError::VideoTimeout { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn missing_program_is_named() {
        match run(job("/nonexistent/ffmpeg", &[], 1000, 10)) {
            Err(MediaError::DecoderMissing(msg)) => assert!(msg.contains("apt-get install ffmpeg")),
            Err(other) => panic!("unexpected {other:?}"),
            Ok(_) => panic!("a missing program cannot run"),
        }
    }
}
