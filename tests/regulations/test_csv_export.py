"""The targets CSV opens safely in a spreadsheet: no cell runs as a formula, Chinese reads right in
Excel (a UTF-8 byte-order mark), and a filter it cannot apply is refused rather than ignored."""

import csv
import io

import pytest

from regulations.models import Target
from regulations.site.exports import spreadsheet_cell

pytestmark = pytest.mark.django_db


def download(client, **query):
    response = client.get("/targets/export.csv", query)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "value, written",
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("-5", "-5"),
        ("-0.25", "-0.25"),
        ("18%", "18%"),
        ("单位工业增加值", "单位工业增加值"),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(value, written):
    assert spreadsheet_cell(value) == written


def test_the_download_neutralises_formulas_in_stored_text(client):
    target = Target.objects.order_by("pk").first()
    target.metric = '=HYPERLINK("http://evil.example","Click")'
    target.scope = "@cmd"
    target.save()
    rows = list(csv.DictReader(io.StringIO(download(client).content.decode("utf-8-sig"))))
    metrics = {row["metric"] for row in rows}
    assert '\'=HYPERLINK("http://evil.example","Click")' in metrics
    assert not any(value.startswith(("=", "+", "@")) for row in rows for value in row.values())
    assert "'@cmd" in {row["scope"] for row in rows}


def test_the_download_starts_with_a_utf8_byte_order_mark_and_keeps_chinese(client):
    content = download(client).content
    assert content.startswith(b"\xef\xbb\xbfdocument,")
    assert any("\u4e00" <= char <= "\u9fff" for char in content.decode("utf-8-sig"))


def test_an_unknown_industry_is_refused_with_a_message_rather_than_every_target(client):
    response = client.get("/targets/export.csv", {"industry": "iron-and-steel"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "There is no industry “iron-and-steel”." in response.content.decode()
    assert download(client, industry="steel").content.count(b"\n") < 98
