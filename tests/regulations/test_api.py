import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from regulations.models import Provision, Relation

PLAN = "industrial-carbon-peaking-2022"
ITEM = "part_2__sec_7__item_2"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def consultant(django_user_model):
    user = django_user_model.objects.create_user("consultant", password="pw")
    user.groups.add(Group.objects.get(name="Consultant"))
    return user


@pytest.fixture
def reader(django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw")
    user.groups.add(Group.objects.get(name="Compliance staff"))
    return user


def test_document_list_shows_every_document_with_its_permanent_address(api, db):
    response = api.get("/api/documents/", {"page": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 21
    plan = next(d for d in body["results"] if d["slug"] == PLAN)
    assert plan["doc_number"] == "工信部联节〔2022〕88号"
    assert plan["url"] == f"http://testserver/documents/{PLAN}/"
    assert plan["dates"]["published"] == "2022-08-01"
    assert set(plan) >= {"title_en", "title_zh", "status", "issuers", "topics", "superseded_by"}


def test_document_list_filters_by_topic_and_status(api, db):
    response = api.get("/api/documents/", {"topic": "battery-recycling", "status": "superseded"})
    slugs = [d["slug"] for d in response.json()["results"]]
    # Today: the 2019 conditions were replaced in 2024, the 2018 measures reportedly on 1 April 2026.
    assert slugs == ["cn-nev-battery-interim-measures-2018", "cn-nev-battery-standard-conditions-2019"]


def test_document_detail_has_the_outline_and_relations_in_both_directions(api, db):
    body = api.get(f"/api/documents/{PLAN}/").json()
    eids = [p["eid"] for p in body["provisions"]]
    assert ITEM in eids
    item = next(p for p in body["provisions"] if p["eid"] == ITEM)
    assert item["parent"] == "part_2__sec_7"
    assert item["url"].endswith(f"/documents/{PLAN}/{ITEM}/")
    sources = {r["source"]["document"] for r in body["relations"]}
    assert PLAN in sources and len(sources) > 1
    assert {"verb", "reverse_verb", "source", "target", "note", "asserted_by"} <= set(body["relations"][0])


def test_provision_detail_carries_its_targets_as_data(api, db):
    body = api.get(f"/api/documents/{PLAN}/provisions/part_1__sec_3/").json()
    energy = next(t for t in body["targets"] if t["target_year"] == 2025 and t["value"])
    assert energy["value"] == "13.5000"
    assert energy["baseline_year"] == 2020
    assert energy["direction"] == "decrease"
    assert any(t["direction"] == "peak" and t["target_year"] == 2030 for t in body["targets"])


def test_unknown_provision_answers_404(api, db):
    assert api.get(f"/api/documents/{PLAN}/provisions/part_99/").status_code == 404
    assert api.get("/api/documents/no-such-document/provisions/").status_code == 404


def test_targets_filter_by_industry(api, db):
    body = api.get("/api/targets/", {"industry": "steel"}).json()
    assert body["count"] >= 2
    assert all(t["document"] for t in body["results"])


def test_anonymous_writes_are_refused_and_change_nothing(api, db):
    before = Provision.objects.get(document__slug=PLAN, eid=ITEM).heading_en
    response = api.patch(f"/api/documents/{PLAN}/provisions/{ITEM}/", {"heading_en": "Hacked"}, format="json")
    assert response.status_code in (401, 403)
    assert api.delete(f"/api/documents/{PLAN}/").status_code in (401, 403)
    assert Provision.objects.get(document__slug=PLAN, eid=ITEM).heading_en == before


def test_compliance_staff_may_read_but_not_write(api, reader):
    api.force_authenticate(reader)
    assert api.get(f"/api/documents/{PLAN}/").status_code == 200
    response = api.patch(f"/api/documents/{PLAN}/provisions/{ITEM}/", {"heading_en": "No"}, format="json")
    assert response.status_code == 403


def test_consultant_edits_a_provision_with_a_token(api, consultant):
    token = Token.objects.create(user=consultant)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.patch(
        f"/api/documents/{PLAN}/provisions/{ITEM}/", {"heading_en": "Recycle secondary resources"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Provision.objects.get(document__slug=PLAN, eid=ITEM).heading_en == "Recycle secondary resources"


def test_a_bad_token_answers_401(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert api.patch(f"/api/documents/{PLAN}/", {"short_title": "x"}, format="json").status_code == 401


def test_consultant_cannot_make_a_cycle_or_a_dangling_parent(api, consultant):
    api.force_authenticate(consultant)
    cycle = api.patch(f"/api/documents/{PLAN}/provisions/part_2/", {"parent": ITEM}, format="json")
    assert cycle.status_code == 400
    assert "cycle" in str(cycle.json()["parent"])
    dangling = api.patch(f"/api/documents/{PLAN}/provisions/{ITEM}/", {"parent": "part_99"}, format="json")
    assert dangling.status_code == 400
    assert Provision.objects.get(document__slug=PLAN, eid="part_2").parent is None


def test_consultant_adds_a_provision_and_a_relation(api, consultant):
    api.force_authenticate(consultant)
    created = api.post(
        f"/api/documents/{PLAN}/provisions/",
        {"eid": "part_2__sec_7__item_9", "parent": "part_2__sec_7", "kind": "measure", "heading_en": "New item"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["depth"] == 2
    relation = api.post(
        "/api/relations/",
        {
            "type": "related",
            "source_document": PLAN,
            "source_provision": "part_2__sec_7__item_9",
            "target_document": "cn-weee-regulation",
            "note": "Test link",
        },
        format="json",
    )
    assert relation.status_code == 201, relation.json()
    assert Relation.objects.filter(note="Test link", source_provision__eid="part_2__sec_7__item_9").exists()


def test_duplicate_identifier_is_refused_with_a_message(api, consultant):
    api.force_authenticate(consultant)
    response = api.post(
        f"/api/documents/{PLAN}/provisions/", {"eid": ITEM, "kind": "measure", "heading_en": "Twice"}, format="json"
    )
    assert response.status_code == 400
    assert "already has a provision" in str(response.json())


def test_detail_answers_carry_etag_and_last_modified_and_honour_them(api, db):
    first = api.get(f"/api/documents/{PLAN}/")
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    assert api.get(f"/api/documents/{PLAN}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api.get(f"/api/documents/{PLAN}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    provision = api.get(f"/api/documents/{PLAN}/provisions/{ITEM}/")
    assert provision.has_header("Last-Modified")


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/documents/{slug}/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_moving_a_provision_updates_the_depth_of_its_whole_subtree(api, consultant):
    api.force_authenticate(consultant)
    response = api.patch(f"/api/documents/{PLAN}/provisions/part_2__sec_7/", {"parent": "part_2__sec_4"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["depth"] == 2
    assert Provision.objects.get(document__slug=PLAN, eid=ITEM).depth == 3
