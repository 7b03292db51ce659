import re

import pytest
from django.contrib import admin
from django.urls import reverse

from regulations.models import (
    CYCLE_MESSAGE,
    Authority,
    Document,
    DocumentIssuer,
    GlossaryTerm,
    Industry,
    LegalEvent,
    Provision,
    Relation,
    RelationType,
    Target,
    Topic,
)
from tests.helpers import admin_url, change_form_data, inline_prefix

REGISTERED = [
    Authority,
    Topic,
    RelationType,
    Industry,
    Document,
    DocumentIssuer,
    LegalEvent,
    Provision,
    Target,
    Relation,
    GlossaryTerm,
]


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def action_plan(db):
    """A document with a three-level tree, smaller than the plan, for the document-page round trips."""
    return Document.objects.get(slug="cn-2030-action-plan")


def test_every_model_the_consultants_edit_is_registered_in_the_admin():
    assert set(REGISTERED) <= set(admin.site._registry)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model.__name__)
def test_a_superuser_can_open_the_list_and_add_pages_of_every_model(editor, model):
    assert editor.get(admin_url(model, "changelist")).status_code == 200
    assert editor.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model.__name__)
def test_a_superuser_can_open_the_change_page_of_an_object_of_every_model(editor, model):
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"the corpus has no {model.__name__}"
    assert editor.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_the_document_change_page_shows_the_provision_tree_indented_by_depth(editor, plan):
    response = editor.get(admin_url(Document, "change", plan.pk))
    assert response.status_code == 200
    nested = plan.provisions.filter(depth=2).first()
    html = response.content.decode()
    assert f'class="outline-depth-2">{nested.num}' in html


def test_the_provision_list_can_be_searched_and_filtered_by_document(editor, plan):
    response = editor.get(admin_url(Provision, "changelist"), {"q": "part_2__sec_7", "document__id__exact": plan.pk})
    assert response.status_code == 200
    assert response.context["cl"].result_count == plan.provisions.filter(eid__contains="part_2__sec_7").count()


@pytest.mark.parametrize(
    ("model", "field_name", "term"),
    [
        (Provision, "parent", "part_2"),
        (Provision, "document", "carbon"),
        (Provision, "industries", "steel"),
        (Industry, "parent", "metal"),
        (LegalEvent, "by", "battery"),
        (DocumentIssuer, "authority", "MIIT"),
        (Relation, "type", "implements"),
        (Relation, "source_document", "plan"),
        (Relation, "target_provision", "part_1"),
        (GlossaryTerm, "see_provisions", "target"),
        (Target, "provision", "target"),
    ],
)
def test_the_autocomplete_endpoints_the_forms_use_answer_with_matches(editor, model, field_name, term):
    response = editor.get(
        reverse("admin:autocomplete"),
        {"app_label": "regulations", "model_name": model._meta.model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    assert response.json()["results"], f"no {field_name} matching {term!r}"


def test_a_provision_change_that_would_create_a_cycle_shows_the_error_and_saves_nothing(editor, plan):
    parent = plan.provisions.filter(depth=0, children__isnull=False).first()
    child = parent.children.first()
    response = editor.post(admin_url(Provision, "change", parent.pk), change_form_data(editor, parent, parent=child.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [CYCLE_MESSAGE]
    assert "a cycle in the tree" in response.content.decode()
    parent.refresh_from_db()
    assert parent.parent_id is None


def test_a_provision_cannot_be_given_a_parent_from_another_document(editor, plan):
    provision = plan.provisions.filter(depth=1).first()
    stranger = Provision.objects.exclude(document=plan).first()
    response = editor.post(
        admin_url(Provision, "change", provision.pk), change_form_data(editor, provision, parent=stranger.pk)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == ["The parent must belong to the same document."]
    provision.refresh_from_db()
    assert provision.parent.document == plan


def test_a_provision_with_children_cannot_move_to_another_document_alone(editor, plan):
    provision = plan.provisions.filter(depth=0, children__isnull=False).first()
    other = Document.objects.exclude(pk=plan.pk).first()
    response = editor.post(
        admin_url(Provision, "change", provision.pk), change_form_data(editor, provision, document=other.pk)
    )
    assert response.status_code == 200
    assert "move or delete them" in response.context["adminform"].form.errors["document"][0]
    provision.refresh_from_db()
    assert provision.document == plan


def test_moving_a_provision_in_the_admin_saves_it_and_recomputes_depths(editor, plan):
    grandchild = plan.provisions.filter(depth=2).first()
    root = grandchild.parent.parent
    response = editor.post(
        admin_url(Provision, "change", grandchild.pk),
        change_form_data(editor, grandchild, parent=root.pk, heading_en="Moved up"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    grandchild.refresh_from_db()
    assert (grandchild.parent, grandchild.depth, grandchild.heading_en) == (root, 1, "Moved up")


def test_key_terms_are_edited_one_per_line_and_stored_as_a_list(editor, plan):
    provision = plan.provisions.filter(depth=0).first()
    response = editor.post(
        admin_url(Provision, "change", provision.pk),
        change_form_data(editor, provision, key_terms="碳达峰\n\n  carbon peaking  \n"),
    )
    assert response.status_code == 302
    provision.refresh_from_db()
    assert provision.key_terms == ["碳达峰", "carbon peaking"]


def test_a_document_cannot_be_recorded_as_replaced_by_itself(editor):
    document = Document.objects.get(slug="cn-nev-battery-action-plan-2025")
    event = document.events.first()
    data = change_form_data(editor, event, kind="replaced", by=str(document.pk))
    response = editor.post(admin_url(LegalEvent, "change", event.pk), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["by"] == ["A document cannot amend or replace itself."]
    event.refresh_from_db()
    assert event.by is None and document.superseded_by is None


def test_a_target_with_its_baseline_after_its_target_year_is_refused_with_an_explanation(editor):
    target = Target.objects.filter(baseline_year__isnull=False, target_year__isnull=False).first()
    data = change_form_data(editor, target, baseline_year=str(target.target_year + 1))
    response = editor.post(admin_url(Target, "change", target.pk), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["baseline_year"] == [
        f"The baseline year ({target.target_year + 1}) is after the target year ({target.target_year})."
    ]
    assert "Constraint" not in response.content.decode()


def test_depths_are_recomputed_from_the_parent_links(plan):
    root = plan.provisions.filter(depth=0, children__isnull=False).first()
    Provision.objects.filter(pk=root.pk).update(depth=5)
    assert Provision.objects.recompute_depths(plan.pk) == 1
    root.refresh_from_db()
    assert root.depth == 0


def test_an_unchanged_document_page_saves_without_errors(editor, action_plan):
    response = editor.post(admin_url(Document, "change", action_plan.pk), change_form_data(editor, action_plan))
    assert response.status_code == 302, response.context["adminform"].form.errors
    action_plan.refresh_from_db()
    assert action_plan.provisions.count() == 29


def test_two_provisions_put_under_each_other_in_one_save_of_the_document_page_are_refused(editor, action_plan):
    first, second = action_plan.provisions.filter(depth=0).order_by("position")[:2]
    data = change_form_data(editor, action_plan)
    data[inline_prefix(data, "provisions", first) + "-parent"] = str(second.pk)
    data[inline_prefix(data, "provisions", second) + "-parent"] = str(first.pk)
    response = editor.post(admin_url(Document, "change", action_plan.pk), data)
    assert response.status_code == 200
    assert CYCLE_MESSAGE in response.content.decode()
    assert action_plan.provisions.filter(pk__in=[first.pk, second.pk], parent__isnull=True).count() == 2


def test_a_former_parent_can_be_moved_under_its_former_child_on_the_document_page(editor, action_plan):
    parent = action_plan.provisions.filter(depth=0, children__isnull=False).order_by("position").first()
    child = parent.children.order_by("position").first()
    Provision.objects.filter(pk=child.pk).update(parent=None, depth=0)
    data = change_form_data(editor, action_plan)
    data[inline_prefix(data, "provisions", parent) + "-parent"] = str(child.pk)
    response = editor.post(admin_url(Document, "change", action_plan.pk), data)
    assert response.status_code == 302
    parent.refresh_from_db()
    child.refresh_from_db()
    assert (child.parent, child.depth, parent.parent, parent.depth) == (None, 0, child, 1)
    assert set(parent.children.values_list("depth", flat=True)) == {2}


# -- new objects start on the safe side ------------------------------------------------------------------


def checkbox_checked(html: str, name: str) -> bool:
    tag = re.search(rf'<input type="checkbox" name="{re.escape(name)}"[^>]*>', html).group(0)
    return " checked" in tag


def selected_option(html: str, name: str) -> str:
    select = re.search(rf'<select name="{re.escape(name)}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]*)" selected>', select).group(1)


def test_a_new_target_starts_unverified_and_a_new_annotation_as_a_draft(editor):
    assert not checkbox_checked(editor.get("/admin/regulations/target/add/").content.decode(), "verified")
    assert selected_option(editor.get("/admin/regulations/annotation/add/").content.decode(), "publication") == "draft"
    provision = Provision.objects.get(document__slug="industrial-carbon-peaking-2022", eid="part_2__sec_7__item_2")
    html = editor.get(f"/admin/regulations/provision/{provision.pk}/change/").content.decode()
    assert not checkbox_checked(html, "targets-__prefix__-verified")
    assert selected_option(html, "annotations-__prefix__-publication") == "draft"


def test_an_existing_verified_target_stays_verified_on_its_form(editor):
    target = Target.objects.filter(verified=True).first()
    html = editor.get(f"/admin/regulations/target/{target.pk}/change/").content.decode()
    assert checkbox_checked(html, "verified")


def test_consultants_tune_the_ranking_settings_and_compliance_staff_only_look(client, django_user_model):
    from django.contrib.auth.models import Group

    from search.models import RankingSettings

    RankingSettings().save()
    for group, can_change in (("Consultant", True), ("Compliance staff", False)):
        user = django_user_model.objects.create_user(group.replace(" ", "-"), password="pw", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        response = client.get("/admin/search/rankingsettings/1/change/")
        assert response.status_code == 200, group
        assert ('name="boost_heading"' in response.content.decode()) is can_change, group


def test_the_admin_history_links_each_version_to_its_public_redline_and_shows_long_changes(editor):
    provision = Provision.objects.get(document__slug="industrial-carbon-peaking-2022", eid="part_2__sec_7__item_2")
    provision.text = provision.text + " A sentence added for the admin history test."
    provision._change_reason = "Admin history test"
    provision.save()
    html = editor.get(f"/admin/regulations/provision/{provision.pk}/history/").content.decode()
    links = re.findall(r'<a href="([^"]*/compare/\?[^"]*)">Redline of this version</a>', html)
    assert links, "no redline link on the admin history"
    compared = editor.get(links[0].replace("&amp;", "&"))
    assert compared.status_code == 200
    assert "A sentence added for the admin history test." in compared.content.decode()
    assert "chars]" not in html.split("A sentence added", 1)[0][-700:]

    document = provision.document
    document.summary = document.summary + " Summary sentence for the admin history test."
    document.save()
    html = editor.get(f"/admin/regulations/document/{document.pk}/history/").content.decode()
    link = re.search(r'<a href="([^"]*/compare/\?[^"]*)">Redline of this version</a>', html).group(1)
    assert "Summary sentence for the admin history test." in editor.get(link.replace("&amp;", "&")).content.decode()


# -- structured editors instead of JSON boxes ---------------------------------------------------------------


def test_responsible_agencies_are_edited_one_a_line_and_details_as_yaml(editor):
    provision = next(p for p in Provision.objects.all() if p.responsible_agencies)
    page = editor.get(admin_url(Provision, "change", provision.pk)).content.decode()
    first = provision.responsible_agencies[0]
    assert " | ".join(value for value in (first.get("abbr"), first.get("zh")) if value) in page
    assert "{&quot;" not in page.split('name="details"', 1)[1].split("</textarea>", 1)[0]  # no JSON
    data = change_form_data(
        editor,
        provision,
        responsible_agencies="MIIT | 工业和信息化部 | Ministry of Industry and Information Technology | lead\nNDRC",
        details="verification: Read from the official text.\nlegal_basis:\n  - doc: cn-solid-waste-law-2020\n",
    )
    response = editor.post(admin_url(Provision, "change", provision.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    provision.refresh_from_db()
    assert provision.responsible_agencies == [
        {
            "abbr": "MIIT",
            "zh": "工业和信息化部",
            "en": "Ministry of Industry and Information Technology",
            "role": "lead",
        },
        {"abbr": "NDRC"},
    ]
    assert provision.details == {
        "verification": "Read from the official text.",
        "legal_basis": [{"doc": "cn-solid-waste-law-2020"}],
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("details", "verification: [unclosed", "These details cannot be read at line"),
        ("details", "- just a list", "not a single value or a list"),
        ("details", "dated: 2024-01-31", "write dates in quotes"),
        ("responsible_agencies", "A | B | C | D | E", "Line 1 has 5 parts"),
        ("responsible_agencies", "MIIT\n | | | lead", "Line 2 names no agency"),
    ],
)
def test_a_structured_field_that_cannot_be_read_is_explained_and_nothing_is_saved(editor, field, value, message):
    provision = Provision.objects.get(document__slug="industrial-carbon-peaking-2022", eid="part_2__sec_7__item_2")
    before = (provision.revision, provision.details, provision.responsible_agencies)
    response = editor.post(
        admin_url(Provision, "change", provision.pk), change_form_data(editor, provision, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    provision.refresh_from_db()
    assert (provision.revision, provision.details, provision.responsible_agencies) == before
