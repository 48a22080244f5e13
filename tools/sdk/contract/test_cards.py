"""HKIDCardOCR and MLIDCardOCR through the official Python SDK on the generated card fixtures
(tools/cards/fixtures: synthetic phone photos from tools/cards/render_cards.py, true fields in
labels.csv). The shared data has no HKID or MyKad specimen; these layouts are verified only
synthetically."""

import base64
import csv
import pathlib

import pytest
from sdk_client import assert_contract, assert_error, invoke, make_client

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "cards" / "fixtures"


def call(endpoint, creds, action, params):
    return invoke(make_client(endpoint, creds, action, "TC3-HMAC-SHA256"), action, params)


def labels():
    with open(FIXTURES / "labels.csv", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def b64(name):
    return base64.b64encode((FIXTURES / name).read_bytes()).decode()


def test_hkid_card_ocr_reads_the_fields(server, creds):
    want = labels()["hkid_0001.jpg"]
    outcome = call(server.endpoint, creds, "HKIDCardOCR",
                   {"ImageBase64": b64("hkid_0001.jpg"), "ReturnHeadImage": True})
    assert_contract(outcome)
    got = outcome.raw
    for field, column in [("IdNum", "id_num"), ("EnName", "en_name"), ("CnName", "cn_name"),
                          ("TelexCode", "telex_code"), ("Birthday", "birthday"), ("Sex", "sex"),
                          ("Symbol", "symbol"), ("FirstIssueDate", "first_issue_date"),
                          ("CurrentIssueDate", "current_issue_date")]:
        assert got[field] == want[column], (field, got[field], want[column])
    assert got["Permanent"] == int(want["permanent"])
    assert got["HeadImage"], "ReturnHeadImage must give the portrait"
    base64.b64decode(got["HeadImage"], validate=True)


@pytest.mark.parametrize("ret_image", [False, True])
def test_mlid_card_ocr_reads_the_fields(server, creds, ret_image):
    want = labels()["mykad_0000.jpg"]
    outcome = call(server.endpoint, creds, "MLIDCardOCR",
                   {"ImageBase64": b64("mykad_0000.jpg"), "RetImage": ret_image})
    assert_contract(outcome)
    got = outcome.raw
    for field, column in [("ID", "id_num"), ("Name", "name"), ("Address", "address"),
                          ("Sex", "sex"), ("Birthday", "birthday"), ("Type", "type")]:
        assert got[field] == want[column], (field, got[field], want[column])
    assert bool(got["Image"]) == ret_image


def test_each_card_action_refuses_the_other_card(server, creds):
    outcome = call(server.endpoint, creds, "HKIDCardOCR", {"ImageBase64": b64("mykad_0001.jpg")})
    assert_error(outcome, {"FailedOperation.NoHKIDCard"})
    outcome = call(server.endpoint, creds, "MLIDCardOCR", {"ImageBase64": b64("hkid_0000.jpg")})
    assert_error(outcome, {"FailedOperation.NoMASIDCard"})
