"""A published provision made a draft is taken back from every public view of its document's history."""

import pytest
from django.contrib.auth.models import Group, User

from regulations.models import Provision, Publication

pytestmark = pytest.mark.django_db

PLAN = "industrial-carbon-peaking-2022"
HEADING = "Zqxwithdrawnheading"


def edit(instance, **values):
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save()


@pytest.fixture
def withdrawn(plan):
    """A provision with sub-provisions whose published heading was public, now a draft."""
    parent = Provision.objects.filter(document=plan, children__isnull=False).order_by("position")[1]
    edit(parent, heading_en=HEADING)
    child = parent.children.order_by("position").first()
    edit(child, heading_en=HEADING + "child")
    edit(parent, publication=Publication.DRAFT)
    return parent


def public_pages(client):
    return {
        url: client.get(url).content.decode()
        for url in (
            f"/documents/{PLAN}/history/",
            f"/documents/{PLAN}/compare/?from=2023-01-01&to=2099-01-01",
            f"/documents/{PLAN}/compare/?from=2023-01-01",
            f"/documents/{PLAN}/@2024-01-31/",
        )
    }


def test_the_heading_of_a_provision_made_a_draft_is_on_no_public_history_page(client, withdrawn):
    for url, body in public_pages(client).items():
        assert HEADING not in body, url


def test_staff_still_see_the_whole_history_of_the_draft(client, withdrawn):
    staff = User.objects.create_user("history-reader", password="pw")
    staff.groups.add(Group.objects.get(name="Compliance staff"))
    client.force_login(staff)
    assert HEADING + "child" in client.get(f"/documents/{PLAN}/history/").content.decode()


def test_published_again_its_history_is_public_again_while_its_drafted_children_stay_hidden(client, withdrawn):
    edit(withdrawn, publication=Publication.PUBLISHED)
    body = client.get(f"/documents/{PLAN}/history/").content.decode()
    assert HEADING in body
    assert HEADING + "child" not in body
