#!/usr/bin/env python3
"""Write TC3 and v1 signing test vectors made by the official Tencent Python SDK.

Run with the SDK venv (tools/sdk/requirements.txt):
    .venv-sdk/bin/python tools/sdk/gen_sign_vectors.py
Writes crates/ekyc-server/tests/data/tc3_vectors.json and v1_vectors.json. Output is
deterministic (clock, nonce and trace id are pinned), so a re-run must not change the files.
Each Python-SDK vector is cross-checked here by an independent recomputation before it is
written; the hand-made Node-style ones (node_style.py) are checked against the real Node SDK by
node/check_sign_vectors.mjs.
"""

import base64
import hashlib
import hmac
import json
import pathlib
import sys
from typing import Any
from urllib.parse import parse_qsl

import tencentcloud
from tencentcloud.faceid.v20180301 import faceid_client
from tencentcloud.faceid.v20180301 import models as faceid_models
from tencentcloud.iai.v20200303 import iai_client
from tencentcloud.iai.v20200303 import models as iai_models
from tencentcloud.ocr.v20181119 import models as ocr_models
from tencentcloud.ocr.v20181119 import ocr_client

import node_style
from sdk_capture import Captured, ClientSetup, Pins, header, model_call, run_call
from sign_cases import NODE_TC3_CASES, NODE_V1_CASES, TC3_CASES, V1_CASES

SDK = "tencentcloud-sdk-python-intl-en 3.1.193"
OUT_DIR = pathlib.Path(__file__).resolve().parents[2] / "crates/ekyc-server/tests/data"

# Key order of every vector object (also the exact key set; see README.md for meanings).
TC3_FIELDS = (
    "name", "generated_by", "style", "secret_id", "secret_key", "product", "service",
    "action", "version", "region", "language", "endpoint", "timestamp", "date", "method",
    "url", "headers", "content_type", "host", "signed_host", "body", "hashed_payload",
    "canonical_request", "credential_scope", "string_to_sign", "signature", "authorization",
)  # fmt: skip
V1_FIELDS = (
    "name", "generated_by", "style", "sign_method", "secret_id", "secret_key", "product",
    "action", "version", "region", "endpoint", "timestamp", "nonce", "method", "url",
    "headers", "content_type", "host", "body", "params", "sign_string", "signature",
)  # fmt: skip

CLIENTS = {
    "faceid": (faceid_client.FaceidClient, faceid_models),
    "ocr": (ocr_client.OcrClient, ocr_models),
    "iai": (iai_client.IaiClient, iai_models),
}


def check(cond: bool, what: str) -> None:
    if not cond:
        raise SystemExit(f"self-check failed: {what}")


def setup_for(case: dict[str, Any], sign_method: str) -> ClientSetup:
    return ClientSetup(
        client_cls=CLIENTS[case["product"]][0],
        secret_id=case["key"][0],
        secret_key=case["key"][1],
        endpoint=case["endpoint"],
        scheme=case.get("scheme", "http"),
        region=case.get("region", "ap-singapore"),
        language=case.get("language", "en-US"),
        sign_method=sign_method,
        unsigned_payload=case.get("unsigned_payload", False),
    )


def capture(case: dict[str, Any], sign_method: str) -> Captured:
    models = CLIENTS[case["product"]][1]
    request_cls = getattr(models, case["action"] + "Request")
    call = model_call(case["action"], request_cls, case["params"])
    pins = Pins(timestamp=case["ts"], nonce=case.get("nonce", 1))
    return run_call(setup_for(case, sign_method), pins, call)


def tc3_vector(case: dict[str, Any]) -> dict[str, Any]:
    cap = capture(case, "TC3-HMAC-SHA256")
    check(len(cap.tc3_calls) == 1, "one TC3 signing per call")
    secret_key, date, service, string_to_sign, signature = cap.tc3_calls[0]
    body = cap.body.decode("utf-8")
    content_type = header(cap, "Content-Type") or ""
    host = header(cap, "Host") or ""
    unsigned = header(cap, "X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD"
    hashed = hashlib.sha256(b"UNSIGNED-PAYLOAD" if unsigned else cap.body).hexdigest()
    # The SDK does not expose its canonical request; rebuild it from the captured inputs
    # and prove it is the one signed (its hash is the last line of the SDK's string-to-sign).
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashed,
        ]
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    check(string_to_sign.split("\n")[3] == digest, f"{case['name']}: canonical request")
    scope = f"{date}/{service}/tc3_request"
    check(string_to_sign.split("\n")[2] == scope, f"{case['name']}: scope")
    check(date == node_style.utc_date(case["ts"]), f"{case['name']}: UTC date")
    # Re-derive the signature with our own HMAC chain (not the SDK's Sign class).
    k = hmac.new(("TC3" + secret_key).encode(), date.encode(), hashlib.sha256).digest()
    for part in (service, "tc3_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    mine = hmac.new(k, string_to_sign.encode(), hashlib.sha256).hexdigest()
    check(mine == signature, f"{case['name']}: signature recomputation")
    auth = header(cap, "Authorization") or ""
    check(auth.endswith("Signature=" + signature), f"{case['name']}: Authorization header")
    return {
        "name": case["name"],
        "generated_by": SDK,
        "style": "python-sdk",
        "secret_id": case["key"][0],
        "secret_key": secret_key,
        "product": case["product"],
        "service": service,
        "action": header(cap, "X-TC-Action") or "",
        "version": header(cap, "X-TC-Version") or "",
        "region": header(cap, "X-TC-Region") or "",
        "language": header(cap, "X-TC-Language") or "",
        "endpoint": case["endpoint"],
        "timestamp": header(cap, "X-TC-Timestamp") or "",
        "date": date,
        "method": cap.method,
        "url": cap.url,
        "headers": cap.headers,
        "content_type": content_type,
        "host": host,
        "signed_host": host,
        "body": body,
        "hashed_payload": hashed,
        "canonical_request": canonical,
        "credential_scope": scope,
        "string_to_sign": string_to_sign,
        "signature": signature,
        "authorization": auth,
    }


def v1_vector(case: dict[str, Any]) -> dict[str, Any]:
    cap = capture(case, case["sign_method"])
    check(len(cap.v1_calls) == 1, "one v1 signing per call")
    sign_string, signature = cap.v1_calls[0]
    body = cap.body.decode("utf-8")
    sent = dict(parse_qsl(body, keep_blank_values=True, strict_parsing=True))
    check(sent.get("Signature") == signature, f"{case['name']}: Signature in body")
    params = {k: v for k, v in sent.items() if k != "Signature"}
    joined = "&".join(f"{k}={params[k]}" for k in sorted(params))
    check(sign_string == f"POST{case['endpoint']}/?{joined}", f"{case['name']}: sign string")
    digest = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}[case["sign_method"]]
    mac = hmac.new(case["key"][1].encode(), sign_string.encode(), digest).digest()
    check(base64.b64encode(mac).decode() == signature, f"{case['name']}: signature")
    return {
        "name": case["name"],
        "generated_by": SDK,
        "style": "python-sdk",
        "sign_method": case["sign_method"],
        "secret_id": case["key"][0],
        "secret_key": case["key"][1],
        "product": case["product"],
        "action": params["Action"],
        "version": params["Version"],
        "region": params.get("Region", ""),
        "endpoint": case["endpoint"],
        "timestamp": params["Timestamp"],
        "nonce": params["Nonce"],
        "method": cap.method,
        "url": cap.url,
        "headers": cap.headers,
        "content_type": header(cap, "Content-Type") or "",
        "host": header(cap, "Host") or "",
        "body": body,
        "params": params,
        "sign_string": sign_string,
        "signature": signature,
    }


def node_common(name: str, call: node_style.NodeCall) -> dict[str, Any]:
    return {
        "name": name,
        "generated_by": node_style.GENERATED_BY,
        "style": "node-sdk-by-hand",
        "secret_id": call.secret_id,
        "secret_key": call.secret_key,
        "product": "ocr" if call.version == "2018-11-19" else "faceid",
        "action": call.action,
        "version": call.version,
        "region": call.region,
        "endpoint": call.endpoint,
        "timestamp": str(call.timestamp),
    }


def node_tc3_vector(case: dict[str, Any]) -> dict[str, Any]:
    call = case["call"]
    out = node_common(case["name"], call)
    fields = node_style.node_tc3(call)
    out.update(fields, language="")
    return ordered(out, TC3_FIELDS)


def node_v1_vector(case: dict[str, Any]) -> dict[str, Any]:
    call = case["call"]
    out = node_common(case["name"], call)
    out.update(sign_method=call.sign_method, nonce=str(call.nonce))
    out.update(node_style.node_v1(call))
    return ordered(out, V1_FIELDS)


def ordered(vector: dict[str, Any], fields: tuple) -> dict[str, Any]:
    """Fix key order and insist on exactly the schema's keys, all strings (headers/params maps)."""
    check(
        set(vector) == set(fields),
        f"{vector.get('name')}: keys {sorted(set(vector) ^ set(fields))}",
    )
    for key, value in vector.items():
        flat = value.values() if isinstance(value, dict) else [value]
        check(all(isinstance(v, str) for v in flat), f"{vector['name']}: {key} not all strings")
    return {key: vector[key] for key in fields}


def write(path: pathlib.Path, vectors: list[dict[str, Any]]) -> None:
    text = json.dumps(vectors, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {len(vectors)} vectors to {path}")


def main() -> int:
    if tencentcloud.__version__ != "3.1.193":
        print(f"need {SDK}, found {tencentcloud.__version__}", file=sys.stderr)
        return 1
    tc3 = [ordered(tc3_vector(c), TC3_FIELDS) for c in TC3_CASES]
    tc3 += [node_tc3_vector(c) for c in NODE_TC3_CASES]
    v1 = [ordered(v1_vector(c), V1_FIELDS) for c in V1_CASES]
    v1 += [node_v1_vector(c) for c in NODE_V1_CASES]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write(OUT_DIR / "tc3_vectors.json", tc3)
    write(OUT_DIR / "v1_vectors.json", v1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
