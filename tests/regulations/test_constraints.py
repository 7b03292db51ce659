"""What the database refuses on its own (constraints and the provision-tree trigger), and the
explained messages that model validation gives for the same mistakes before they reach it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from regulations.models import MAX_TREE_DEPTH, Document, LegalEvent, Provision, Target

CYCLE_MESSAGE = "This would put the provision inside itself (a cycle in the tree)."
SAME_DOCUMENT_MESSAGE = "The parent must belong to the same document."


def new_document(slug="constraint-test", **fields):
    values = {
        "title_en": "Constraint test",
        "short_title": "Test",
        "kind": Document.Kind.NOTICE,
        "jurisdiction": Document.Jurisdiction.CN,
        "summary": "For tests.",
    }
    values.update(fields)
    return Document.objects.create(slug=slug, **values)


def new_provision(document, eid, parent=None, position=0, **fields):
    return Provision.objects.create(
        document=document,
        eid=eid,
        parent=parent,
        position=position,
        kind=Provision.Kind.GENERAL,
        heading_en=eid,
        **fields,
    )


def refused(action):
    """True when the database refuses the action; the test's own transaction stays usable."""
    try:
        with transaction.atomic():
            action()
    except IntegrityError:
        return True
    return False


def set_parent(provision, parent):
    """Bypass model validation, as a bulk update or raw SQL would."""
    return lambda: Provision.objects.filter(pk=provision.pk).update(parent=parent)


def chain(document, levels):
    """Provisions sec_1 > sec_1__sec_2 > … nested `levels` deep, linked by plain updates."""
    nodes, eid = [], "sec_1"
    for level in range(levels):
        node = new_provision(document, eid, position=level)
        if nodes:
            Provision.objects.filter(pk=node.pk).update(parent=nodes[-1])
            node.parent = nodes[-1]
        nodes.append(node)
        eid += f"__sec_{level + 2}"
    return nodes


def messages(error: ValidationError, field):
    return error.message_dict.get(field, [])


def constraint_message(model, name):
    """The message a model constraint gives when model validation finds it violated."""
    constraint = next(constraint for constraint in model._meta.constraints if constraint.name == name)
    return constraint.get_violation_error_message()


# -- documents ------------------------------------------------------------------------------


def test_two_documents_cannot_share_a_slug(plan):
    assert refused(lambda: new_document(slug=plan.slug))


def test_a_duplicate_document_slug_is_explained_by_validation(plan):
    document = Document(slug=plan.slug, title_en="x", short_title="x", kind="notice", jurisdiction="CN", summary="x")
    with pytest.raises(ValidationError) as caught:
        document.full_clean()
    assert messages(caught.value, "slug") == ["Document with this Slug already exists."]


def test_a_malformed_document_slug_is_refused_by_the_database(db):
    assert refused(lambda: new_document(slug="Not A Slug"))


def test_a_document_cannot_be_replaced_by_itself(plan):
    event = plan.events.first()
    assert refused(lambda: LegalEvent.objects.filter(pk=event.pk).update(by=plan))
    event.kind, event.by = LegalEvent.Kind.REPLACED, plan
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert messages(caught.value, "by") == ["A document cannot amend or replace itself."]


# -- provision identifiers ------------------------------------------------------------------


def test_an_identifier_is_unique_within_its_document(plan):
    existing = plan.provisions.first()
    assert refused(lambda: new_provision(plan, existing.eid, position=999))


def test_the_same_identifier_may_be_used_in_another_document(plan):
    existing = plan.provisions.first()
    other = new_document()
    assert not refused(lambda: new_provision(other, existing.eid))


def test_a_duplicate_identifier_is_explained_by_validation(plan):
    existing = plan.provisions.first()
    duplicate = Provision(document=plan, eid=existing.eid, position=999, kind="general", heading_en="x")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert caught.value.messages in (
        [constraint_message(Provision, "unique_provision_eid")],  # when the constraint has its own message
        ["Provision with this Document and Identifier already exists."],
    )


@pytest.mark.parametrize("eid", ["Part_1", "part1", "part_1__", "part_1__sec 2", "part_1_sec_2", "_1"])
def test_a_malformed_identifier_is_refused_by_the_database(plan, eid):
    assert refused(lambda: new_provision(plan, eid, position=999))


def test_a_malformed_identifier_is_explained_by_validation(plan):
    provision = Provision(document=plan, eid="Part 1", position=999, kind="general", heading_en="x")
    with pytest.raises(ValidationError) as caught:
        provision.full_clean()
    assert messages(caught.value, "eid") == [
        "An identifier is made of parts such as “part_2”, joined by “__” (e.g. part_2__sec_7__item_2)."
    ]


# -- the provision tree ---------------------------------------------------------------------


def test_a_parent_in_another_document_is_refused_by_the_database(plan):
    stranger = Provision.objects.exclude(document=plan).first()
    provision = plan.provisions.filter(depth=1).first()
    assert refused(set_parent(provision, stranger))
    assert refused(lambda: new_provision(plan, "sec_999", parent=stranger, position=999))


def test_a_parent_in_another_document_is_explained_by_validation(plan):
    provision = plan.provisions.filter(depth=1).first()
    provision.parent = Provision.objects.exclude(document=plan).first()
    with pytest.raises(ValidationError) as caught:
        provision.full_clean()
    assert messages(caught.value, "parent") == [SAME_DOCUMENT_MESSAGE]


def test_a_provision_cannot_be_its_own_parent(plan):
    provision = plan.provisions.first()
    assert refused(set_parent(provision, provision))
    provision.parent = provision
    with pytest.raises(ValidationError) as caught:
        provision.full_clean()
    assert messages(caught.value, "parent") == [CYCLE_MESSAGE]


def test_two_provisions_cannot_be_each_others_parent(db):
    a, b = chain(new_document(), 2)
    assert refused(set_parent(a, b))
    a.refresh_from_db()
    assert a.parent is None


def test_a_longer_cycle_is_refused_too(db):
    nodes = chain(new_document(), 5)
    assert refused(set_parent(nodes[0], nodes[-1]))


def test_a_cycle_is_explained_by_validation(db):
    a, b = chain(new_document(), 2)
    a.parent = b
    with pytest.raises(ValidationError) as caught:
        a.full_clean()
    assert messages(caught.value, "parent") == [CYCLE_MESSAGE]


def test_a_tree_of_the_maximum_depth_is_accepted(db):
    nodes = chain(new_document(), MAX_TREE_DEPTH)
    assert Provision.objects.get(pk=nodes[-1].pk).parent == nodes[-2]


def test_a_tree_deeper_than_the_maximum_is_refused_by_the_database(db):
    document = new_document()
    nodes = chain(document, MAX_TREE_DEPTH + 1)  # the trigger allows one level of slack, see the report
    leaf = new_provision(document, "sec_999", position=999)
    assert refused(set_parent(leaf, nodes[-1]))


def test_a_tree_deeper_than_the_maximum_is_explained_by_validation(db):
    document = new_document()
    nodes = chain(document, MAX_TREE_DEPTH)
    leaf = new_provision(document, "sec_999", position=999)
    leaf.parent = nodes[-1]
    with pytest.raises(ValidationError) as caught:
        leaf.full_clean()
    assert messages(caught.value, "parent") == [f"A document's tree may be at most {MAX_TREE_DEPTH} levels deep."]


# -- targets --------------------------------------------------------------------------------


def test_a_target_baseline_year_after_its_target_year_is_refused_by_the_database(plan):
    target = Target.objects.filter(provision__document=plan, target_year__isnull=False).first()
    assert refused(lambda: Target.objects.filter(pk=target.pk).update(baseline_year=target.target_year + 1))


def test_a_target_baseline_year_equal_to_its_target_year_is_accepted(plan):
    target = Target.objects.filter(provision__document=plan, target_year__isnull=False).first()
    assert not refused(lambda: Target.objects.filter(pk=target.pk).update(baseline_year=target.target_year))


def test_a_target_baseline_year_after_its_target_year_fails_validation_with_the_constraint_message(plan):
    target = Target.objects.filter(provision__document=plan, target_year__isnull=False).first()
    target.baseline_year = target.target_year + 1
    with pytest.raises(ValidationError) as caught:
        target.full_clean()
    assert caught.value.messages == [constraint_message(Target, "target_baseline_not_after_target_year")]
