"""MLIDPassportOCR's visual zone through the official Python SDK on generated passport pages
(tools/sdk/contract/fixtures, made by tools/documents/generate.py: pf5_0010.jpg with
`--seed 5 --count 80 --prefix pf --max-side 1400`, s11_0086.jpg with `--seed 11 --count 120`;
the printed fields in viz.csv, `consistent=0` where the page prints another passport number
than its MRZ; retyped7777_0091.jpg from the alarm attacks, `tools/alarms/generate.py DIR
--split tune --seed 7777 --only tampered --per-attack 60 --clean 60`, its tune_0091.jpg: the
expiry date re-typed with random characters after the shot)."""

import base64
import csv
import pathlib

from sdk_client import assert_contract, assert_error, invoke, make_client

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


def call(endpoint, creds, params):
    return invoke(make_client(endpoint, creds, "MLIDPassportOCR", "TC3-HMAC-SHA256"), "MLIDPassportOCR", params)


def rows():
    with open(FIXTURES / "viz.csv", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def b64(name):
    return base64.b64encode((FIXTURES / name).read_bytes()).decode()


def test_passport_recognize_infos_filled_from_the_visual_zone(server, creds):
    want = rows()["pf5_0010.jpg"]
    outcome = call(server.endpoint, creds, {"ImageBase64": b64("pf5_0010.jpg")})
    assert_contract(outcome)
    assert outcome.raw["CodeSet"] + "|" + outcome.raw["CodeCrc"] == want["mrz"], outcome.describe()
    infos = outcome.raw["PassportRecognizeInfos"]
    for field, column in [("Surname", "surname"), ("GivenName", "given_names"),
                          ("PassportID", "passport_id"), ("DateOfBirth", "date_of_birth"),
                          ("DateOfIssuance", "date_of_issuance"),
                          ("DateOfExpiration", "date_of_expiration"),
                          ("BirthPlace", "birth_place")]:
        assert infos.get(field) == want[column], (field, infos.get(field), want[column])
    # The recogniser may drop the spaces of a tightly set multi-word authority (README).
    assert (infos.get("IssuePlace") or "").replace(" ", "") == want["issue_place"].replace(" ", "")
    # Fields only the MRZ carries, as the top level reports them.
    assert infos["Type"] == outcome.raw["Type"]
    assert infos["Nationality"] == outcome.raw["Nationality"]
    assert infos["IssuingCountry"] == outcome.raw["IssuingCountry"]
    assert infos["Sex"] == outcome.raw["Sex"]
    assert infos["Name"] == f"{want['surname']} {want['given_names']}"


def test_visual_zone_disagreeing_with_the_mrz_is_an_error(server, creds):
    assert rows()["s11_0086.jpg"]["consistent"] == "0"
    outcome = call(server.endpoint, creds, {"ImageBase64": b64("s11_0086.jpg")})
    assert_error(outcome, {"FailedOperation.InconsistencyBetweenMRZAndVRZ"})
    assert "PassportID" in outcome.error.message, outcome.describe()


def test_a_retyped_expiry_date_is_an_error(server, creds):
    outcome = call(server.endpoint, creds, {"ImageBase64": b64("retyped7777_0091.jpg")})
    assert_error(outcome, {"FailedOperation.InconsistencyBetweenMRZAndVRZ"})
    assert "DateOfExpiration" in outcome.error.message, outcome.describe()
