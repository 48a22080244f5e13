"""Start and stop the real `ekyc` binary for contract tests.

Binary: $EKYC_BIN, else target/release/ekyc, else target/debug/ekyc (under $CARGO_TARGET_DIR
if set). Test data: $EKYC_TEST_DATA, else ../shared/data from the repo root.
"""

import dataclasses
import json
import os
import pathlib
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
READY_TIMEOUT_S = 120.0  # model loading on a cold 2-core machine can be slow
STOP_TIMEOUT_S = 15.0


def find_binary() -> pathlib.Path | None:
    env = os.environ.get("EKYC_BIN")
    if env:
        path = pathlib.Path(env)
        return path if path.is_absolute() else REPO_ROOT / path
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    if not target.is_absolute():
        target = REPO_ROOT / target
    for profile in ("release", "debug"):
        candidate = target / profile / "ekyc"
        if candidate.is_file():
            return candidate
    return None


def find_data_dir() -> pathlib.Path:
    env = os.environ.get("EKYC_TEST_DATA")
    if env:
        return pathlib.Path(env).resolve()
    return (REPO_ROOT / ".." / "shared" / "data").resolve()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclasses.dataclass
class Server:
    """A running `ekyc serve` with one API key created for it."""

    binary: pathlib.Path
    data_dir: pathlib.Path
    port: int
    secret_id: str
    secret_key: str
    process: subprocess.Popen
    log_path: pathlib.Path

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.endpoint}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)


def create_key(binary: pathlib.Path, data_dir: pathlib.Path) -> tuple:
    out = subprocess.run(
        [str(binary), "keys", "create", "--data-dir", str(data_dir), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"`ekyc keys create` failed ({out.returncode}): {out.stderr.strip()}")
    try:
        key = json.loads(out.stdout)
        return key["SecretId"], key["SecretKey"]
    except (ValueError, KeyError, TypeError) as e:
        raise RuntimeError(f"`ekyc keys create --json` printed {out.stdout!r}: {e}") from e


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(binary: pathlib.Path, work_dir: pathlib.Path, extra_args: list[str]) -> Server:
    """Create a data dir + key under `work_dir`, start serving, wait for /healthz."""
    data_dir = work_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    secret_id, secret_key = create_key(binary, data_dir)
    port = free_port()
    log_path = work_dir / "server.log"
    args = [str(binary), "serve", "--addr", f"127.0.0.1:{port}", "--data-dir", str(data_dir)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            args + extra_args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    server = Server(binary, data_dir, port, secret_id, secret_key, process, log_path)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ekyc serve exited with {process.returncode}:\n{server.log_tail()}")
        if _healthy(server.base_url + "/healthz"):
            return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(
        f"ekyc serve not healthy after {READY_TIMEOUT_S:.0f} s:\n{server.log_tail()}"
    )
