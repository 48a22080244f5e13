"""Fixtures: the real `ekyc` server (plain and with --allow-private-urls), test media, and a
loopback file server for the URL inputs."""

import functools
import http.server
import os
import pathlib
import sys
import threading

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import media  # noqa: E402
import server as ekyc_server  # noqa: E402
from sdk_client import Creds  # noqa: E402

# A proxy from the environment would swallow loopback calls (the SDK and urllib both honour
# it, and the SDK's NO_PROXY check compares whole host:port strings).
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)


@pytest.fixture(scope="session")
def data_dir() -> pathlib.Path:
    path = ekyc_server.find_data_dir()
    if not (path / "README.md").is_file():
        pytest.skip(f"test data not found at {path} (set EKYC_TEST_DATA)")
    return path


@pytest.fixture(scope="session")
def test_media(data_dir):
    return media.load(data_dir)


@pytest.fixture(scope="session")
def binary() -> pathlib.Path:
    path = ekyc_server.find_binary()
    if path is None or not path.is_file():
        pytest.fail(
            f"ekyc binary not found ({path or 'target/{release,debug}/ekyc'}): "
            "build it with `cargo build -p ekyc` or set EKYC_BIN"
        )
    return path


def _serve(binary, tmp_path_factory, name, extra_args):
    return ekyc_server.start(binary, tmp_path_factory.mktemp(name), extra_args)


@pytest.fixture(scope="session")
def server(binary, tmp_path_factory):
    """Default server: private URLs refused (SSRF guard on)."""
    srv = _serve(binary, tmp_path_factory, "ekyc-default", [])
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def url_server(binary, tmp_path_factory):
    """Server started with --allow-private-urls so it may fetch from the loopback file server."""
    srv = _serve(binary, tmp_path_factory, "ekyc-urls", ["--allow-private-urls"])
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def creds(server) -> Creds:
    return Creds(server.secret_id, server.secret_key)


@pytest.fixture(scope="session")
def url_creds(url_server) -> Creds:
    return Creds(url_server.secret_id, url_server.secret_key)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass


@pytest.fixture(scope="session")
def file_server(data_dir):
    """Serves the data folder read-only on a loopback port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(data_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
