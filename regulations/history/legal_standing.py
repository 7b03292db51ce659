"""What the link checker says of a cited rule's legal standing, before it looks at Rulebook's own edits.

A rule that no longer applies (superseded, repealed, expired) or does not apply yet is reported as such, with
the replacing rule's address; a rule that the law changed after the memo's date (an amendment or partial repeal
that has taken effect, naming the cited provision when a provision is cited) is reported as amended. Only when
none of these holds does the checker compare Rulebook's texts, which is an editorial matter.
"""

import datetime
from collections.abc import Callable

from django.utils import timezone

from regulations.models import LegalEvent


def _day(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def legal_standing(
    found, day: datetime.date | None, absolute: Callable[[str], str]
) -> tuple[str, str, str, datetime.date | None] | None:
    """(outcome, message, address to follow, the law's change date) for a found document or provision, or None."""
    subject = found.provision or found.document
    now = subject.validity()
    here = absolute(found.url)
    if now.ended or now.code in ("not_yet_in_force", "consultation_draft", "not_yet_adopted"):
        replacing = absolute(now.by.get_absolute_url()) if now.by else None
        message = f"{now.text}."
        if replacing:
            message += f" Cite the rule that replaces it: {replacing}"
        elif now.ended:
            message += " Check what applies instead before relying on it."
        return (now.code if now.ended else "not_yet_in_force"), message, replacing or here, None
    if day is None:
        return None
    cited = {found.provision.pk} if found.provision is not None else None
    later = [
        event
        for event in found.document.events.all()
        if event.kind in LegalEvent.CHANGING
        and day < event.effective_from <= timezone.localdate()
        and (cited is None or cited & {provision.pk for provision in event.provisions.all()})
    ]
    if not later:
        return None
    first = min(later, key=lambda event: event.effective_from)
    message = f"The law changed after {_day(day)}: {first.get_kind_display().lower()} on {first.display}"
    message += f" by {first.instrument}." if first.instrument else "."
    if not first.verified:
        message += " (Reported, unverified.)"
    return "amended", message, here, first.effective_from
