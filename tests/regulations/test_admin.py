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
