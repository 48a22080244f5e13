"""Requests as the Node intl SDK (tencentcloud-sdk-nodejs-intl-en 3.0.1335) builds them, by hand.

We cannot run the Python SDK to get these, so the steps below restate what the Node SDK's
`common/http/http_connection.js`, `common/sign.js` and `common/abstract_client.js` do
(checked against the real Node SDK by node/check_sign_vectors.mjs):

TC3 (`profile.signMethod = "TC3-HMAC-SHA256"`):
  * body = JSON.stringify(params): compact (no spaces), non-ASCII left as raw UTF-8
    (the Python SDK instead escapes it as \\uXXXX and puts a space after ':' and ',');
  * header `Host` = URL.host (with port), but the canonical request signs
    `host:` + URL.hostname (WITHOUT the port);
  * credential-scope service = endpoint.split('.')[0]  ("127" for "127.0.0.1:8080",
    "localhost:9000" for "localhost:9000"), not the product name;
  * no X-TC-Language header; X-TC-RequestClient = "SDK_NODEJS_INTL_EN3.0.1335".
v1 (the Node default, `HmacSHA256`/`HmacSHA1`):
  * params + Action, RequestClient, Nonce (0..65535), Timestamp, Version, Language ("en-US"),
    SecretId, Region, SignatureMethod; signed text = "POST" + endpoint + "/?" + sorted k=v
    joined by '&' with raw values (JS booleans print as "true"/"false");
  * body = querystring.stringify: encodeURIComponent-style escaping (space -> %20).
node-fetch adds its own transport headers (Accept, User-Agent, Accept-Encoding, Connection,
Content-Length); the `headers` recorded here are the ones the SDK sets.
"""

import base64
import dataclasses
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

NODE_SDK = "tencentcloud-sdk-nodejs-intl-en 3.0.1335"
NODE_REQUEST_CLIENT = "SDK_NODEJS_INTL_EN3.0.1335"
GENERATED_BY = "by hand in tools/sdk/node_style.py, following " + NODE_SDK
# Characters encodeURIComponent / querystring.escape leave unescaped.
SAFE_JS = "-_.!~*'()"


@dataclasses.dataclass
class NodeCall:
    """One Node SDK call: credentials, target, pinned clock/nonce and the request params."""

    secret_id: str
    secret_key: str
    endpoint: str
    action: str
    version: str
    region: str
    timestamp: int
    trace_id: str
    params: dict[str, Any]
    protocol: str = "http://"
    nonce: int = 0
    sign_method: str = "TC3-HMAC-SHA256"


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def utc_date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d")


def js_string(value: Any) -> str:
    """String(value) in JavaScript for the scalar types we use."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def node_tc3(call: NodeCall) -> dict[str, str]:
    """Return the TC3 vector fields for a Node-style signed request."""
    url = call.protocol + call.endpoint + "/"
    parts = urlsplit(url)
    host_header = parts.netloc  # URL.host: keeps the port
    signed_host = parts.hostname or ""  # URL.hostname: drops it
    service = call.endpoint.split(".")[0]
    body = json.dumps(call.params, ensure_ascii=False, separators=(",", ":"))
    content_type = "application/json"
    hashed_payload = _sha256_hex(body.encode("utf-8"))
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{signed_host}\n",
            "content-type;host",
            hashed_payload,
        ]
    )
    date = utc_date(call.timestamp)
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(call.timestamp),
            scope,
            _sha256_hex(canonical.encode("utf-8")),
        ]
    )
    k_date = _hmac(("TC3" + call.secret_key).encode("utf-8"), date)
    k_signing = _hmac(_hmac(k_date, service), "tc3_request")
    signature = hmac.new(k_signing, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    authorization = (
        f"TC3-HMAC-SHA256 Credential={call.secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )
    headers = {
        "X-TC-TraceId": call.trace_id,
        "Host": host_header,
        "X-TC-Action": call.action,
        "X-TC-Region": call.region,
        "X-TC-Timestamp": str(call.timestamp),
        "X-TC-Version": call.version,
        "X-TC-RequestClient": NODE_REQUEST_CLIENT,
        "Content-Type": content_type,
        "Authorization": authorization,
    }
    return {
        "method": "POST",
        "url": url,
        "headers": headers,
        "content_type": content_type,
        "host": host_header,
        "signed_host": signed_host,
        "service": service,
        "date": date,
        "body": body,
        "hashed_payload": hashed_payload,
        "canonical_request": canonical,
        "credential_scope": scope,
        "string_to_sign": string_to_sign,
        "signature": signature,
        "authorization": authorization,
    }


def node_v1(call: NodeCall) -> dict[str, Any]:
    """Return the v1 vector fields for a Node-style form-encoded request."""
    params: dict[str, str] = {k: js_string(v) for k, v in call.params.items()}
    params.update(
        {
            "Action": call.action,
            "RequestClient": NODE_REQUEST_CLIENT,
            "Nonce": str(call.nonce),
            "Timestamp": str(call.timestamp),
            "Version": call.version,
            "Language": "en-US",
            "SecretId": call.secret_id,
            "Region": call.region,
            "SignatureMethod": call.sign_method,
        }
    )
    joined = "&".join(f"{k}={params[k]}" for k in sorted(params))
    sign_string = "POST" + call.endpoint + "/?" + joined
    digest = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}[call.sign_method]
    mac = hmac.new(call.secret_key.encode("utf-8"), sign_string.encode("utf-8"), digest)
    signature = base64.b64encode(mac.digest()).decode("ascii")
    sent = dict(params, Signature=signature)
    # encodeURIComponent leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) alone.
    body = "&".join(f"{quote(k, safe=SAFE_JS)}={quote(v, safe=SAFE_JS)}" for k, v in sent.items())
    content_type = "application/x-www-form-urlencoded"
    return {
        "method": "POST",
        "url": call.protocol + call.endpoint + "/",
        "headers": {"X-TC-TraceId": call.trace_id, "Content-Type": content_type},
        "content_type": content_type,
        "host": urlsplit(call.protocol + call.endpoint).netloc,
        "body": body,
        "params": params,
        "sign_string": sign_string,
        "signature": signature,
    }
