"""Control characters XML 1.0 cannot hold (a word processor's soft line break, U+000B): the feed and
the pages carry on when one was stored, and the admin and the API refuse new ones with a message."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from regulations.models import Annotation, Provision
from regulations.text.control_characters import control_character_problem, xml_safe
from regulations.text.rendering import render_markdown, render_note

pytestmark = pytest.mark.django_db

PLAN = "industrial-carbon-peaking-2022"
STEEL_ITEM = "part_3__sec_10__item_1"
SOFT_BREAK_TITLE = "Deadline\u000bnote"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def steel_item():
    return Provision.objects.select_related("document").get(document__slug=PLAN, eid=STEEL_ITEM)


def feed_queries(item: Provision) -> list[str]:
    return [
        "",
        f"?document={PLAN}",
        f"?industry={item.industries.first().slug}",
        f"?topic={item.document.topics.first().slug}",
    ]


def assert_every_feed_is_xml(client, item):
    for query in feed_queries(item):
        response = client.get(f"/changes/feed/{query}")
        assert response.status_code == 200, query
        entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
        titles = [entry.findtext(f"{ATOM}title") for entry in entries]
        assert any(title.startswith("Annotation: “Deadline note”") for title in titles), query


def test_a_stored_control_character_takes_no_feed_down_even_after_the_annotation_is_removed(client, steel_item):
    note = Annotation.objects.create(
        document=steel_item.document,
        provision=steel_item,
        title=SOFT_BREAK_TITLE,
        body="Due &#11;soon\x0c, see\x01 below.",  # PostgreSQL refuses to store NUL, so none here
        visibility=Annotation.Visibility.PUBLIC,
    )
    assert_every_feed_is_xml(client, steel_item)
    note.delete()
    assert_every_feed_is_xml(client, steel_item)


@pytest.mark.parametrize("markdown", ["a&#11;b", "a&#x0B;b", "a\x0bb", "a&#1;b", "a\x00b", "`a\x1bb`"])
def test_the_renderer_never_outputs_a_character_xml_cannot_hold(markdown):
    html = str(render_markdown(markdown))
    assert control_character_problem(html) is None, repr(html)
    assert "a" in html and "b" in html


def test_research_notes_lose_their_control_characters_too():
    assert str(render_note("see\x0bhttps://example.com/x\x01")) == (
        'see <a href="https://example.com/x" rel="noopener noreferrer nofollow">https://example.com/x</a>'
    )


def test_a_vertical_tab_becomes_a_space_and_tab_newline_and_return_stay():
    assert xml_safe("Deadline\u000bnote\x0cnext\x00\x1f\ufffe") == "Deadline note next"
    assert xml_safe("a\tb\nc\rd") == "a\tb\nc\rd"


def test_the_api_answers_body_html_without_control_characters(steel_item):
    note = Annotation.objects.create(
        document=steel_item.document, provision=steel_item, title="t", body="a&#11;b", visibility="public"
    )
    data = APIClient().get(f"/api/annotations/{note.pk}/").json()
    assert data["body_html"] == "<p>a b</p>"


@pytest.fixture
def consultant(django_user_model):
    user = django_user_model.objects.create_user("cc-consultant", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Consultant"))
    return user


def test_the_api_refuses_a_title_with_a_control_character_and_says_which(consultant, steel_item):
    api = APIClient()
    api.force_authenticate(consultant)
    payload = {"document": PLAN, "provision": STEEL_ITEM, "kind": "note", "visibility": "public"}
    response = api.post("/api/annotations/", {**payload, "title": SOFT_BREAK_TITLE, "body": "x"}, format="json")
    assert response.status_code == 400
    assert "U+000B" in response.json()["title"][0] and "at character 9" in response.json()["title"][0]
    response = api.patch(
        f"/api/documents/{PLAN}/provisions/{STEEL_ITEM}/", {"key_terms": ["ok", "bad\x01"]}, format="json"
    )
    assert response.status_code == 400 and "U+0001" in response.json()["key_terms"][0]
    response = api.post("/api/annotations/", {**payload, "title": "Tab\tand\nnewline", "body": "x"}, format="json")
    assert response.status_code == 201, response.content
    assert not Annotation.objects.filter(title=SOFT_BREAK_TITLE).exists()


def test_the_admin_refuses_a_title_with_a_control_character_and_says_which(consultant, steel_item):
    client = Client()
    client.force_login(consultant)
    response = client.post(
        reverse("admin:regulations_annotation_add"),
        {
            "document": steel_item.document.pk,
            "provision": steel_item.pk,
            "kind": "note",
            "title": SOFT_BREAK_TITLE,
            "body": "x",
            "visibility": "public",
            "publication": "published",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "U+000B" in errors["title"][0]
    assert not Annotation.objects.filter(title=SOFT_BREAK_TITLE).exists()


def test_the_admin_refuses_control_characters_in_forms_without_a_form_of_their_own(consultant):
    client = Client()
    client.force_login(consultant)
    response = client.post(reverse("admin:regulations_topic_add"), {"slug": "bad", "name_en": "Bad\x07", "position": 1})
    assert response.status_code == 200
    assert "U+0007" in response.context["adminform"].form.errors["name_en"][0]
