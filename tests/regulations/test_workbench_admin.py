"""The admin as the consultants' editor: history, change notes, annotations, Markdown preview,
publication actions, roles, and optimistic locking (no lost updates) — on the real corpus."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from regulations.admin.locking import REVISION_FIELD
from regulations.models import Annotation, Document, Provision, Publication, Target
from tests.helpers import admin_url, change_form_data, form_data, inline_prefix

PREVIEW_URL = "admin:regulations_markdown_preview"


def staff_user(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(db, django_user_model):
    return staff_user(django_user_model, "alice", "Consultant")


@pytest.fixture
def bob(db, django_user_model):
    return staff_user(django_user_model, "bob", "Consultant")


@pytest.fixture
def consultant(alice):
    return signed_in(alice)


@pytest.fixture
def provision(plan):
    """A provision of the plan with targets and some Markdown text."""
    return Provision.objects.filter(document=plan, targets__isnull=False).exclude(text="").order_by("position").first()


def errors_text(response):
    return " ".join(str(error) for error in response.context["adminform"].form.non_field_errors())


def latest_record(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


# -- history ---------------------------------------------------------------------------------


def test_an_admin_edit_is_recorded_in_history_with_who_made_it_and_the_change_note(consultant, alice, provision):
    revision = provision.revision
    data = change_form_data(consultant, provision, heading_en="Peaking in industry", change_note="Official wording")
    response = consultant.post(admin_url(Provision, "change", provision.pk), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    provision.refresh_from_db()
    assert (provision.heading_en, provision.revision) == ("Peaking in industry", revision + 1)
    record = latest_record(provision)
    assert (record.history_type, record.history_user, record.history_change_reason) == ("~", alice, "Official wording")
    assert (record.heading_en, record.revision) == ("Peaking in industry", revision + 1)


def test_an_edit_without_a_change_note_has_no_change_reason(consultant, provision):
    response = consultant.post(admin_url(Provision, "change", provision.pk), change_form_data(consultant, provision))
    assert response.status_code == 302
    assert latest_record(provision).history_change_reason is None


def test_the_change_note_is_kept_on_the_history_of_the_inline_rows_saved_with_it(consultant, provision):
    target = provision.targets.order_by("position").first()
    data = change_form_data(consultant, provision, change_note="Targets checked against the official text")
    data[inline_prefix(data, "targets", target) + "-scope"] = "Industrial enterprises above designated size"
    assert consultant.post(admin_url(Provision, "change", provision.pk), data).status_code == 302
    record = latest_record(target)
    assert record.scope == "Industrial enterprises above designated size"
    assert record.history_change_reason == "Targets checked against the official text"


def test_the_history_page_of_a_provision_lists_its_edits(consultant, provision):
    data = change_form_data(consultant, provision, heading_en="Renamed", change_note="Shorter heading")
    assert consultant.post(admin_url(Provision, "change", provision.pk), data).status_code == 302
    response = consultant.get(admin_url(Provision, "history", provision.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shorter heading" in html
    assert "alice" in html


@pytest.mark.parametrize("model", [Document, Provision, Target], ids=lambda model: model.__name__)
def test_the_history_pages_of_the_tracked_models_answer(consultant, model):
    obj = model.objects.order_by("pk").first()
    assert consultant.get(admin_url(model, "history", obj.pk)).status_code == 200


def test_a_provision_can_be_reverted_to_an_earlier_version_from_its_history(consultant, provision):
    original = provision.heading_en
    data = change_form_data(consultant, provision, heading_en="A heading to undo")
    assert consultant.post(admin_url(Provision, "change", provision.pk), data).status_code == 302
    provision.refresh_from_db()
    before_revert = provision.revision
    first = provision.history.order_by("history_date", "history_id").first()
    url = reverse("admin:regulations_provision_simple_history", args=[provision.pk, first.pk])
    response = consultant.get(url)
    assert response.status_code == 200
    data = form_data(response)
    assert data[REVISION_FIELD] == str(before_revert)  # the lock is on the current row, not the old version
    response = consultant.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    provision.refresh_from_db()
    assert provision.heading_en == original
    assert provision.revision == before_revert + 1  # revisions never go back, even on a revert
    assert latest_record(provision).history_change_reason.startswith("Reverted to revision")


# -- annotations -----------------------------------------------------------------------------


def test_an_annotation_created_in_the_admin_gets_its_author_and_the_revision_it_was_written_against(
    consultant, alice, provision
):
    response = consultant.get(admin_url(Annotation, "add"))
    assert response.status_code == 200
    data = form_data(
        response,
        provision=str(provision.pk),
        kind="interpretation",
        title="MIIT reading of the 2025 target",
        body="The ministry reads *above designated size* narrowly.",
        visibility="internal",
        publication="published",
    )
    response = consultant.post(admin_url(Annotation, "add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    annotation = Annotation.objects.get(title="MIIT reading of the 2025 target")
    assert annotation.author == alice
    assert annotation.document == provision.document
    assert annotation.written_against_revision == provision.revision
    assert annotation.written_against_at == latest_record(provision).history_date
    record = latest_record(annotation)
    assert (record.history_type, record.history_user) == ("+", alice)


def test_the_author_of_an_annotation_cannot_be_changed_in_the_admin(consultant, alice, bob, provision):
    annotation = Annotation.objects.create(provision=provision, title="Note", body="Text", author=bob)
    data = change_form_data(consultant, annotation, title="Edited note")
    data["author"] = str(alice.pk)  # posted anyway; must be ignored
    assert consultant.post(admin_url(Annotation, "change", annotation.pk), data).status_code == 302
    annotation.refresh_from_db()
    assert (annotation.title, annotation.author) == ("Edited note", bob)


def test_an_annotation_added_on_the_provision_page_gets_its_author_and_document(consultant, alice, provision):
    data = change_form_data(consultant, provision)
    data.update(
        {
            "annotations-TOTAL_FORMS": "1",
            "annotations-0-kind": "deadline",
            "annotations-0-title": "Reporting due",
            "annotations-0-body": "Reports are due by **30 June**.",
            "annotations-0-visibility": "public",
            "annotations-0-publication": "published",
        }
    )
    response = consultant.post(admin_url(Provision, "change", provision.pk), data)
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][1].formset.errors
    annotation = provision.annotations.get(title="Reporting due")
    assert (annotation.author, annotation.document) == (alice, provision.document)


def test_an_annotation_added_with_a_new_provision_is_filed_under_it(consultant, alice, plan):
    data = form_data(
        consultant.get(admin_url(Provision, "add")),
        document=str(plan.pk),
        eid="part_9",
        position="9999",
        kind="general",
        heading_en="Added provision",
        change_note="New section",
    )
    data.update(
        {
            "annotations-TOTAL_FORMS": "1",
            "annotations-0-kind": "note",
            "annotations-0-title": "Why it was added",
            "annotations-0-body": "Body.",
            "annotations-0-visibility": "internal",
            "annotations-0-publication": "published",
        }
    )
    response = consultant.post(admin_url(Provision, "add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    provision = plan.provisions.get(eid="part_9")
    annotation = provision.annotations.get()
    assert (annotation.document, annotation.author, annotation.written_against_revision) == (plan, alice, 1)
    assert latest_record(provision).history_change_reason == "New section"


def test_a_document_level_annotation_added_on_the_document_page_has_no_provision(consultant, alice):
    document = Document.objects.get(slug="cn-2030-action-plan")
    data = change_form_data(consultant, document)
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS") and key.startswith("annotations"))
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-kind": "amendment",
            f"{prefix}-0-title": "Revised in 2024",
            f"{prefix}-0-body": "See the revision notice.",
            f"{prefix}-0-visibility": "internal",
            f"{prefix}-0-publication": "published",
        }
    )
    response = consultant.post(admin_url(Document, "change", document.pk), data)
    assert response.status_code == 302, response.context and [
        inline.formset.errors for inline in response.context["inline_admin_formsets"]
    ]
    annotation = document.annotations.get(title="Revised in 2024")
    assert (annotation.provision, annotation.author) == (None, alice)


# -- optimistic locking ----------------------------------------------------------------------


def test_a_second_save_of_an_outdated_page_is_refused_and_nothing_of_either_edit_is_lost(alice, bob, provision):
    first, second = signed_in(alice), signed_in(bob)
    url = admin_url(Provision, "change", provision.pk)
    loaded = provision.revision
    alice_data = change_form_data(first, provision, heading_en="Alice's heading", change_note="Alice's edit")
    bob_text = "Bob rewrote this provision.\n\nIt now has **two** paragraphs."
    bob_data = change_form_data(second, provision, text=bob_text, change_note="Bob's edit")
    assert bob_data[REVISION_FIELD] == str(loaded)

    assert first.post(url, alice_data).status_code == 302
    response = second.post(url, bob_data)

    assert response.status_code == 200
    message = errors_text(response)
    assert "Not saved" in message
    assert "alice" in message
    assert "English heading" in message
    assert "Alice&#x27;s heading" in message or "Alice's heading" in message
    provision.refresh_from_db()
    assert (provision.heading_en, provision.revision) == ("Alice's heading", loaded + 1)
    assert provision.text != bob_text
    # Bob's page still holds what he typed, and the revision he will now be saving over.
    refused = form_data(response)
    assert refused["text"].replace("\r\n", "\n") == bob_text
    assert "Bob rewrote this provision." in response.content.decode()
    assert refused[REVISION_FIELD] == str(loaded + 1)
    # Bob had not touched the heading: his form now shows Alice's, so saving it keeps both edits.
    assert refused["heading_en"] == "Alice's heading"

    response = second.post(url, refused)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    provision.refresh_from_db()
    assert (provision.heading_en, provision.text, provision.revision) == ("Alice's heading", bob_text, loaded + 2)
    records = list(provision.history.filter(revision__gt=loaded).order_by("revision"))
    assert [(record.history_user.username, record.history_change_reason) for record in records] == [
        ("alice", "Alice's edit"),
        ("bob", "Bob's edit"),
    ]
    assert records[0].heading_en == "Alice's heading"
    assert records[1].text == bob_text


def test_when_both_change_the_same_field_the_refusal_shows_both_versions_and_resaving_keeps_the_second(
    alice, bob, provision
):
    first, second = signed_in(alice), signed_in(bob)
    url = admin_url(Provision, "change", provision.pk)
    original_text = provision.text
    alice_text = original_text + "\n\nAlice added a paragraph on 2030."
    alice_data = change_form_data(first, provision, text=alice_text)
    bob_data = change_form_data(second, provision, text=original_text.replace("2025", "2026", 1) + "\n\nBob's ending.")
    assert first.post(url, alice_data).status_code == 302

    response = second.post(url, bob_data)
    assert response.status_code == 200
    message = errors_text(response)
    assert "you changed this too" in message
    assert '<ins class="redline-ins">' in message and "Alice added a paragraph on 2030." in message
    refused = form_data(response)
    assert refused["text"].endswith("Bob's ending.")  # his version, not hers
    provision.refresh_from_db()
    assert provision.text == alice_text

    assert second.post(url, refused).status_code == 302
    provision.refresh_from_db()
    assert provision.text.endswith("Bob's ending.")
    assert provision.history.filter(text=alice_text).exists()  # hers stays in the history


def test_a_page_opened_before_a_publication_change_cannot_undo_it(alice, bob, provision):
    """The action saves through the model: the revision moves, so a stale page is refused."""
    editor = signed_in(bob)
    data = change_form_data(editor, provision, heading_en="Bob's heading")
    response = signed_in(alice).post(
        admin_url(Provision, "changelist"), {"action": "mark_selected_as_draft", "_selected_action": [provision.pk]}
    )
    assert response.status_code == 302
    response = editor.post(admin_url(Provision, "change", provision.pk), data)
    assert response.status_code == 200
    assert "Publication" in errors_text(response)
    refused = form_data(response)
    assert refused["publication"] == Publication.DRAFT  # brought up to date: he had not touched it
    assert editor.post(admin_url(Provision, "change", provision.pk), refused).status_code == 302
    provision.refresh_from_db()
    assert (provision.heading_en, provision.publication) == ("Bob's heading", Publication.DRAFT)


def test_a_change_form_posted_without_the_revision_it_was_opened_on_is_refused(consultant, provision):
    data = change_form_data(consultant, provision, heading_en="Blind overwrite")
    del data[REVISION_FIELD]
    response = consultant.post(admin_url(Provision, "change", provision.pk), data)
    assert response.status_code == 200
    assert "did not say which version" in errors_text(response)
    provision.refresh_from_db()
    assert provision.heading_en != "Blind overwrite"


def test_a_target_row_changed_meanwhile_is_not_overwritten_from_the_provision_page(alice, bob, provision):
    target = provision.targets.order_by("position").first()
    first, second = signed_in(alice), signed_in(bob)
    page = change_form_data(second, provision)  # Bob opens the provision page, targets and all
    prefix = inline_prefix(page, "targets", target)

    alice_data = change_form_data(first, target, scope="Alice's scope")
    assert first.post(admin_url(Target, "change", target.pk), alice_data).status_code == 302

    page[f"{prefix}-description"] = "Bob's description"
    response = second.post(admin_url(Provision, "change", provision.pk), page)
    assert response.status_code == 200
    targets = next(inline for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "targets")
    row = next(form for form in targets.formset.forms if form.instance.pk == target.pk)
    message = " ".join(str(error) for error in row.non_field_errors())
    assert "alice" in message and "Scope" in message
    target.refresh_from_db()
    assert (target.scope, target.description) == ("Alice's scope", target.description)
    assert target.description != "Bob's description"

    refused = form_data(response)
    assert refused[f"{prefix}-description"] == "Bob's description"
    assert refused[f"{prefix}-scope"] == "Alice's scope"
    assert second.post(admin_url(Provision, "change", provision.pk), refused).status_code == 302
    target.refresh_from_db()
    assert (target.scope, target.description) == ("Alice's scope", "Bob's description")


def test_a_provision_row_changed_meanwhile_is_not_overwritten_from_the_document_page(alice, bob):
    document = Document.objects.get(slug="cn-2030-action-plan")
    provision = document.provisions.order_by("position").first()
    first, second = signed_in(alice), signed_in(bob)
    page = change_form_data(second, document)
    prefix = inline_prefix(page, "provisions", provision)
    page[f"{prefix}-num"] = "Bob's number"

    alice_data = change_form_data(first, provision, heading_en="Alice's heading")
    assert first.post(admin_url(Provision, "change", provision.pk), alice_data).status_code == 302

    response = second.post(admin_url(Document, "change", document.pk), page)
    assert response.status_code == 200
    assert "English heading" in response.content.decode()
    provision.refresh_from_db()
    assert (provision.heading_en, provision.num) == ("Alice's heading", provision.num)
    refused = form_data(response)
    assert (refused[f"{prefix}-heading_en"], refused[f"{prefix}-num"]) == ("Alice's heading", "Bob's number")
    assert second.post(admin_url(Document, "change", document.pk), refused).status_code == 302
    provision.refresh_from_db()
    assert (provision.heading_en, provision.num) == ("Alice's heading", "Bob's number")


def test_an_untouched_target_row_does_not_stop_a_provision_save(alice, bob, provision):
    """A target changed by someone else, but not on this page, is neither overwritten nor in the way."""
    other_provision = Provision.objects.filter(targets__isnull=False).exclude(pk=provision.pk).first()
    first, second = signed_in(alice), signed_in(bob)
    page = change_form_data(second, provision, heading_en="Bob's heading")
    target = other_provision.targets.first()
    alice_data = change_form_data(first, target, scope="Alice's scope")
    assert first.post(admin_url(Target, "change", target.pk), alice_data).status_code == 302
    assert second.post(admin_url(Provision, "change", provision.pk), page).status_code == 302
    target.refresh_from_db()
    assert target.scope == "Alice's scope"


# -- Markdown preview ------------------------------------------------------------------------


def test_the_markdown_preview_renders_and_sanitises(consultant):
    response = consultant.post(
        reverse(PREVIEW_URL), {"text": "**Peak** before 2030 <script>alert(1)</script> [x](javascript:alert(1))"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Peak</strong>" in html
    assert "<script" not in html.lower()
    assert "javascript:" not in html
    assert response["Content-Type"].startswith("text/html")


def test_the_markdown_preview_needs_csrf(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(reverse(PREVIEW_URL), {"text": "x"}).status_code == 403


def test_the_markdown_preview_refuses_anonymous_users_and_non_staff(client, django_user_model):
    response = client.post(reverse(PREVIEW_URL), {"text": "**x**"})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    member = django_user_model.objects.create_user("reader", "reader@example.com", "pw")
    client.force_login(member)
    response = client.post(reverse(PREVIEW_URL), {"text": "**x**"})
    assert response.status_code in (302, 403)
    assert b"<strong>" not in response.content


def test_the_markdown_preview_is_for_editors_only(django_user_model):
    viewer = signed_in(staff_user(django_user_model, "viewer", "Compliance staff"))
    assert viewer.post(reverse(PREVIEW_URL), {"text": "**x**"}).status_code == 403


def test_the_markdown_preview_answers_posts_only(consultant):
    assert consultant.get(reverse(PREVIEW_URL)).status_code == 405


def test_markdown_fields_get_the_preview_and_its_script(consultant, provision):
    html = consultant.get(admin_url(Provision, "change", provision.pk)).content.decode()
    assert "js/admin-preview.js" in html
    assert re.search(r'<textarea name="text"[^>]*>', html)
    assert f'data-preview-url="{reverse(PREVIEW_URL)}"' in html
    assert html.count('class="markdown-preview"') >= 1


# -- publication -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "action", "value", "reason"),
    [
        (Document, "mark_selected_as_draft", Publication.DRAFT, "Marked as draft"),
        (Provision, "mark_selected_as_draft", Publication.DRAFT, "Marked as draft"),
    ],
    ids=["document", "provision"],
)
def test_the_publication_actions_save_each_object_and_record_it_in_history(
    consultant, alice, model, action, value, reason
):
    objects = list(model.objects.order_by("pk")[:2])
    revisions = {obj.pk: obj.revision for obj in objects}
    response = consultant.post(
        admin_url(model, "changelist"), {"action": action, "_selected_action": [obj.pk for obj in objects]}
    )
    assert response.status_code == 302
    for obj in objects:
        obj.refresh_from_db()
        assert (obj.publication, obj.revision) == (value, revisions[obj.pk] + 1)
        record = latest_record(obj)
        assert (record.publication, record.history_user, record.history_change_reason) == (value, alice, reason)

    response = consultant.post(
        admin_url(model, "changelist"),
        {"action": "publish_selected", "_selected_action": [obj.pk for obj in objects]},
    )
    assert response.status_code == 302
    for obj in objects:
        obj.refresh_from_db()
        assert obj.publication == Publication.PUBLISHED
        assert latest_record(obj).history_change_reason == "Published"


def test_publication_is_shown_and_filterable_in_the_lists(consultant, plan):
    Document.objects.filter(pk=plan.pk).update(publication=Publication.DRAFT)
    response = consultant.get(admin_url(Document, "changelist"), {"publication__exact": "draft"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [plan]
    response = consultant.get(admin_url(Provision, "changelist"), {"publication__exact": "published"})
    assert response.status_code == 200


# -- roles -----------------------------------------------------------------------------------


def test_compliance_staff_can_view_but_not_change(django_user_model, provision):
    viewer = signed_in(staff_user(django_user_model, "viewer", "Compliance staff"))
    url = admin_url(Provision, "change", provision.pk)
    response = viewer.get(url)
    assert response.status_code == 200
    assert REVISION_FIELD not in response.content.decode()  # a read-only page has nothing to lock
    heading = provision.heading_en
    assert viewer.post(url, {"heading_en": "Changed by a viewer"}).status_code == 403
    assert viewer.get(admin_url(Provision, "history", provision.pk)).status_code == 200
    response = viewer.post(
        admin_url(Provision, "changelist"), {"action": "mark_selected_as_draft", "_selected_action": [provision.pk]}
    )
    provision.refresh_from_db()
    assert (provision.heading_en, provision.publication) == (heading, Publication.PUBLISHED)


def test_compliance_staff_cannot_save_an_old_version_through_the_revert_page(consultant, django_user_model, provision):
    data = change_form_data(consultant, provision, heading_en="Newer heading")
    assert consultant.post(admin_url(Provision, "change", provision.pk), data).status_code == 302
    viewer = signed_in(staff_user(django_user_model, "viewer", "Compliance staff"))
    first = provision.history.order_by("history_date", "history_id").first()
    url = reverse("admin:regulations_provision_simple_history", args=[provision.pk, first.pk])
    response = viewer.get(url)
    assert response.status_code == 200  # the old version can be read
    assert viewer.post(url, form_data(response, heading_en="Written by a viewer")).status_code == 403
    provision.refresh_from_db()
    assert provision.heading_en == "Newer heading"


def test_a_consultant_can_open_every_page_of_the_tracked_models(consultant):
    for model in (Document, Provision, Target, Annotation):
        assert consultant.get(admin_url(model, "changelist")).status_code == 200
        assert consultant.get(admin_url(model, "add")).status_code == 200
