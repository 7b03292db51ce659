"""What the link checker says of a cited rule's legal standing, before it looks at Rulebook's own edits.

A rule that no longer applies (superseded, repealed, expired) or does not apply yet is reported as such, with
the replacing rule's address; a rule that the law changed after the memo's date (an amendment or partial repeal
that has taken effect, naming the cited provision when a provision is cited) is reported as amended. Only when
none of these holds does the checker compare Rulebook's texts, which is an editorial matter.
"""

import datetime
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext

from regulations.history.link_results import day_text
from regulations.models import LegalEvent


def legal_standing(
    found, day: datetime.date | None, absolute: Callable[[str], str]
) -> tuple[str, str, str, datetime.date | None] | None:
    """(outcome, message, address to follow, the law's change date) for a found document or provision, or None."""
    subject = found.provision or found.document
    now = subject.validity()
    here = absolute(found.url)
    if now.ended or now.code in ("not_yet_in_force", "consultation_draft", "not_yet_adopted"):
        replacing = absolute(now.by.get_absolute_url()) if now.by else None
        if replacing:
            message = gettext("%(standing)s. Cite the rule that replaces it: %(address)s")
        elif now.ended:
            message = gettext("%(standing)s. Check what applies instead before relying on it.")
        else:
            message = gettext("%(standing)s.")
        message %= {"standing": now.text, "address": replacing}
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
    if first.instrument:
        message = gettext("The law changed after %(day)s: %(change)s on %(date)s by %(instrument)s.")
    else:
        message = gettext("The law changed after %(day)s: %(change)s on %(date)s.")
    message %= {
        "day": day_text(day),
        "change": first.get_kind_display().lower(),
        "date": first.display,
        "instrument": first.instrument,
    }
    if not first.verified:
        message += " " + gettext("(Reported, unverified.)")
    return "amended", message, here, first.effective_from
