"""What an editor's save through the API reads and refuses: the model's validation still refuses what the
database would, without reading again what the stored row already answers."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from regulations.models import Provision

PLAN = "industrial-carbon-peaking-2022"
ITEM = "part_2__sec_7__item_2"
URL = f"/api/documents/{PLAN}/provisions/{ITEM}/"


@pytest.fixture
def editor(db, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    user.groups.add(Group.objects.get(name="Consultant"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_renaming_a_provision_to_an_identifier_its_document_has_is_refused(editor):
    response = editor.patch(URL, {"eid": "part_2__sec_7__item_1"}, format="json")
    assert response.status_code == 400
    assert "already has a provision" in str(response.json())
    assert Provision.objects.filter(document__slug=PLAN, eid=ITEM).exists()


def test_a_malformed_identifier_in_an_edit_is_refused(editor):
    response = editor.patch(URL, {"eid": "Part 2"}, format="json")
    assert response.status_code == 400
    assert "eid" in response.json()


def test_moving_a_provision_below_its_own_child_is_refused(editor):
    response = editor.patch(f"/api/documents/{PLAN}/provisions/part_2__sec_7/", {"parent": ITEM}, format="json")
    assert response.status_code == 400
    assert "cycle" in str(response.json()["parent"])


def test_publishing_a_provision_below_a_draft_is_refused(editor):
    Provision.objects.filter(document__slug=PLAN, eid="part_2__sec_7").update(publication="draft")
    Provision.objects.filter(document__slug=PLAN, eid=ITEM).update(publication="draft")
    response = editor.patch(URL, {"publication": "published"}, format="json")
    assert response.status_code == 400
    assert "draft" in str(response.json()["publication"])


# One editor's text edit, inside its transaction (the tests' commits never happen): the token and the
# permissions (3), the document (1), the provision with what the answer shows (5), the revision's row lock, the
# update, its version and the version's industries (5), the index (Whoosh: the outbox row, 1; PostgreSQL
# search: the entry re-read, 11, and written, 4), the answer's industries and targets read again after the
# save (2), and the savepoint the transaction is in a test (2).
QUERIES_OF_A_TEXT_EDIT = {"whoosh": 19, "postgres": 33}


def test_a_text_edit_reads_what_it_shows_and_writes_what_it_changed(editor):
    # The first edit of a process reads what it then keeps (the content types, the stems of new words).
    assert editor.patch(URL, {"text": "Recycle more."}, format="json").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = editor.patch(URL, {"text": "Recycle more!"}, format="json")
    assert response.status_code == 200, response.json()
    assert len(queries) == QUERIES_OF_A_TEXT_EDIT[settings.SEARCH_BACKEND], "\n".join(
        query["sql"][:120] for query in queries
    )


def locks(queries) -> list[str]:
    return [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]


needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite takes the whole database's write lock instead"
)


@needs_row_locks
def test_a_text_edit_locks_its_own_row_only(editor):
    with CaptureQueriesContext(connection) as queries:
        assert editor.patch(URL, {"text": "Recycle more."}, format="json").status_code == 200
    (lock,) = locks(queries)
    assert '"regulations_provision"' in lock and '"regulations_document"' not in lock  # other editors go on


@needs_row_locks
def test_a_move_locks_its_documents_tree_until_it_commits(editor):
    with CaptureQueriesContext(connection) as queries:
        moved = editor.patch(URL, {"parent": "part_2__sec_6"}, format="json")
    assert moved.status_code == 200, moved.json()
    assert any('FROM "regulations_document"' in lock for lock in locks(queries))
