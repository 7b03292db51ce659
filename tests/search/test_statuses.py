"""Statuses in the index change on the day a legal event takes effect, though nothing was saved then."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from regulations.models import Document, LegalEvent
from search import statuses
from search.models import StatusDay
from search.records import records_for
from search.service import search

pytestmark = pytest.mark.django_db

WEEE = "cn-weee-regulation"


@pytest.fixture(autouse=True)
def _check_again():
    statuses.forget_check()
    yield
    statuses.forget_check()


def repeal_without_saving(document, day):
    """An event as if recorded long ago: bulk_create sends no signal, so no index entry is touched."""
    LegalEvent.objects.bulk_create([LegalEvent(document=document, kind="repealed", date=day, instrument="Order 9")])


def weee_hit(backend):
    hits = search('"WEEE"', filters={"kind": ["document"]}, backend=backend).hits
    return next(hit for hit in hits if hit.key == f"document:{Document.objects.get(slug=WEEE).pk}")


def test_a_repeal_taking_effect_overnight_reaches_the_index_on_the_first_search_of_the_day(
    empty_backend, django_capture_on_commit_callbacks
):
    weee = Document.objects.get(slug=WEEE)
    empty_backend.refresh({f"document:{weee.pk}"}, records_for)
    today = timezone.localdate()
    StatusDay.objects.update_or_create(pk=1, defaults={"day": today - datetime.timedelta(days=2)})
    repeal_without_saving(weee, today - datetime.timedelta(days=1))
    statuses.record_current(today - datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert weee_hit(empty_backend).status == "amended"  # the first search marks it …
    assert weee_hit(empty_backend).status == "repealed"  # … and the outbox has rewritten it
    assert StatusDay.objects.get(pk=1).day == today


def test_only_documents_with_an_event_taking_effect_in_between_are_refreshed():
    today = timezone.localdate()
    weee = Document.objects.get(slug=WEEE)
    statuses.record_current(today - datetime.timedelta(days=3))
    repeal_without_saving(weee, today - datetime.timedelta(days=1))
    assert weee.pk in statuses.refresh_statuses(today)
    assert statuses.refresh_statuses(today) == set()  # already done today (by this or another process)
    assert StatusDay.objects.get(pk=1).day == today


def test_an_expiry_takes_effect_the_day_after_its_period_ends():
    """The automotive EPR pilot ran to the end of 2023 (a year-precision expiry): it expired on 1 January 2024."""
    pilot = LegalEvent.objects.get(kind="expires", precision="year", date__year=2023).document_id
    assert pilot in statuses.documents_changing(datetime.date(2023, 12, 31), datetime.date(2024, 1, 1))
    assert pilot not in statuses.documents_changing(datetime.date(2023, 6, 1), datetime.date(2023, 12, 31))


def test_a_day_going_backwards_refreshes_nothing():
    today = timezone.localdate()
    statuses.record_current(today + datetime.timedelta(days=1))
    assert statuses.refresh_statuses(today) == set()


def test_the_check_says_when_the_statuses_are_behind(empty_backend, capsys):
    statuses.record_current(timezone.localdate() - datetime.timedelta(days=4))
    with pytest.raises(SystemExit):
        call_command("rebuild_index", "--check")
    assert "Statuses in the index were derived for" in capsys.readouterr().out
