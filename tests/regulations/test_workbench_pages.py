"""Annotations on the pages, and drafts and internal notes kept from anonymous readers on every page and export."""

import json

import pytest
from django.contrib.auth.models import Group, User

from regulations.models import Annotation, Document, Provision, Publication

PLAN = "industrial-carbon-peaking-2022"
MARKER = "ZQXWVINTERNALMARKER"


@pytest.fixture
def provision(plan):
    """A provision with targets and industries, so that a draft of it must vanish from several pages."""
    return plan.provisions.filter(targets__isnull=False, industries__isnull=False).order_by("position").first()


@pytest.fixture
def staff_client(client, db):
    user = User.objects.create_user("analyst", password="pw")
    user.groups.add(Group.objects.get(name="Compliance staff"))
    client.force_login(user)
    return client


def annotate(subject, **values):
    fields = {"title": "A note", "body": "Body", "kind": Annotation.Kind.NOTE}
    fields.update(values)
    if isinstance(subject, Provision):
        fields["provision"] = subject
    else:
        fields["document"] = subject
    return Annotation.objects.create(**fields)


def test_public_annotation_is_shown_rendered_on_the_provision_and_document_pages(client, plan, provision):
    note = annotate(
        provision,
        title="MIIT guidance on the 2025 figure",
        body="The ministry **confirmed** the figure. <script>alert(1)</script>",
        kind=Annotation.Kind.INTERPRETATION,
        visibility=Annotation.Visibility.PUBLIC,
        source_url="https://www.miit.gov.cn/example",
    )
    for url in (provision.get_absolute_url(), plan.get_absolute_url()):
        html = client.get(url).content.decode()
        assert f'id="annotation-{note.pk}"' in html
        assert "MIIT guidance on the 2025 figure" in html
        assert "<strong>confirmed</strong>" in html
        assert "<script>alert(1)" not in html
        assert "miit.gov.cn/example" in html
        assert "Interpretation" in html


def test_internal_and_draft_annotations_are_for_signed_in_staff_only(client, staff_client, plan, provision):
    annotate(provision, title=f"{MARKER} internal", visibility=Annotation.Visibility.INTERNAL)
    annotate(
        plan,
        title=f"{MARKER} draft",
        visibility=Annotation.Visibility.PUBLIC,
        publication=Publication.DRAFT,
    )
    client.logout()
    for url in (provision.get_absolute_url(), plan.get_absolute_url()):
        assert MARKER not in client.get(url).content.decode()
    staff_client.force_login(User.objects.get(username="analyst"))
    assert f"{MARKER} internal" in staff_client.get(provision.get_absolute_url()).content.decode()
    html = staff_client.get(plan.get_absolute_url()).content.decode()
    assert f"{MARKER} internal" in html and f"{MARKER} draft" in html
    assert "badge--internal" in html and "badge--draft" in html


def test_annotation_says_when_the_text_changed_after_it_was_written(client, provision):
    note = annotate(provision, title="Reading of the target", visibility=Annotation.Visibility.PUBLIC)
    assert note.written_against_revision == provision.revision
    html = client.get(provision.get_absolute_url()).content.decode()
    assert "Written against Rulebook" not in html
    provision.text += " A sentence added by an amendment."
    provision.save()
    html = client.get(provision.get_absolute_url()).content.decode()
    assert "Written against Rulebook's text of 7 July 2022; Rulebook revised the provision's text on" in html
    redline = html.split("Written against Rulebook's text of", 1)[1].split('href="', 1)[1].split('"', 1)[0]
    redline = redline.replace("&amp;", "&")
    compare = client.get(redline)
    assert compare.status_code == 200
    assert "amendment.</ins>" in compare.content.decode()


def test_draft_provision_reaches_no_public_page_or_export(client, staff_client, plan, provision):
    heading = f"{MARKER} heading"
    provision.heading_en = heading
    provision.publication = Publication.DRAFT
    provision.save()
    client.logout()
    assert client.get(provision.get_absolute_url()).status_code == 404
    industry = provision.industries.first()
    for url in (
        "/",
        plan.get_absolute_url(),
        f"/industries/{industry.slug}/",
        "/industries/",
        "/targets/",
        "/targets/export.csv",
        "/glossary/",
        f"/documents/{PLAN}/export.json",
        f"/documents/{PLAN}/export.md",
        f"/documents/{PLAN}/history/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.content.decode(), url
    exported = json.loads(client.get(f"/documents/{PLAN}/export.json").content)
    eids = json.dumps(exported)
    assert f'"{provision.eid}"' not in eids and f"/{provision.eid}/" not in eids

    staff_client.force_login(User.objects.get(username="analyst"))
    html = staff_client.get(provision.get_absolute_url()).content.decode()
    assert heading in html and "Draft: only signed-in staff see this provision." in html
    assert heading in staff_client.get(plan.get_absolute_url()).content.decode()
    # Exports leave Rulebook, so even staff get them without drafts.
    assert MARKER not in staff_client.get(f"/documents/{PLAN}/export.md").content.decode()


def test_draft_document_is_hidden_with_everything_in_it(client, plan):
    plan.publication = Publication.DRAFT
    plan.save()
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(f"/documents/{PLAN}/export.json").status_code == 404
    assert PLAN not in client.get("/documents/").content.decode()
    provision = plan.provisions.first()
    assert client.get(provision.get_absolute_url()).status_code == 404
    home = client.get("/").content.decode()
    assert f"/documents/{PLAN}/" not in home
    assert Document.objects.published().count() == Document.objects.count() - 1


def test_a_draft_takes_its_parts_with_it_and_they_cannot_be_published_alone(client, plan):
    from rest_framework.test import APIClient

    section = plan.provisions.filter(children__isnull=False, parent__isnull=False).order_by("position").first()
    child = section.children.order_by("position").first()
    section.publication = Publication.DRAFT
    section.save()
    child.refresh_from_db()
    assert child.publication == Publication.DRAFT
    assert child.history.order_by("history_date", "history_id").last().history_change_reason.startswith("Made a draft")
    assert child.pk not in set(Provision.objects.published().values_list("pk", flat=True))

    editor = User.objects.create_user("editor")
    editor.groups.add(Group.objects.get(name="Consultant"))
    api = APIClient()
    api.force_authenticate(editor)
    response = api.patch(f"/api/documents/{PLAN}/provisions/{child.eid}/", {"publication": "published"}, format="json")
    assert response.status_code == 400
    assert "publish the parent first" in str(response.json())
