"""Run the real Tencent Python SDK with the network cut off and record what it would send.

The SDK builds and signs the request itself; we only replace `requests`' transport adapter
(the last step before bytes hit a socket), so method, URL, every header and the exact body are
what a real call puts on the wire. Clock, nonce and trace id are pinned so output is stable.
"""

import contextlib
import dataclasses
import json
import uuid
from collections.abc import Callable
from typing import Any
from unittest import mock

import requests
from requests.adapters import HTTPAdapter
from tencentcloud.common import credential
from tencentcloud.common.abstract_client import AbstractClient
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.common.sign import Sign

# Answer the SDK gets back, so its response parsing runs to the end without errors.
FAKE_REQUEST_ID = "00000000-0000-4000-8000-000000000000"


@dataclasses.dataclass
class ClientSetup:
    """Everything that shapes a client: who signs, how, and where it sends."""

    client_cls: type
    secret_id: str
    secret_key: str
    endpoint: str
    scheme: str = "http"
    region: str = "ap-singapore"
    language: str = "en-US"
    sign_method: str = "TC3-HMAC-SHA256"
    unsigned_payload: bool = False


@dataclasses.dataclass
class Pins:
    """Values that would otherwise change on every run."""

    timestamp: int
    nonce: int = 1
    trace_id: str = "11111111-2222-4333-8444-555555555555"


@dataclasses.dataclass
class Captured:
    """What the SDK handed to the transport, plus the signer inputs it used."""

    method: str = ""
    url: str = ""
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    body: bytes = b""
    # (secret_key, date, service, string_to_sign, signature) for each TC3 signing.
    tc3_calls: list[tuple] = dataclasses.field(default_factory=list)
    # (string_to_sign, signature) for each v1 signing.
    v1_calls: list[tuple] = dataclasses.field(default_factory=list)


def build_client(setup: ClientSetup):
    """Construct the SDK client exactly as a user pointing it at our server would."""
    http_profile = HttpProfile(endpoint=setup.endpoint, protocol=setup.scheme)
    profile = ClientProfile(
        signMethod=setup.sign_method, httpProfile=http_profile, language=setup.language
    )
    profile.unsignedPayload = setup.unsigned_payload
    cred = credential.Credential(setup.secret_id, setup.secret_key)
    return setup.client_cls(cred, setup.region, profile)


def _fake_response(prepared: requests.PreparedRequest) -> requests.Response:
    resp = requests.Response()
    resp.status_code = 200
    resp.headers["Content-Type"] = "application/json"
    resp._content = json.dumps({"Response": {"RequestId": FAKE_REQUEST_ID}}).encode()
    resp.request = prepared
    resp.url = prepared.url or ""
    return resp


@contextlib.contextmanager
def intercept(pins: Pins):
    """Pin clock/nonce/uuid, cut the transport and record what the SDK produced."""
    cap = Captured()
    real_tc3 = Sign.sign_tc3
    real_v1 = Sign.sign
    real_format = AbstractClient._format_sign_string

    def send(_adapter, prepared, **_kwargs):
        cap.method = prepared.method or ""
        cap.url = prepared.url or ""
        cap.headers = {k: str(v) for k, v in prepared.headers.items()}
        body = prepared.body or b""
        cap.body = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        return _fake_response(prepared)

    def sign_tc3(secret_key, date, service, str2sign):
        sig = real_tc3(secret_key, date, service, str2sign)
        cap.tc3_calls.append((secret_key, date, service, str2sign, sig))
        return sig

    def format_sign_string(self, params, options=None):
        text = real_format(self, params, options)
        cap.v1_calls.append((text, None))
        return text

    def sign_v1(secret_key, sign_str, sign_method):
        sig = real_v1(secret_key, sign_str, sign_method)
        if cap.v1_calls and cap.v1_calls[-1][0] == sign_str:
            cap.v1_calls[-1] = (sign_str, sig)
        return sig

    patches = [
        mock.patch.object(HTTPAdapter, "send", send),
        mock.patch.object(Sign, "sign_tc3", sign_tc3),
        mock.patch.object(Sign, "sign", sign_v1),
        mock.patch.object(AbstractClient, "_format_sign_string", format_sign_string),
        mock.patch("time.time", return_value=float(pins.timestamp)),
        mock.patch("random.randint", return_value=pins.nonce),
        mock.patch("uuid.uuid4", return_value=uuid.UUID(pins.trace_id)),
    ]
    with contextlib.ExitStack() as stack:
        for p in patches:
            stack.enter_context(p)
        yield cap


def run_call(setup: ClientSetup, pins: Pins, call: Callable[[Any], Any]) -> Captured:
    """Build a client, run `call(client)` under interception, return the capture."""
    client = build_client(setup)
    with intercept(pins) as cap:
        call(client)
    if not cap.method:
        raise RuntimeError("SDK call did not reach the HTTP layer")
    return cap


def model_call(method_name: str, request_cls: type, params: dict[str, Any]):
    """A `call` for run_call that goes through the typed model + client method."""

    def call(client):
        req = request_cls()
        req.from_json_string(json.dumps(params))
        unknown = set(params) - set(req._serialize())
        if unknown:
            raise ValueError(f"{request_cls.__name__} has no field(s) {sorted(unknown)}")
        return getattr(client, method_name)(req)

    return call


def header(cap: Captured, name: str) -> str | None:
    """Case-insensitive header lookup on a capture."""
    for k, v in cap.headers.items():
        if k.lower() == name.lower():
            return v
    return None
