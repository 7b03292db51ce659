import csv
import io
import json

PLAN = "industrial-carbon-peaking-2022"
ITEM_URL = f"http://testserver/documents/{PLAN}/part_2__sec_7__item_2/"


def test_a_document_downloads_as_json_with_its_tree_and_permanent_addresses(client, db):
    response = client.get(f"/documents/{PLAN}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{PLAN}.json"'
    data = json.loads(response.content)
    assert data["doc_number"] == "工信部联节〔2022〕88号"
    assert data["url"] == f"http://testserver/documents/{PLAN}/"
    part_2 = next(p for p in data["provisions"] if p["eid"] == "part_2")
    section_7 = next(p for p in part_2["children"] if p["eid"] == "part_2__sec_7")
    assert ITEM_URL in [child["url"] for child in section_7["children"]]
    overall = next(p for p in data["provisions"][0]["children"] if p["eid"] == "part_1__sec_3")
    energy = next(t for t in overall["targets"] if t["value"] == "13.5")
    assert (energy["baseline_year"], energy["target_year"], energy["direction"]) == (2020, 2025, "decrease")
    assert any(r["verb"] == "implements" and r["source"] == data["url"] for r in data["relations"])


def test_a_document_downloads_as_markdown_with_linked_headings(client, db):
    response = client.get(f"/documents/{PLAN}/export.md")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("# Implementation Plan for Carbon Peaking in the Industrial Sector\n")
    assert "- **Document number:** 工信部联节〔2022〕88号" in text
    assert f"]({ITEM_URL})" in text
    assert "13.5" in text


def test_targets_download_as_csv_with_the_page_filters(client, db):
    response = client.get("/targets/export.csv", {"industry": "steel", "sort": "-target_year"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows, "steel has targets"
    assert all(row["url"].startswith("http://testserver/documents/") for row in rows)
    years = [int(row["target_year"]) for row in rows if row["target_year"]]
    assert years == sorted(years, reverse=True)
    everything = list(csv.DictReader(io.StringIO(client.get("/targets/export.csv").content.decode())))
    assert len(everything) == 127 and len(rows) < len(everything)
    assert any(row["verified"] == "no (single source)" for row in everything)


def test_the_pages_link_to_their_downloads(client, db):
    assert f'href="/documents/{PLAN}/export.json"' in client.get(f"/documents/{PLAN}/").content.decode()
    page = client.get("/targets/", {"industry": "steel"}).content.decode()
    assert 'href="/targets/export.csv?industry=steel"' in page


def test_unknown_documents_and_bad_filters_do_not_break_the_downloads(client, db):
    assert client.get("/documents/no-such-document/export.json").status_code == 404
    assert client.get("/documents/no-such-document/export.md").status_code == 404
    # A filter the download cannot apply is refused with what was wrong, never a 500 nor every target.
    response = client.get("/targets/export.csv", {"industry": "<script>", "sort": "nonsense"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is no industry “&lt;script&gt;”." in body and "There is no sort “nonsense”." in body
    assert "<script>" not in body
