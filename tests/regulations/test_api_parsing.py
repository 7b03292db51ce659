"""Bodies the API's JSON parser refuses with a 400 that says why, for anonymous and signed-in clients."""

import json

import pytest
from rest_framework.test import APIClient

from regulations.api.parsers import MAX_JSON_DEPTH, json_depth

pytestmark = pytest.mark.django_db


def post(path: str, body: bytes | str, content_type="application/json"):
    return APIClient().generic("POST", path, body, content_type=content_type)


def test_thousands_of_nested_arrays_are_refused_with_a_message_not_a_server_error():
    response = post("/api/links/check/", "[" * 5000 + "]" * 5000)
    assert response.status_code == 400
    assert "nests too deeply" in response.json()["detail"]


def test_nesting_inside_an_object_counts_too_but_brackets_in_strings_do_not():
    deep = json.dumps({"addresses": [[[]]]}).replace("[[[]]]", "[" * 40 + "]" * 40)
    assert "nests too deeply" in post("/api/links/check/", deep).json()["detail"]
    brackets = json.dumps({"text": "[[[" * 100 + '"\\"{{' * 50})
    assert json_depth(brackets) == 1
    assert post("/api/links/check/", brackets).status_code == 200


def test_nesting_up_to_the_bound_is_parsed():
    assert json_depth("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) == MAX_JSON_DEPTH
    response = post("/api/links/check/", json.dumps({"addresses": ["/documents/x/"], "as_of": None}))
    assert response.status_code == 200


def test_a_body_over_the_upload_limit_is_refused_with_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post("/api/links/check/", json.dumps({"text": "x" * 20_000}))
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is too large: at most 10,000 bytes per request."


def test_a_body_that_is_not_utf8_or_not_json_is_refused_with_a_message():
    assert "not valid utf-8" in post("/api/links/check/", b'{"text": "\xff\xfe"}').json()["detail"]
    assert post("/api/links/check/", b"{nope").json()["detail"].startswith("JSON parse error")
    response = post("/api/links/check/", b"{}", content_type="application/json; charset=bz2_codec")
    assert response.status_code == 400
