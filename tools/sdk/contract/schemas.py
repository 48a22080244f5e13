"""Response shapes of the contract (/work/shared/contract/tencent-api.md §4-§5, §7.4).

One small schema per action: field name -> Field(JSON type, required?, nullable?). A success
body must have every required field, no field outside the schema, and the right JSON types.
"""

import dataclasses
import re
from typing import Any

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

# §7.4: alarm codes a WarnCardInfos array may hold.
WARN_CARD_CODES = {-9101, -9102, -9103, -9104, -9107, -9108, -9109}

# §7.2: codes that may appear as `Result` of the liveness+compare actions.
FACEID_RESULT_CODES = {"Success"} | {
    "FailedOperation." + c
    for c in (
        "ActionCloseEye ActionFaceClose ActionFaceFar ActionFaceLeft ActionFaceRight "
        "ActionFirstAction ActionLightDark ActionLightStrong ActionNodetectFace "
        "ActionOpenMouth CompareFail CompareLowSimilarity CompareSystemError CoveredFace "
        "DownLoadError DownLoadTimeoutError EmptyImageError ImageBlur ImageDecodeFailed "
        "ImageSizeTooLarge IncompleteFace LifePhotoDetectFaces LifePhotoDetectFake "
        "LifePhotoDetectNoFaces LifePhotoPoorQuality LifePhotoSizeError LipFaceIncomplete "
        "LipMoveSmall LipNetFailed LipSizeError LipVideoInvalid LipVideoQuaility "
        "LipVoiceDetect LipVoiceLow LipVoiceRecognize LivessBestFrameError LivessDetectFail "
        "LivessDetectFake LivessSystemError LivessUnknownError PoorImageQuality "
        "SilentDetectFail SilentEyeLiveFail SilentFaceDetectFail SilentFaceQualityFail "
        "SilentFaceWithMaskFail SilentMouthLiveFail SilentMultiFaceFail SilentPictureLiveFail "
        "SilentThreshold SilentTooShort UnKnown VideoDecodeFailed VideoDurationExceeded "
        "CompressVideoError DetectEngineSystemError"
    ).split()
}

MY_CARD_TYPES = {"MyKad", "MyPR", "MyTentera", "MyKAS", "POLIS", "IKAD", "MyKid"}


@dataclasses.dataclass(frozen=True)
class Field:
    """`kind`: str, int, float (any JSON number), bool, [str], [int], or a nested schema."""

    kind: Any
    required: bool = True
    nullable: bool = False


def opt(kind: Any, nullable: bool = False) -> Field:
    return Field(kind, required=False, nullable=nullable)


def null(kind: Any) -> Field:
    """Nullable; the SDK model maps an absent field to None too, so absence is accepted."""
    return Field(kind, required=False, nullable=True)


STR, INT, FLOAT, BOOL = "str", "int", "float", "bool"
STR_LIST, INT_LIST = "[str]", "[int]"

PASSPORT_INFOS = {
    **{
        k: Field(STR)
        for k in (
            "Type IssuingCountry PassportID Surname GivenName Name Nationality "
            "DateOfBirth Sex DateOfIssuance DateOfExpiration"
        ).split()
    },
    **{
        k: opt(STR, nullable=True)
        for k in (
            "Signature IssuePlace IssuingAuthority BirthPlace PassportFlag MiddleName "
            "FatherName MotherName Title Postname"
        ).split()
    },
}

SCHEMAS: dict[str, dict[str, Field]] = {
    "LivenessCompare": {
        "BestFrameBase64": null(STR),
        "Sim": Field(FLOAT),
        "Result": Field(STR),
        "Description": Field(STR),
        "BestFrameList": null(STR_LIST),
        "RequestId": Field(STR),
    },
    "CompareFaceLiveness": {
        "Result": Field(STR),
        "Description": Field(STR),
        "Sim": Field(FLOAT),
        "BestFrameBase64": null(STR),
        "RequestId": Field(STR),
    },
    "VideoLivenessCompare": {
        "Sim": Field(FLOAT),
        "Result": Field(STR),
        "Description": Field(STR),
        "BestFrame": null({"Url": Field(STR), "MD5": Field(STR), "Size": Field(INT)}),
        "RequestId": Field(STR),
    },
    "CompareFace": {
        "Score": Field(FLOAT),
        "FaceModelVersion": Field(STR),
        "RequestId": Field(STR),
    },
    "MLIDPassportOCR": {
        **{
            k: Field(STR)
            for k in (
                "ID Name DateOfBirth Sex DateOfExpiration IssuingCountry Nationality Image "
                "AdvancedInfo CodeSet CodeCrc Type RequestId"
            ).split()
        },
        "Warn": Field(INT_LIST),
        "Surname": null(STR),
        "GivenName": null(STR),
        "PassportRecognizeInfos": Field(PASSPORT_INFOS),
        "WarnCardInfos": opt(INT_LIST),
        "CardCount": opt(INT),
        "IsComplete": opt(BOOL),
    },
    "HKIDCardOCR": {
        **{
            k: Field(STR)
            for k in (
                "CnName EnName TelexCode Sex Birthday IdNum Symbol FirstIssueDate "
                "CurrentIssueDate RequestId"
            ).split()
        },
        "Permanent": Field(INT),
        "FakeDetectResult": null(INT),
        "HeadImage": null(STR),
        "SmallHeadImage": null(STR),
        "WarningCode": Field(INT_LIST),
        "WarnCardInfos": opt(INT_LIST),
        "WindowEmbeddedText": opt(STR),
        "HKIDVersion": null(STR),
    },
    "MLIDCardOCR": {
        **{k: Field(STR) for k in "ID Name Address Sex Image AdvancedInfo Type RequestId".split()},
        "Warn": Field(INT_LIST),
        "Birthday": opt(STR),
        "MyKadNumber": opt(STR),
        "WarnCardInfos": opt(INT_LIST),
    },
}


def _type_ok(kind: Any, value: Any) -> bool:
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if kind == STR:
        return isinstance(value, str)
    if kind == INT:
        return is_int
    if kind == FLOAT:
        return is_int or isinstance(value, float)
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == STR_LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == INT_LIST:
        return isinstance(value, list) and all(_type_ok(INT, v) for v in value)
    return isinstance(value, dict)


def shape_errors(schema: dict[str, Field], body: dict[str, Any], path: str = "") -> list[str]:
    """Every way `body` departs from `schema` (empty list = conforms)."""
    errors = [f"unexpected field {path}{k}" for k in body if k not in schema]
    for name, field in schema.items():
        where = path + name
        if name not in body:
            if field.required:
                errors.append(f"missing field {where}")
            continue
        value = body[name]
        if value is None:
            if not field.nullable:
                errors.append(f"{where} is null")
            continue
        if not _type_ok(field.kind, value):
            errors.append(f"{where} should be {field.kind!r}, got {type(value).__name__}")
        elif isinstance(field.kind, dict):
            errors.extend(shape_errors(field.kind, value, where + "."))
    return errors


def value_errors(action: str, body: dict[str, Any]) -> list[str]:
    """Range/enum checks the contract states (§4, §7.4, §8)."""
    errors: list[str] = []
    if not UUID_RE.match(str(body.get("RequestId", ""))):
        errors.append(f"RequestId {body.get('RequestId')!r} is not a UUID")
    sim = body.get("Sim", body.get("Score"))
    if isinstance(sim, (int, float)) and not 0 <= sim <= 100:
        errors.append(f"similarity {sim} outside 0..100")
    if "Result" in body and body["Result"] not in FACEID_RESULT_CODES:
        errors.append(f"Result {body['Result']!r} is not a known FaceID code")
    for key in ("WarnCardInfos",):
        for code in body.get(key) or []:
            if code not in WARN_CARD_CODES:
                errors.append(f"{key} holds unknown alarm {code}")
    for key in ("Warn", "WarningCode"):
        if body.get(key) not in (None, []):
            errors.append(f"deprecated {key} should be []")
    if action == "MLIDCardOCR" and body.get("Type") not in MY_CARD_TYPES:
        errors.append(f"Type {body.get('Type')!r} not a Malaysian card type")
    return errors


def contract_errors(action: str, body: dict[str, Any]) -> list[str]:
    return shape_errors(SCHEMAS[action], body) + value_errors(action, body)
