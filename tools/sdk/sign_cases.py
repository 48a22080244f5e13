"""Inputs of the signing vectors: keys, pinned timestamps and the request cases.

Python cases are run through the real SDK by gen_sign_vectors.py; Node cases are computed by
node_style.py (and checked against the real Node SDK by node/check_sign_vectors.mjs).
"""

from typing import Any

import node_style

# Tencent's documentation example key pair, and one in the shape `ekyc keys create` makes.
KEY_A = ("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")
KEY_B = ("AKIDq7Rv2Lm9Xc4Tn8Bw1Zs6Hy3Kp0Jd5Fg2", "t4Nw8Qz1Xv6Lm3Rb9Kc2Yh7Pd5Sg0Fj1")

TS_PLAIN = 1760000000  # 2025-10-09T08:53:20Z
TS_BEFORE_MIDNIGHT = 1767225597  # 2025-12-31T23:59:57Z
TS_AFTER_MIDNIGHT = 1767225604  # 2026-01-01T00:00:04Z

TINY_JPEG_B64 = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDA=="
TINY_MP4_B64 = "AAAAIGZ0eXBpc29tAAACAGlzb21pc28yYXZjMW1wNDE="

# Each case: name, product (faceid/ocr/iai), action, endpoint, key, ts; optional scheme
# ("http"), region ("ap-singapore"), language ("en-US"), unsigned_payload, nonce (v1), and
# the request params (must be fields of <Action>Request).
TC3_CASES: list[dict[str, Any]] = [
    dict(
        name="tc3_faceid_livenesscompare_ip_port",
        product="faceid",
        action="LivenessCompare",
        endpoint="127.0.0.1:8080",
        key=KEY_A,
        ts=TS_PLAIN,
        params={
            "LivenessType": "SILENT",
            "ImageBase64": TINY_JPEG_B64,
            "VideoBase64": TINY_MP4_B64,
        },
    ),
    dict(
        name="tc3_ocr_passport_localhost_before_midnight",
        product="ocr",
        action="MLIDPassportOCR",
        endpoint="localhost:9000",
        key=KEY_B,
        ts=TS_BEFORE_MIDNIGHT,
        params={"ImageBase64": TINY_JPEG_B64, "RetImage": True},
    ),
    dict(
        name="tc3_iai_compareface_domain_after_midnight_non_ascii",
        product="iai",
        action="CompareFace",
        endpoint="faceid.example.com",
        scheme="https",
        key=KEY_A,
        ts=TS_AFTER_MIDNIGHT,
        params={
            "UrlA": "https://example.com/photos/José-张伟.jpg",
            "ImageB": TINY_JPEG_B64,
            "QualityControl": 2,
            "FaceModelVersion": "3.0",
        },
    ),
    dict(
        name="tc3_faceid_livenesscompare_domain_non_ascii",
        product="faceid",
        action="LivenessCompare",
        endpoint="faceid.example.com",
        scheme="https",
        key=KEY_B,
        ts=TS_PLAIN,
        params={
            "LivenessType": "LIP",
            "ValidateData": "7239",
            "ImageUrl": "https://example.com/ñandú/фото.jpg",
            "VideoBase64": TINY_MP4_B64,
            "Optional": '{"BestFrameNum":2}',
        },
    ),
    dict(
        name="tc3_ocr_passport_ip_port_after_midnight",
        product="ocr",
        action="MLIDPassportOCR",
        endpoint="127.0.0.1:8080",
        key=KEY_A,
        ts=TS_AFTER_MIDNIGHT,
        params={"ImageUrl": "http://127.0.0.1:8081/doc.png"},
    ),
    dict(
        name="tc3_iai_compareface_localhost_before_midnight",
        product="iai",
        action="CompareFace",
        endpoint="localhost:9000",
        key=KEY_B,
        ts=TS_BEFORE_MIDNIGHT,
        params={"ImageA": TINY_JPEG_B64, "ImageB": TINY_JPEG_B64},
    ),
    dict(
        name="tc3_faceid_no_region_zh_language",
        product="faceid",
        action="CompareFaceLiveness",
        endpoint="127.0.0.1:8080",
        key=KEY_B,
        ts=TS_PLAIN,
        region="",
        language="zh-CN",
        params={
            "ImageBase64": TINY_JPEG_B64,
            "VideoBase64": TINY_MP4_B64,
            "LivenessType": "ACTION",
            "ValidateData": "2,1",
        },
    ),
    dict(
        name="tc3_ocr_hkid_unsigned_payload",
        product="ocr",
        action="HKIDCardOCR",
        endpoint="127.0.0.1:8080",
        key=KEY_A,
        ts=TS_PLAIN,
        unsigned_payload=True,
        params={"ImageBase64": TINY_JPEG_B64, "ReturnHeadImage": False},
    ),
]

V1_CASES: list[dict[str, Any]] = [
    dict(
        name="v1_sha256_faceid_livenesscompare_ip_port",
        sign_method="HmacSHA256",
        product="faceid",
        action="LivenessCompare",
        endpoint="127.0.0.1:8080",
        key=KEY_A,
        ts=TS_PLAIN,
        nonce=5471,
        params={
            "LivenessType": "ACTION",
            "ValidateData": "2,1",
            "ImageUrl": "https://example.com/my photo é+1.jpg",
            "VideoBase64": TINY_MP4_B64,
        },
    ),
    dict(
        name="v1_sha1_ocr_passport_localhost_bool",
        sign_method="HmacSHA1",
        product="ocr",
        action="MLIDPassportOCR",
        endpoint="localhost:9000",
        key=KEY_B,
        ts=TS_BEFORE_MIDNIGHT,
        nonce=1234567890123,
        params={"ImageBase64": TINY_JPEG_B64, "RetImage": True},
    ),
    dict(
        name="v1_sha256_iai_compareface_domain_int",
        sign_method="HmacSHA256",
        product="iai",
        action="CompareFace",
        endpoint="faceid.example.com",
        scheme="https",
        key=KEY_A,
        ts=TS_AFTER_MIDNIGHT,
        nonce=42,
        params={"ImageA": TINY_JPEG_B64, "UrlB": "https://example.com/b.jpg", "QualityControl": 3},
    ),
    dict(
        name="v1_sha1_ocr_hkid_ip_port",
        sign_method="HmacSHA1",
        product="ocr",
        action="HKIDCardOCR",
        endpoint="127.0.0.1:8080",
        key=KEY_B,
        ts=TS_PLAIN,
        nonce=987654321,
        params={"ImageBase64": TINY_JPEG_B64, "ReturnHeadImage": False},
    ),
]


NODE_TRACE_ID = "66666666-7777-4888-8999-aaaaaaaaaaaa"

NODE_TC3_CASES = [
    dict(
        name="node_tc3_ocr_hkid_ip_port",
        call=node_style.NodeCall(
            secret_id=KEY_A[0],
            secret_key=KEY_A[1],
            endpoint="127.0.0.1:8080",
            action="HKIDCardOCR",
            version="2018-11-19",
            region="ap-singapore",
            timestamp=TS_PLAIN,
            trace_id=NODE_TRACE_ID,
            params={
                "ImageBase64": TINY_JPEG_B64,
                "ReturnHeadImage": True,
                "ImageUrl": "http://127.0.0.1:8080/证件/café.jpg",
            },
        ),
    ),
    dict(
        name="node_tc3_faceid_localhost_before_midnight",
        call=node_style.NodeCall(
            secret_id=KEY_B[0],
            secret_key=KEY_B[1],
            endpoint="localhost:9000",
            action="CompareFaceLiveness",
            version="2018-03-01",
            region="ap-singapore",
            timestamp=TS_BEFORE_MIDNIGHT,
            trace_id=NODE_TRACE_ID,
            params={
                "ImageBase64": TINY_JPEG_B64,
                "VideoBase64": TINY_MP4_B64,
                "LivenessType": "SILENT",
            },
        ),
    ),
]

NODE_V1_CASES = [
    dict(
        name="node_v1_sha256_ocr_hkid_ip_port",
        call=node_style.NodeCall(
            secret_id=KEY_A[0],
            secret_key=KEY_A[1],
            endpoint="127.0.0.1:8080",
            action="HKIDCardOCR",
            version="2018-11-19",
            region="ap-singapore",
            timestamp=TS_AFTER_MIDNIGHT,
            trace_id=NODE_TRACE_ID,
            nonce=4242,
            sign_method="HmacSHA256",
            params={
                "ImageBase64": TINY_JPEG_B64,
                "ReturnHeadImage": True,
                "ImageUrl": "http://example.com/a b é.jpg",
            },
        ),
    ),
]
