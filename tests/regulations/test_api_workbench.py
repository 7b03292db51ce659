"""The API side of the workbench: annotations, drafts, optimistic locking and the change list."""

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from regulations.models import Annotation, Provision, Publication

PLAN = "industrial-carbon-peaking-2022"
MARKER = "QWZINTERNALAPIMARKER"


@pytest.fixture
def api():
    return APIClient()


def member(name: str, group: str) -> User:
    user = User.objects.create_user(name, password="pw")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def consultant(api, db):
    api.force_authenticate(member("consultant", "Consultant"))
    return api


@pytest.fixture
def provision(plan):
    return plan.provisions.exclude(text="").order_by("position")[2]


def url_of(provision: Provision) -> str:
    return f"/api/documents/{provision.document.slug}/provisions/{provision.eid}/"


def test_consultant_creates_an_annotation_with_author_and_rendered_body(consultant, provision):
    response = consultant.post(
        "/api/annotations/",
        {
            "document": PLAN,
            "provision": provision.eid,
            "kind": "interpretation",
            "title": "How the ministry reads this",
            "body": "A **bold** reading. <img src=x onerror=alert(1)> [x](javascript:alert(1))",
            "visibility": "public",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["author"] == "consultant"
    assert data["provision"] == provision.eid and data["document"] == PLAN
    assert data["url"].endswith(f"{provision.get_absolute_url()}#annotation-{data['id']}")
    assert "<strong>bold</strong>" in data["body_html"]
    assert "<img" not in data["body_html"] and "javascript:" not in data["body_html"]
    assert data["written_against_revision"] == provision.revision


def test_annotation_for_a_provision_of_another_document_is_refused(consultant, provision):
    response = consultant.post(
        "/api/annotations/",
        {"document": "eu-battery-regulation-2023-1542", "provision": provision.eid, "title": "x", "body": "y"},
        format="json",
    )
    assert response.status_code == 400
    assert "provision" in response.json()


def test_anonymous_readers_see_only_public_published_annotations(api, provision):
    Annotation.objects.create(provision=provision, title=f"{MARKER} internal", body="b")
    Annotation.objects.create(
        provision=provision, title=f"{MARKER} draft", body="b", visibility="public", publication="draft"
    )
    shown = Annotation.objects.create(provision=provision, title="Public note", body="b", visibility="public")
    data = api.get("/api/annotations/").json()
    assert [row["id"] for row in data["results"]] == [shown.pk]
    assert MARKER not in str(data)
    assert api.get(f"/api/annotations/{shown.pk - 1}/").status_code == 404
    reader = member("reader", "Compliance staff")
    api.force_authenticate(reader)
    assert api.get("/api/annotations/").json()["count"] == 3


def test_anonymous_writes_to_annotations_change_nothing(api, provision):
    note = Annotation.objects.create(provision=provision, title="Public", body="b", visibility="public")
    assert api.post("/api/annotations/", {"document": PLAN, "title": "x", "body": "y"}).status_code in (401, 403)
    assert api.patch(f"/api/annotations/{note.pk}/", {"title": "hacked"}).status_code in (401, 403)
    assert api.delete(f"/api/annotations/{note.pk}/").status_code in (401, 403)
    reader = member("reader", "Compliance staff")
    api.force_authenticate(reader)
    assert api.patch(f"/api/annotations/{note.pk}/", {"title": "hacked"}, format="json").status_code == 403
    note.refresh_from_db()
    assert note.title == "Public" and Annotation.objects.count() == 1


def test_draft_provisions_are_hidden_from_anonymous_api_readers(api, provision):
    provision.heading_en = f"{MARKER} heading"
    provision.publication = Publication.DRAFT
    provision.save()
    assert api.get(url_of(provision)).status_code == 404
    for url in (
        f"/api/documents/{PLAN}/",
        f"/api/documents/{PLAN}/provisions/?limit=500",
        "/api/provisions/?limit=500",
        "/api/changes/?limit=200",
    ):
        response = api.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.content.decode(), url
    api.force_authenticate(member("reader", "Compliance staff"))
    assert api.get(url_of(provision)).json()["publication"] == "draft"


def test_an_edit_based_on_an_old_revision_is_refused_with_what_changed(consultant, provision):
    loaded = consultant.get(url_of(provision)).json()["revision"]
    first = consultant.patch(url_of(provision), {"heading_en": "First editor", "revision": loaded}, format="json")
    assert first.status_code == 200 and first.json()["revision"] == loaded + 1
    second = consultant.patch(url_of(provision), {"text": "Second editor", "revision": loaded}, format="json")
    assert second.status_code == 409
    body = second.json()
    assert body["current_revision"] == loaded + 1 and body["your_revision"] == loaded
    assert "heading_en" in body["changed_meanwhile"]
    assert body["changed_by"] == "consultant"
    provision.refresh_from_db()
    assert provision.heading_en == "First editor" and provision.text != "Second editor"
    retry = consultant.patch(url_of(provision), {"text": "Second editor", "revision": loaded + 1}, format="json")
    assert retry.status_code == 200
    provision.refresh_from_db()
    assert (provision.heading_en, provision.text) == ("First editor", "Second editor")
    assert provision.history.count() == 3


def test_change_list_answers_newest_first_with_a_next_page(api, consultant, provision):
    consultant.patch(url_of(provision), {"heading_en": "Changed through the API"}, format="json")
    data = APIClient().get("/api/changes/", {"limit": 5}).json()
    first = data["results"][0]
    assert first["action"] == "changed" and "Changed through the API" in first["label"]
    assert first["url"].startswith("http://testserver/documents/")
    assert first["author"] == ""
    assert data["next"] and "before=" in data["next"]
    older = APIClient().get(data["next"]).json()
    assert older["results"] and older["results"][0]["date"] <= data["results"][-1]["date"]


@pytest.mark.parametrize(
    "query", [{"document": "no-such-document"}, {"before": "yesterday"}, {"limit": "many"}, {"industry": "x" * 300}]
)
def test_change_list_explains_bad_filters(api, db, query):
    response = api.get("/api/changes/", query)
    assert response.status_code == 400
    assert response.json()["detail"]
