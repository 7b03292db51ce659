"""Link check for memos: is the rule a memo cites still valid, and do its Rulebook addresses still say what they said?

Each address comes back as one of:

- ok: the rule is in force and Rulebook's text has not been revised since the reference date;
- superseded, repealed, expired: the cited rule no longer applies (with the replacing rule's address);
- not_yet_in_force: the rule is adopted (or a draft) but does not apply yet;
- amended: the law changed after the reference date (an amendment or partial repeal took effect);
- revised: Rulebook's text (not the law) was edited after the reference date, with a redline;
- moved: the document's slug or the provision's identifier changed (with the new address);
- removed: the document or provision was removed from Rulebook (with the date);
- not_ours: the address is on another site;
- unknown: an address on this site that names nothing we know (or nothing the reader may see).

The reference date is the address's own pinned date (``@2024-01-31/`` or ``?as_of=2024-01-31``),
else the memo's date if one is given; without either, "changed" cannot apply.

Checks run in bulk: documents and provisions named by a batch of addresses are loaded together,
then their recorded versions, so a memo of 500 addresses costs a handful of queries, not thousands.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlunsplit

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from regulations.addresses import compare_url
from regulations.history import versions
from regulations.history.legal_standing import legal_standing
from regulations.history.link_results import OUTCOMES, LinkResult, counts
from regulations.history.link_results import day_text as _day
from regulations.history.quoted_addresses import QuotedAddress, clean, host_names, parse
from regulations.models import Document, Industry, Provision, Publication
from regulations.models.numbering import short_reference
from regulations.permissions import can_read_internal

__all__ = ["OUTCOMES", "Checker", "LinkResult", "check", "check_all", "check_for_request", "counts"]


# -- recorded versions, compared ------------------------------------------------------------------


def _chronological(records) -> list:
    return sorted(records, key=lambda record: (record.history_date, record.history_id))


def _state(record, fields, drafts: bool, document_id=None):
    """The text a reader saw in one recorded version, or None where they saw nothing."""
    if record is None or record.history_type == "-":
        return None
    if not drafts and record.publication != Publication.PUBLISHED:
        return None
    if document_id is not None and record.document_id != document_id:
        return None
    return tuple(getattr(record, name) for name in fields)


@dataclass
class _Change:
    then: object  # the version in force at the reference moment (None: nothing visible then)
    first: object  # the first version after it that differs
    now: object  # the latest version
    added: bool = False  # the document or provision itself was not there (for this reader) at the moment


def _text_change(records, moment, fields, drafts: bool, document_id=None) -> _Change | None:
    """How the text read at `moment` compares with now; None if it reads the same (records oldest first)."""
    if not records:
        return None
    earlier = [record for record in records if record.history_date < moment]
    then, now = (earlier[-1] if earlier else None), records[-1]
    before = _state(then, fields, drafts, document_id)
    if before == _state(now, fields, drafts, document_id):
        return None
    first = next(
        record
        for record in records[len(earlier) :]
        if _state(record, fields, drafts, document_id) != before  # exists: the last one differs
    )
    return _Change(then, first, now)


def _visible_then(records, moment, fields, drafts: bool) -> bool:
    earlier = [record for record in records if record.history_date < moment]
    return bool(earlier) and _state(earlier[-1], fields, drafts) is not None


# -- the checker ----------------------------------------------------------------------------------


class Checker:
    """Checks many addresses with shared look-ups; one per request."""

    def __init__(self, *, hosts=(), memo_date: datetime.date | None = None, drafts: bool = False):
        self.host_names, self.base = host_names(hosts)
        self.memo_date, self.drafts = memo_date, drafts
        self._documents: dict[str, Document] = {}
        self._provisions: dict[tuple[int, str], Provision] = {}
        self._resolutions: dict[tuple[str, str], versions.Resolution] = {}
        self._industries: set[str] = set()  # the slugs of those named that exist
        self._provision_records: dict[int, list] = {}
        self._document_records: dict[int, list] = {}
        self._contents: dict[int, list[list]] = {}  # document id -> each provision's records

    # Loading, in bulk.

    def _preload(self, parsed: list[QuotedAddress]):
        slugs = {q.slug for q in parsed if q.kind in ("document", "provision") and q.slug}
        if slugs:
            for document in Document.objects.filter(slug__in=slugs).with_events():
                self._documents[document.slug] = document
        pairs = {(self._documents[q.slug].pk, q.eid) for q in parsed if q.eid and q.slug in self._documents}
        if pairs:
            query = Provision.objects.filter(document_id__in={pk for pk, _ in pairs}, eid__in={eid for _, eid in pairs})
            by_pk = {document.pk: document for document in self._documents.values()}
            for provision in query:
                provision.document = by_pk[provision.document_id]  # with its events, loaded once
                self._provisions[(provision.document_id, provision.eid)] = provision
        industry_slugs = {q.slug for q in parsed if q.kind == "industry"}
        if industry_slugs:
            self._industries = set(Industry.objects.filter(slug__in=industry_slugs).values_list("slug", flat=True))

    def _load_history(self, work: list[tuple[versions.Resolution, datetime.datetime | None]]):
        """Every recorded version the checks will compare, in three or four queries for the whole batch."""
        provision_ids, document_ids, document_moments = set(), set(), {}
        for found, moment in work:
            if found.outcome not in ("current", "moved"):
                continue
            if found.provision is not None:
                provision_ids.add(found.provision.pk)
            elif moment is not None:
                document_ids.add(found.document.pk)
                earliest = document_moments.get(found.document.pk)
                document_moments[found.document.pk] = min(moment, earliest) if earliest else moment
        if provision_ids:
            for record in _chronological(Provision.history.filter(id__in=provision_ids)):
                self._provision_records.setdefault(record.id, []).append(record)
        if document_ids:
            for record in _chronological(Document.history.filter(id__in=document_ids)):
                self._document_records.setdefault(record.id, []).append(record)
        if document_moments:
            # Every version of every provision of these documents that changed after the earliest moment.
            touched = Q()
            for document_id, moment in document_moments.items():
                touched |= Q(document_id=document_id, history_date__gte=moment)
            grouped: dict[int, list] = {}
            for record in _chronological(
                Provision.history.filter(id__in=Provision.history.filter(touched).values("id"))
            ):
                grouped.setdefault(record.id, []).append(record)
            for document_id in document_moments:
                self._contents[document_id] = [
                    rows for rows in grouped.values() if any(row.document_id == document_id for row in rows)
                ]

    # Resolving, with the bulk-loaded objects first and the history for the rest.

    def _visible(self, instance) -> bool:
        return self.drafts or instance.publication == Publication.PUBLISHED

    def _resolve(self, slug: str, eid: str = "") -> versions.Resolution:
        key = (slug, eid)
        if key in self._resolutions:
            return self._resolutions[key]
        document = self._documents.get(slug)
        provision = self._provisions.get((document.pk, eid)) if document is not None and eid else None
        if document is not None and not self._visible(document):
            found = versions.Resolution("unknown")
        elif provision is not None:
            found = versions.Resolution("current", document, provision) if self._visible(provision) else None
            found = found or versions.Resolution("unknown")
        elif document is not None and not eid:
            found = versions.Resolution("current", document)
        else:  # not loaded in bulk: it moved, was removed, or never was
            if eid:
                found = versions.resolve_provision(slug, eid, drafts=self.drafts)
            else:
                found = versions.resolve_document(slug, drafts=self.drafts)
            if found.outcome == "removed" and not self._visible(found.last_record):
                found = versions.Resolution("unknown")  # a removed draft was never there for this reader
        self._resolutions[key] = found
        return found

    # Checking.

    def check_many(self, addresses) -> list[LinkResult]:
        parsed = [parse(clean(address), self.host_names) for address in addresses]
        self._preload([quoted for quoted in parsed if quoted.settled is None])
        work, results = [], {}
        for index, quoted in enumerate(parsed):
            if quoted.settled is not None:
                results[index] = LinkResult(quoted.address, *quoted.settled)
            elif quoted.kind == "industry" and quoted.slug not in self._industries:
                message = gettext("Rulebook has no industry “%(slug)s”.") % {"slug": quoted.slug}
                results[index] = LinkResult(quoted.address, "unknown", message)
            elif quoted.kind in ("page", "industry"):
                if quoted.kind == "industry":
                    message = gettext("An industry page of this site; not a regulation text.")
                else:
                    message = gettext("A page of this site; not a regulation text.")
                results[index] = LinkResult(
                    quoted.address, "ok", message, current_url=self._absolute(quoted, quoted.path)
                )
            else:
                day, problem = self._reference_day(quoted)
                if problem:
                    results[index] = LinkResult(quoted.address, "unknown", problem)
                    continue
                moment = versions.end_of_day(day) if day and quoted.dating != "fixed" else None
                work.append((index, quoted, self._resolve(quoted.slug, quoted.eid), day, moment))
        self._load_history([(found, moment) for _, _, found, _, moment in work])
        for index, quoted, found, day, moment in work:
            results[index] = self._judge(quoted, found, day, moment)
        return [results[index] for index in range(len(parsed))]

    def _reference_day(self, quoted: QuotedAddress) -> tuple[datetime.date | None, str]:
        raw = quoted.date_given
        if raw is None:
            return (self.memo_date if quoted.dating != "fixed" else None), ""
        try:
            return versions.parse_day(raw), ""
        except versions.InvalidDate as error:
            return None, gettext("The date in this address cannot be used: %(reason)s") % {"reason": error}

    def _absolute(
        self, quoted: QuotedAddress, path: str, *, query: str | None = None, fragment: str | None = None
    ) -> str:
        scheme, _, netloc = (quoted.origin or self.base).partition("://")
        query = quoted.query if query is None else query
        fragment = quoted.fragment if fragment is None else fragment
        return urlunsplit((scheme, netloc, path, query, fragment))

    def _address_now(self, quoted: QuotedAddress, found: versions.Resolution) -> str:
        """The address with the object's current slug and identifier, keeping its suffix, query and fragment."""
        kwargs = {**quoted.kwargs, quoted.slug_key: found.document.slug}
        if found.provision is not None:
            kwargs["eid"] = found.provision.eid
        try:
            path = reverse(quoted.view_name, kwargs=kwargs)
        except NoReverseMatch:
            path = found.url
        return self._absolute(quoted, path)

    def _title(self, found: versions.Resolution) -> str:
        document, provision = found.document, found.provision
        if provision is None:
            return document.short_title or document.title_en
        return " ".join(
            part
            for part in (document.short_title or document.title_en, provision.reference, provision.heading_en)
            if part
        )

    def _removed_title(self, record, is_provision: bool) -> str:
        if not is_provision:
            return record.short_title or record.title_en
        document = next((d for d in self._documents.values() if d.pk == record.document_id), None)
        if document is None:  # the document was removed too: its last recorded version
            document = Document.history.filter(id=record.document_id).order_by("-history_date", "-history_id").first()
        short = (document.short_title or document.title_en) if document else ""
        return " ".join(part for part in (short, short_reference(record.eid, record.num), record.heading_en) if part)

    def _judge(self, quoted, found, day, moment) -> LinkResult:
        address, is_provision = quoted.address, quoted.kind == "provision"
        if found.outcome == "unknown":
            container = self._resolve(quoted.slug) if is_provision else found
            if container.outcome in ("current", "moved"):
                message = gettext("%(document)s has no provision “%(eid)s”.") % {
                    "document": container.document.short_title,
                    "eid": quoted.eid,
                }
            else:
                message = gettext("Rulebook has no document “%(slug)s”.") % {"slug": quoted.slug}
            return LinkResult(address, "unknown", message)
        if found.outcome == "removed":
            record = found.last_record
            removed_on = timezone.localdate(record.removed_on) if record.removed_on else None
            message = _removal_message(is_provision, removed_on)
            if record.removal_reason:
                message += " " + gettext("Reason given: %(reason)s") % {"reason": record.removal_reason}
            return LinkResult(
                address, "removed", message, removed_on=removed_on, title=self._removed_title(record, is_provision)
            )
        title = self._title(found)
        legal = self._legal(quoted, found, day, title)
        if legal is not None:
            return legal
        change, problem = self._change(quoted, found, moment, day)
        if problem:
            return LinkResult(address, "unknown", problem, title=title)
        redline = self._redline(found, change, day, quoted) if change else None
        changed_on = timezone.localdate(change.first.history_date) if change else None
        pinned = quoted.pinned
        if found.outcome == "moved":
            new_address = self._address_now(quoted, found)
            message = gettext("This moved: it is now at %(address)s.") % {"address": new_address}
            if change:
                message += " " + gettext(
                    "Rulebook's text of it has also been revised since %(day)s (first on %(changed)s)."
                ) % {"day": _day(day), "changed": _day(changed_on)}
            elif day:
                message += " " + gettext("Its text has not been revised since %(day)s.") % {"day": _day(day)}
            return LinkResult(
                address,
                "moved",
                message,
                current_url=new_address,
                redline_url=redline,
                changed_on=changed_on,
                title=title,
                since=day,
            )
        if change:
            if change.added:
                message = gettext("This did not exist on %(day)s: it was added on %(changed)s.")
            elif pinned:
                message = gettext(
                    "The address shows Rulebook's text as it stood on %(day)s; that text has been revised since "
                    "(first on %(changed)s). The rule itself did not change: see the redline for the wording."
                )
            else:
                message = gettext(
                    "Rulebook's text has been revised since %(day)s (first on %(changed)s); the rule itself did not "
                    "change. See the redline for the wording."
                )
            message %= {"day": _day(day), "changed": _day(changed_on)}
            return LinkResult(
                address,
                "revised",
                message,
                current_url=self._absolute(quoted, found.url, query="", fragment=""),
                redline_url=redline,
                changed_on=changed_on,
                title=title,
                since=day,
            )
        if quoted.dating == "fixed":
            message = gettext("A comparison between two recorded versions; it stays as it is.")
        elif pinned:
            message = gettext("In force; shows the text as it stood on %(day)s, which is still the current text.") % {
                "day": _day(day)
            }
        elif day:
            message = gettext("In force, and the text has not changed since %(day)s.") % {"day": _day(day)}
        else:
            message = gettext(
                "In force; the address shows the current text (give the memo's date to check for changes)."
            )
        return LinkResult(
            address, "ok", message, current_url=self._absolute(quoted, quoted.path), title=title, since=day
        )

    def _legal(self, quoted, found, day, title) -> LinkResult | None:
        standing = legal_standing(found, day, lambda path: self._absolute(quoted, path, query="", fragment=""))
        if standing is None:
            return None
        outcome, message, current_url, changed_on = standing
        return LinkResult(
            quoted.address, outcome, message, current_url=current_url, changed_on=changed_on, title=title, since=day
        )

    def _change(self, quoted, found, moment, day) -> tuple[_Change | None, str]:
        """The text's change since the reference moment (None if unchanged), or a reason the address fails."""
        if moment is None:
            return None, ""
        if found.provision is not None:
            records, fields = self._provision_records.get(found.provision.pk, []), versions.PROVISION_TEXT_FIELDS
        else:
            records, fields = self._document_records.get(found.document.pk, []), versions.DOCUMENT_TEXT_FIELDS
        there = _visible_then(records, moment, fields, self.drafts)
        if quoted.pinned and not there:
            return None, self._not_then(records, day)
        change = _text_change(records, moment, fields, self.drafts)
        if change:
            change.added = not there
        if found.provision is not None or (change and change.added):  # a whole new document needs no more
            return change, ""
        # A document's text is also its provisions': report the earliest change among them all.
        document_id = found.document.pk
        changes = [change] + [
            _text_change(rows, moment, versions.PROVISION_TEXT_FIELDS, self.drafts, document_id)
            for rows in self._contents.get(document_id, [])
        ]
        changes = [change for change in changes if change is not None]
        if not changes:
            return None, ""
        return min(changes, key=lambda change: (change.first.history_date, change.first.history_id)), ""

    def _not_then(self, records, day) -> str:
        shown = [record for record in records if _state(record, [], self.drafts) is not None]
        if shown:
            first_day = timezone.localdate(shown[0].history_date)
            message = gettext("It did not exist on %(day)s: its first recorded text dates from %(first)s.")
            return message % {"day": _day(day), "first": _day(first_day)}
        return gettext("It had no published text on %(day)s.") % {"day": _day(day)}

    def _redline(self, found, change: _Change, day, quoted) -> str | None:
        if found.provision is None:
            base = compare_url(found.document.slug)
            today = timezone.localdate().isoformat()
            return self._absolute(quoted, base, query=f"from={day.isoformat()}&to={today}", fragment="")
        then, now = change.then, change.now
        fields = versions.PROVISION_TEXT_FIELDS
        if _state(then, fields, self.drafts) is None or _state(now, fields, self.drafts) is None:
            return None
        base = compare_url(found.document.slug, found.provision.eid)
        # The records are all of the provision's, oldest first: a record's place among them is its version number.
        numbers = {
            record.history_id: place for place, record in enumerate(self._provision_records[found.provision.pk], 1)
        }
        query = f"from={numbers[then.history_id]}&to={numbers[now.history_id]}"
        return self._absolute(quoted, base, query=query, fragment="")


def _removal_message(is_provision: bool, removed_on: datetime.date | None) -> str:
    if is_provision and removed_on:
        return gettext("This provision was removed from Rulebook on %(day)s.") % {"day": _day(removed_on)}
    if is_provision:
        return gettext("This provision was removed from Rulebook.")
    if removed_on:
        return gettext("This document was removed from Rulebook on %(day)s.") % {"day": _day(removed_on)}
    return gettext("This document was removed from Rulebook.")


def check(address: str, *, hosts=(), memo_date: datetime.date | None = None, drafts: bool = False) -> LinkResult:
    """One address checked; see the module's docstring for the outcomes."""
    return Checker(hosts=hosts, memo_date=memo_date, drafts=drafts).check_many([address])[0]


def check_all(addresses, *, hosts=(), memo_date=None, drafts: bool = False) -> list[LinkResult]:
    return Checker(hosts=hosts, memo_date=memo_date, drafts=drafts).check_many(addresses)


def check_for_request(request, addresses, memo_date: datetime.date | None) -> list[LinkResult]:
    """The addresses checked as this request's reader sees them: drafts only for staff, and relative addresses
    made absolute with this request's origin (then the site's other named hosts)."""
    hosts = [f"{request.scheme}://{request.get_host()}", *settings.ALLOWED_HOSTS]
    return check_all(addresses, hosts=hosts, memo_date=memo_date, drafts=can_read_internal(request.user))
