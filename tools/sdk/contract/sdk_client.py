"""Official Python SDK clients pointed at a test server, and the outcome checks the tests share."""

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

import schemas
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.faceid.v20180301 import faceid_client
from tencentcloud.faceid.v20180301 import models as faceid_models
from tencentcloud.iai.v20200303 import iai_client
from tencentcloud.iai.v20200303 import models as iai_models
from tencentcloud.ocr.v20181119 import models as ocr_models
from tencentcloud.ocr.v20181119 import ocr_client

# The intl Python SDK ships tencentcloud.iai, so CompareFace goes through IaiClient too.
PRODUCTS = {
    "faceid": (faceid_client.FaceidClient, faceid_models),
    "ocr": (ocr_client.OcrClient, ocr_models),
    "iai": (iai_client.IaiClient, iai_models),
}
ACTION_PRODUCT = {
    "LivenessCompare": "faceid",
    "CompareFaceLiveness": "faceid",
    "VideoLivenessCompare": "faceid",
    "MLIDPassportOCR": "ocr",
    "HKIDCardOCR": "ocr",
    "MLIDCardOCR": "ocr",
    "CompareFace": "iai",
}

# Actions whose pipeline the server does not have yet: for these an `UnsupportedOperation`
# error is an accepted answer. Remove an action from this set when its pipeline lands, and its
# tests then demand a contract-shaped success (or one of the listed business errors).
PENDING_PIPELINES: set[str] = set()


@dataclasses.dataclass
class Creds:
    secret_id: str
    secret_key: str


def make_client(endpoint: str, creds: Creds, action: str, sign_method: str = "TC3-HMAC-SHA256"):
    """An SDK client for `action`'s product, configured as contract §2.6 describes."""
    client_cls = PRODUCTS[ACTION_PRODUCT[action]][0]
    http_profile = HttpProfile(endpoint=endpoint, protocol="http")
    profile = ClientProfile(signMethod=sign_method, httpProfile=http_profile)
    cred = credential.Credential(creds.secret_id, creds.secret_key)
    return client_cls(cred, "ap-singapore", profile)


@dataclasses.dataclass
class Outcome:
    """Either the raw `Response` object of a success, or the SDK exception of an error."""

    action: str
    raw: dict[str, Any] | None = None
    model: Any = None
    error: TencentCloudSDKException | None = None

    def describe(self) -> str:
        if self.error is not None:
            return f"error {self.error.code}: {self.error.message}"
        if "Error" in (self.raw or {}):
            # The SDK only raises when Content-Type is exactly application/json (§3).
            return (
                "an Error envelope the SDK did not raise (reply Content-Type is not exactly "
                f"application/json?): {json.dumps(self.raw)[:400]}"
            )
        return "success " + json.dumps(self.raw)[:400]


def invoke(client, action: str, params: dict[str, Any]) -> Outcome:
    """Call the SDK's typed method (`client.<Action>(<Action>Request)`), keeping the raw JSON.

    The typed method goes through `client.call`; an instance attribute wrapping it records
    the body the SDK received before it is deserialised into the model.
    """
    models = PRODUCTS[ACTION_PRODUCT[action]][1]
    req = getattr(models, action + "Request")()
    req.from_json_string(json.dumps(params))
    unknown = set(params) - set(req._serialize())
    if unknown:
        raise ValueError(f"{action}Request has no field(s) {sorted(unknown)}")
    seen: dict[str, bytes] = {}
    real_call = client.call

    def recording_call(act, body_params, options=None, headers=None):
        body = real_call(act, body_params, options, headers)
        seen["body"] = body
        return body

    client.call = recording_call
    try:
        model = getattr(client, action)(req)
    except TencentCloudSDKException as e:
        return Outcome(action, error=e)
    finally:
        del client.call
    raw = json.loads(seen["body"])["Response"]
    return Outcome(action, raw=raw, model=model)


def assert_error(outcome: Outcome, codes: Iterable[str]) -> None:
    """The call failed with one of `codes` and a proper RequestId."""
    allowed = set(codes)
    assert outcome.error is not None, (
        f"{outcome.action}: expected {allowed}, got {outcome.describe()}"
    )
    assert outcome.error.code in allowed, (
        f"{outcome.action}: expected {allowed}, got {outcome.describe()}"
    )
    assert outcome.error.message, f"{outcome.action}: empty error message"
    assert schemas.UUID_RE.match(outcome.error.requestId or ""), (
        f"{outcome.action}: RequestId {outcome.error.requestId!r} is not a UUID"
    )


def assert_contract(outcome: Outcome, business_errors: Iterable[str] = ()) -> None:
    """A success shaped exactly like the contract, or (pipeline pending) UnsupportedOperation,
    or one of `business_errors` (a legitimate Error answer for this input)."""
    if outcome.error is not None:
        accepted = set(business_errors)
        if outcome.action in PENDING_PIPELINES:
            accepted.add("UnsupportedOperation")
        assert_error(outcome, accepted)
        if outcome.error.code == "UnsupportedOperation":
            # The server says which pipeline is missing, so a user can tell it from a bad input.
            assert "pipeline" in outcome.error.message.lower(), outcome.describe()
        return
    assert "Error" not in (outcome.raw or {}), f"{outcome.action}: {outcome.describe()}"
    problems = schemas.contract_errors(outcome.action, outcome.raw or {})
    assert not problems, f"{outcome.action}: {problems}"
    assert outcome.model.RequestId == outcome.raw["RequestId"], "SDK model lost RequestId"


def same_answer(a: Outcome, b: Outcome) -> bool:
    """Same error code, or the same success body apart from RequestId."""
    if a.error is not None or b.error is not None:
        return a.error is not None and b.error is not None and a.error.code == b.error.code

    def strip(raw):
        return {k: v for k, v in (raw or {}).items() if k != "RequestId"}

    return strip(a.raw) == strip(b.raw)
