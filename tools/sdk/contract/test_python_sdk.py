"""Contract tests: the official Tencent Python SDK (intl 3.1.193) against a real `ekyc serve`.

Run through tools/sdk/run_contract_tests.sh, or:
    .venv-sdk/bin/python -m pytest tools/sdk/contract
Per-action answers follow sdk_client.assert_contract (success shaped like the contract, or
UnsupportedOperation while the action is in sdk_client.PENDING_PIPELINES).
"""

import base64
import io
import json
import socket
import struct
import types
import uuid
from unittest import mock

import media as media_mod
import pytest
import requests
import schemas
from requests.adapters import HTTPAdapter
from sdk_client import Creds, assert_contract, assert_error, invoke, make_client, same_answer
from tencentcloud.common import abstract_client

NOT_AN_IMAGE = base64.b64encode(b"this is plain text, not a picture\n" * 40).decode()
NOT_A_VIDEO = base64.b64encode(b"this is plain text, not a video\n" * 40).decode()


def call(endpoint, creds, action, params, sign_method="TC3-HMAC-SHA256"):
    return invoke(make_client(endpoint, creds, action, sign_method), action, params)


# --- per-action answers with real media -------------------------------------------------


def test_liveness_compare_silent(server, creds, test_media):
    clip = test_media.silent_clip
    params = {
        "LivenessType": "SILENT",
        "ImageBase64": test_media.face_a.b64,
        "VideoBase64": clip.video.b64,
    }
    assert_contract(call(server.endpoint, creds, "LivenessCompare", params))


def test_liveness_compare_action_with_best_frames(server, creds, test_media):
    clip = test_media.action_clip
    params = {
        "LivenessType": "ACTION",
        "ValidateData": clip.validate_data,
        "ImageBase64": test_media.face_a.b64,
        "VideoBase64": clip.video.b64,
        "Optional": json.dumps({"BestFrameNum": 2}),
    }
    assert_contract(call(server.endpoint, creds, "LivenessCompare", params))


def test_compare_face_liveness(server, creds, test_media):
    params = {
        "ImageBase64": test_media.face_a.b64,
        "VideoBase64": test_media.silent_clip.video.b64,
        "LivenessType": "SILENT",
    }
    assert_contract(call(server.endpoint, creds, "CompareFaceLiveness", params))


def test_video_liveness_compare_by_url(url_server, url_creds, test_media, file_server, data_dir):
    photo, video = test_media.face_a, test_media.silent_clip.video
    params = {
        "ImageUrl": media_mod.url_of(file_server, data_dir, photo),
        "ImageMd5": photo.md5,
        "VideoUrl": media_mod.url_of(file_server, data_dir, video),
        "VideoMd5": video.md5,
        "LivenessType": "SILENT",
    }
    assert_contract(call(url_server.endpoint, url_creds, "VideoLivenessCompare", params))


def test_video_liveness_compare_md5_mismatch(
    url_server, url_creds, test_media, file_server, data_dir
):
    photo, video = test_media.face_a, test_media.silent_clip.video
    params = {
        "ImageUrl": media_mod.url_of(file_server, data_dir, photo),
        "ImageMd5": "0" * 32,
        "VideoUrl": media_mod.url_of(file_server, data_dir, video),
        "VideoMd5": video.md5,
        "LivenessType": "SILENT",
    }
    outcome = call(url_server.endpoint, url_creds, "VideoLivenessCompare", params)
    assert_error(outcome, {"InvalidParameterValue"})


@pytest.mark.parametrize("ret_image", [False, True])
def test_mlid_passport_ocr(server, creds, test_media, ret_image):
    params = {"ImageBase64": test_media.passport.b64, "RetImage": ret_image}
    assert_contract(call(server.endpoint, creds, "MLIDPassportOCR", params))


def test_mlid_passport_ocr_reads_the_mrz(server, creds, test_media):
    outcome = call(server.endpoint, creds, "MLIDPassportOCR", {"ImageBase64": test_media.passport.b64, "RetImage": True})
    assert_contract(outcome)
    lines = outcome.raw["CodeSet"] + "|" + outcome.raw["CodeCrc"]
    assert lines == test_media.passport_mrz, outcome.describe()
    assert isinstance(outcome.raw["Image"], str)
    # Alarms run by default: only real alarm codes, never the "service off" -9109.
    warn = outcome.raw["WarnCardInfos"]
    assert set(warn) <= schemas.WARN_CARD_CODES - {-9109}, warn


def test_mlid_passport_ocr_refuses_an_id_card(server, creds, test_media):
    outcome = call(server.endpoint, creds, "MLIDPassportOCR", {"ImageBase64": test_media.id_card.b64})
    assert_error(outcome, {"FailedOperation.NoPassport"})


def test_mlid_passport_ocr_by_url(url_server, url_creds, test_media, file_server, data_dir):
    params = {"ImageUrl": media_mod.url_of(file_server, data_dir, test_media.passport)}
    assert_contract(call(url_server.endpoint, url_creds, "MLIDPassportOCR", params))


def test_hkid_card_ocr(server, creds, test_media):
    # The data set has no HKID specimen; a non-HKID card may rightly answer NoHKIDCard.
    params = {"ImageBase64": test_media.id_card.b64, "ReturnHeadImage": True}
    outcome = call(server.endpoint, creds, "HKIDCardOCR", params)
    assert_contract(outcome, business_errors={"FailedOperation.NoHKIDCard"})


def test_mlid_card_ocr(server, creds, test_media):
    # No MyKad specimen either; NoMASIDCard is a legitimate answer for another ID card.
    params = {"ImageBase64": test_media.id_card.b64, "RetImage": True}
    outcome = call(server.endpoint, creds, "MLIDCardOCR", params)
    assert_contract(outcome, business_errors={"FailedOperation.NoMASIDCard"})


def test_iai_compare_face(server, creds, test_media):
    params = {"ImageA": test_media.face_a.b64, "ImageB": test_media.face_b.b64}
    assert_contract(call(server.endpoint, creds, "CompareFace", params))


def test_iai_compare_face_same_photo_scores_high(server, creds, test_media):
    params = {"ImageA": test_media.face_a.b64, "ImageB": test_media.face_a.b64}
    outcome = call(server.endpoint, creds, "CompareFace", params)
    assert_contract(outcome)
    assert outcome.raw["Score"] >= 60, outcome.describe()


def _grey_bmp_b64(width: int, height: int) -> str:
    """A plain grey 24-bit BMP: a valid image with no face in it."""
    row = bytes([128, 128, 128]) * width + b"\0" * ((4 - width * 3 % 4) % 4)
    pixels = row * height
    header = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return base64.b64encode(header + info + pixels).decode()


def test_iai_compare_face_without_a_face(server, creds, test_media):
    params = {"ImageA": test_media.face_a.b64, "ImageB": _grey_bmp_b64(200, 150)}
    outcome = call(server.endpoint, creds, "CompareFace", params)
    assert_error(outcome, {"InvalidParameterValue.NoFaceInPhoto"})


# --- authentication ---------------------------------------------------------------------

SMALL_OCR = {"ImageBase64": NOT_AN_IMAGE}


def test_wrong_secret_key(server, creds):
    wrong = Creds(creds.secret_id, "x" * len(creds.secret_key))
    outcome = call(server.endpoint, wrong, "MLIDPassportOCR", SMALL_OCR)
    assert_error(outcome, {"AuthFailure.SignatureFailure", "AuthFailure.InvalidAuthorization"})


def test_unknown_secret_id(server, creds):
    unknown = Creds("AKID" + "Q" * 32, creds.secret_key)
    outcome = call(server.endpoint, unknown, "MLIDPassportOCR", SMALL_OCR)
    assert_error(outcome, {"AuthFailure.SecretIdNotFound"})


def test_stale_timestamp(server, creds):
    # Only the SDK's own clock moves (10 min back); requests/urllib3 keep the real one.
    real_time = abstract_client.time.time
    stale_clock = types.SimpleNamespace(time=lambda: real_time() - 600)
    client = make_client(server.endpoint, creds, "MLIDPassportOCR")
    with mock.patch.object(abstract_client, "time", stale_clock):
        outcome = invoke(client, "MLIDPassportOCR", SMALL_OCR)
    assert_error(outcome, {"AuthFailure.SignatureExpire"})


@pytest.mark.parametrize("sign_method", ["HmacSHA256", "HmacSHA1"])
def test_v1_signature_gets_same_answer_as_tc3(server, creds, test_media, sign_method):
    params = {"ImageBase64": test_media.passport.b64}
    tc3 = call(server.endpoint, creds, "MLIDPassportOCR", params)
    v1 = call(server.endpoint, creds, "MLIDPassportOCR", params, sign_method)
    assert_contract(v1)
    assert same_answer(tc3, v1), f"TC3: {tc3.describe()} / {sign_method}: {v1.describe()}"


def test_v1_wrong_key(server, creds):
    wrong = Creds(creds.secret_id, "y" * len(creds.secret_key))
    outcome = call(server.endpoint, wrong, "MLIDPassportOCR", SMALL_OCR, "HmacSHA256")
    assert_error(outcome, {"AuthFailure.SignatureFailure", "AuthFailure.InvalidAuthorization"})


# --- request validation -----------------------------------------------------------------


def test_bad_base64(server, creds):
    outcome = call(server.endpoint, creds, "MLIDPassportOCR", {"ImageBase64": "###not*base64###"})
    assert_error(outcome, {"InvalidParameterValue"})


def test_missing_image(server, creds):
    outcome = call(server.endpoint, creds, "MLIDPassportOCR", {"RetImage": True})
    assert_error(outcome, {"InvalidParameter"})


def test_liveness_type_out_of_range(server, creds, test_media):
    params = {
        "LivenessType": "FOO",
        "ImageBase64": test_media.face_a.b64,
        "VideoBase64": test_media.silent_clip.video.b64,
    }
    assert_error(call(server.endpoint, creds, "LivenessCompare", params), {"InvalidParameterValue"})


def test_compare_face_liveness_rejects_lip(server, creds, test_media):
    params = {
        "ImageBase64": test_media.face_a.b64,
        "VideoBase64": test_media.silent_clip.video.b64,
        "LivenessType": "LIP",
        "ValidateData": "1234",
    }
    outcome = call(server.endpoint, creds, "CompareFaceLiveness", params)
    assert_error(outcome, {"UnsupportedOperation"})


def test_non_image_photo_ocr(server, creds):
    outcome = call(server.endpoint, creds, "MLIDPassportOCR", {"ImageBase64": NOT_AN_IMAGE})
    assert_error(outcome, {"FailedOperation.ImageDecodeFailed"})


def test_non_image_photo_liveness(server, creds, test_media):
    params = {
        "LivenessType": "SILENT",
        "ImageBase64": NOT_AN_IMAGE,
        "VideoBase64": test_media.silent_clip.video.b64,
    }
    outcome = call(server.endpoint, creds, "LivenessCompare", params)
    assert_error(outcome, {"FailedOperation.ImageDecodeFailed"})


def test_oversized_photo(server, creds, test_media):
    # A real JPEG padded past the 3 MB limit on the Base64 text (decoders ignore the tail).
    raw = test_media.face_a.raw
    padded = raw + b"\0" * (2_500_000 - len(raw))
    photo = base64.b64encode(padded).decode()
    assert len(photo) > 3 * 1024 * 1024
    params = {
        "LivenessType": "SILENT",
        "ImageBase64": photo,
        "VideoBase64": test_media.silent_clip.video.b64,
    }
    outcome = call(server.endpoint, creds, "LivenessCompare", params)
    assert_error(outcome, {"FailedOperation.LifePhotoSizeError"})


def test_private_url_refused_by_default(server, creds):
    params = {"ImageUrl": "http://127.0.0.1:1/x.jpg"}
    outcome = call(server.endpoint, creds, "MLIDPassportOCR", params)
    assert_error(outcome, {"InvalidParameterValue"})


def test_download_404(url_server, url_creds, file_server):
    params = {"ImageUrl": f"{file_server}/no-such-file.jpg"}
    outcome = call(url_server.endpoint, url_creds, "MLIDPassportOCR", params)
    assert_error(outcome, {"FailedOperation.DownLoadError"})


def test_video_download_404(url_server, url_creds, test_media, file_server):
    params = {
        "LivenessType": "SILENT",
        "ImageBase64": test_media.face_a.b64,
        "VideoUrl": f"{file_server}/no-such-clip.mp4",
    }
    outcome = call(url_server.endpoint, url_creds, "LivenessCompare", params)
    assert_error(outcome, {"FailedOperation.LipNetFailed"})


@pytest.fixture(scope="module")
def stalling_url():
    """A loopback port that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/slow.jpg"
    sock.close()


def test_download_timeout(url_server, url_creds, stalling_url):
    params = {"ImageA": NOT_AN_IMAGE, "UrlB": stalling_url}
    outcome = call(url_server.endpoint, url_creds, "CompareFace", params)
    assert_error(outcome, {"FailedOperation.DownLoadTimeoutError"})


def test_not_a_video(server, creds, test_media):
    params = {
        "LivenessType": "SILENT",
        "ImageBase64": test_media.face_a.b64,
        "VideoBase64": NOT_A_VIDEO,
    }
    outcome = call(server.endpoint, creds, "LivenessCompare", params)
    assert_error(outcome, {"FailedOperation.LipVideoInvalid"})


def test_unknown_action(server, creds):
    client = make_client(server.endpoint, creds, "MLIDPassportOCR")
    try:
        client.call_json("NoSuchActionAtAll", {})
    except Exception as e:  # the SDK raises TencentCloudSDKException
        assert getattr(e, "code", None) == "InvalidAction", repr(e)
    else:
        pytest.fail("unknown action was answered with a success")


# --- raw HTTP ---------------------------------------------------------------------------


def _recorded_http(server, creds, action, params):
    """Run an SDK call and return the raw HTTP responses the transport saw."""
    seen = []
    real_send = HTTPAdapter.send

    def send(adapter, request, **kwargs):
        resp = real_send(adapter, request, **kwargs)
        seen.append(resp)
        return resp

    with mock.patch.object(HTTPAdapter, "send", send):
        call(server.endpoint, creds, action, params)
    assert len(seen) == 1
    return seen[0]


def _assert_envelope(resp, want_error: bool):
    assert resp.status_code == 200
    assert resp.headers.get("Content-Type") == "application/json"
    body = resp.json()
    assert list(body) == ["Response"]
    inner = body["Response"]
    assert schemas.UUID_RE.match(inner.get("RequestId", "")), inner
    uuid.UUID(inner["RequestId"])
    if want_error:
        assert set(inner) == {"Error", "RequestId"}, inner
        assert set(inner["Error"]) == {"Code", "Message"}, inner
        assert all(isinstance(v, str) for v in inner["Error"].values())
    return inner


def test_raw_error_reply_is_exact_json(server, creds):
    resp = _recorded_http(server, creds, "MLIDPassportOCR", {"ImageBase64": "###"})
    inner = _assert_envelope(resp, want_error=True)
    assert inner["Error"]["Code"] == "InvalidParameterValue"


def test_raw_reply_with_real_document_is_exact_json(server, creds, test_media):
    resp = _recorded_http(
        server, creds, "MLIDPassportOCR", {"ImageBase64": test_media.passport.b64}
    )
    inner = _assert_envelope(resp, want_error="Error" in resp.json().get("Response", {}))
    if "Error" not in inner:
        assert not schemas.contract_errors("MLIDPassportOCR", inner)


def test_raw_garbage_authorization(server):
    headers = {
        "Content-Type": "application/json",
        "Host": server.endpoint,
        "X-TC-Action": "MLIDPassportOCR",
        "X-TC-Version": "2018-11-19",
        "X-TC-Timestamp": "0",
        "Authorization": "garbage",
    }
    resp = requests.post(server.base_url + "/", data=b"{}", headers=headers, timeout=30)
    inner = _assert_envelope(resp, want_error=True)
    assert inner["Error"]["Code"] == "AuthFailure.InvalidAuthorization", inner


# --- reference-photo verdicts of the liveness actions (success envelope with `Result`) ----------


def _jpeg_b64(img) -> str:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=90)
    return base64.b64encode(buf.getvalue()).decode()


def _photo_variants(test_media):
    from PIL import Image, ImageEnhance

    face = Image.open(io.BytesIO(test_media.face_a.raw)).convert("RGB")
    two = Image.new("RGB", (face.width * 2, face.height))
    two.paste(face, (0, 0))
    two.paste(face, (face.width, 0))
    dark = ImageEnhance.Brightness(face).enhance(0.08)
    return {
        "FailedOperation.LifePhotoDetectNoFaces": _grey_bmp_b64(320, 240),
        "FailedOperation.LifePhotoDetectFaces": _jpeg_b64(two),
        "FailedOperation.LifePhotoPoorQuality": _jpeg_b64(dark),
    }


@pytest.mark.parametrize(
    "expected",
    [
        "FailedOperation.LifePhotoDetectNoFaces",
        "FailedOperation.LifePhotoDetectFaces",
        "FailedOperation.LifePhotoPoorQuality",
    ],
)
@pytest.mark.parametrize("action", ["LivenessCompare", "CompareFaceLiveness"])
def test_reference_photo_verdicts(server, creds, test_media, expected, action):
    params = {
        "LivenessType": "SILENT",
        "ImageBase64": _photo_variants(test_media)[expected],
        "VideoBase64": test_media.silent_clip.video.b64,
    }
    outcome = call(server.endpoint, creds, action, params)
    assert_contract(outcome)
    assert outcome.raw["Result"] == expected, outcome.describe()
    assert outcome.raw["Sim"] == 0
