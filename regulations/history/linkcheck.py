"""Link check for memos: do the Rulebook addresses quoted in a client memo still say what they said?

Each address comes back as one of:

- ok: it leads to the current text, which has not changed since the reference date;
- changed: the text changed after the reference date (with a redline from then to now);
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
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http.request import split_domain_port
from django.shortcuts import render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework import status as http_status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from regulations.history import versions
from regulations.models import Document, Industry, Provision, Publication
from regulations.permissions import can_read_internal

MAX_ADDRESSES = 500
MAX_TEXT = 200_000
MAX_ADDRESS_LENGTH = 2_000
SHARE_LINK_LIMIT = 1_500  # a check this short can be shared as a GET address

OUTCOMES = ("ok", "changed", "moved", "removed", "not_ours", "unknown")
OUTCOME_LABELS = {outcome: outcome.replace("_", " ") for outcome in OUTCOMES}
# Existing badge colours: green, amber, blue, red; "not ours" and "unknown" stay plain.
BADGE_COLOURS = {"ok": "in_force", "changed": "amended", "moved": "not_yet_in_force", "removed": "repealed"}


# -- finding addresses in pasted text -------------------------------------------------------------

# Characters of a web address as memos write them: printable ASCII without spaces, quotes, angle
# brackets, braces or backticks. CJK text and punctuation (。，、）) end an address.
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%()]"
_ADDRESS_RE = re.compile(
    rf"(?:https?://{_URL_CHARS}+)"  # an absolute address
    rf"|(?:(?<![A-Za-z0-9\-._~:/%@])/documents/{_URL_CHARS}*)",  # a site-relative one, not inside another
    re.IGNORECASE,
)
_TRAILING = ".,;:!?*_~'\""
_CLOSERS = {")": "(", "]": "[", "}": "{"}
# Entities a memo saved as HTML writes around or inside addresses.
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#34;": '"', "&#39;": "'", "&#x27;": "'", "&nbsp;": " "}


class AddressList(list):
    """The addresses found, in order, at most MAX_ADDRESSES; `dropped` says how many more there were."""

    dropped: int = 0

    @property
    def note(self) -> str:
        if not self.dropped:
            return ""
        return (
            f"The text holds {len(self) + self.dropped:,} different addresses; only the first {len(self):,} "
            f"were checked. Check the rest separately."
        )


def _trim(address: str) -> str:
    """Drop punctuation that ends a sentence or closes a bracket the address did not open."""
    while address:
        last = address[-1]
        if last in _TRAILING:
            address = address[:-1]
        elif last in _CLOSERS and address.count(last) > address.count(_CLOSERS[last]):
            address = address[:-1]
        else:
            break
    return address


def find_addresses(text: str, limit: int = MAX_ADDRESSES) -> AddressList:
    """Every http(s) address and every site-relative /documents/… path in `text`, in order, once each."""
    for entity, character in _ENTITIES.items():
        text = text.replace(entity, character)
    found, seen = AddressList(), set()
    for match in _ADDRESS_RE.finditer(text):
        address = _trim(match.group(0).replace("&amp;", "&"))
        if address.lower() in {"http://", "https://"} or address in seen:
            continue
        seen.add(address)
        if len(found) < limit:
            found.append(address)
        else:
            found.dropped += 1
    return found


# -- results ----------------------------------------------------------------------------------------


@dataclass
class LinkResult:
    address: str
    outcome: str  # one of OUTCOMES
    message: str
    current_url: str | None = None
    redline_url: str | None = None
    changed_on: datetime.date | None = None
    removed_on: datetime.date | None = None
    title: str = ""
    since: datetime.date | None = None  # the reference date the text was compared against
    anchor: str = ""  # the page's id for this row, if the summary links to it

    @property
    def label(self) -> str:
        if self.outcome == "changed" and self.since:
            return f"changed since {_day(self.since)}"
        return OUTCOME_LABELS[self.outcome]

    @property
    def badge_class(self) -> str:
        colour = BADGE_COLOURS.get(self.outcome)
        return f"badge badge--link-{self.outcome}" + (f" badge--status badge--{colour}" if colour else "")

    def as_dict(self) -> dict:
        return {
            "address": self.address,
            "outcome": self.outcome,
            "message": self.message,
            "current_url": self.current_url,
            "redline_url": self.redline_url,
            "changed_on": self.changed_on.isoformat() if self.changed_on else None,
            "removed_on": self.removed_on.isoformat() if self.removed_on else None,
            "title": self.title,
            "since": self.since.isoformat() if self.since else None,
        }


def counts(results) -> dict:
    tally = Counter(result.outcome for result in results)
    return {outcome: tally.get(outcome, 0) for outcome in OUTCOMES}


def _day(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


# -- what an address names --------------------------------------------------------------------------

# Route name -> (what it shows, how a date applies): "text" compares with the memo's date (or
# ?as_of on detail pages), "pinned" with its @date, "fixed" (a comparison of two set versions) not at all.
_ROUTES = {
    "regulations:document-detail": ("document", "text"),
    "regulations:document-pinned": ("document", "pinned"),
    "regulations:document-history": ("document", "text"),
    "regulations:document-compare": ("document", "fixed"),
    "regulations:document-export-json": ("document", "text"),
    "regulations:document-export-markdown": ("document", "text"),
    "regulations:provision-detail": ("provision", "text"),
    "regulations:provision-pinned": ("provision", "pinned"),
    "regulations:provision-history": ("provision", "text"),
    "regulations:provision-compare": ("provision", "fixed"),
    "api:document-detail": ("document", "text"),
    "api:document-provisions": ("document", "text"),
    "api:document-provision": ("provision", "text"),
}
_AS_OF_ROUTES = {"regulations:document-detail", "regulations:provision-detail"}
_READER_NAMESPACES = {"regulations", "search", "api"}
_API_LISTS_OR_TOOLS = {"api:schema", "api:docs", "api:changes", "api:api-root"}


@dataclass
class _Target:
    """One address, taken apart."""

    address: str
    origin: str = ""  # scheme://host of an absolute address of ours
    path: str = ""
    query: str = ""
    fragment: str = ""
    view_name: str = ""
    kwargs: dict = field(default_factory=dict)
    kind: str = ""  # "document" | "provision" | "page" | "industry" | "" (settled already)
    dating: str = ""
    slug: str = ""
    eid: str = ""
    settled: LinkResult | None = None  # decided while parsing (not ours, unknown, a page…)

    @property
    def slug_key(self) -> str:
        return "document_slug" if "document_slug" in self.kwargs else "slug"

    @property
    def pinned(self) -> bool:
        """Pinned to a date by the address itself: @YYYY-MM-DD/, or ?as_of= on a text page."""
        return self.dating == "pinned" or (self.view_name in _AS_OF_ROUTES and self.query_value("as_of") is not None)

    def query_value(self, name: str) -> str | None:
        values = parse_qs(self.query, keep_blank_values=True).get(name)
        return values[-1] if values else None


def _host_names(hosts) -> tuple[set[str], str]:
    """(host names we answer to, scheme://host to put before relative addresses)."""
    names, base = set(), ""
    for entry in hosts or ():
        entry = str(entry).strip()
        if not entry or entry == "*" or entry.startswith("."):
            continue
        if "://" in entry:
            parts = urlsplit(entry)
            name = (parts.hostname or "").lower()
            origin = f"{parts.scheme}://{parts.netloc}"
        else:
            name = split_domain_port(entry.lower())[0] or entry.lower().strip("[]")
            origin = f"https://{entry}"
        if name:
            names.add(name.rstrip(".").strip("[]"))
            base = base or origin
    return names, base


def _clean(address) -> str:
    address = str(address).encode("utf-8", "replace").decode("utf-8").strip()
    if address[:1] == "<" and address[-1:] == ">":
        address = address[1:-1].strip()
    return _trim(address.strip("\"'“”‘’「」"))


def _resolve_path(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


def _parse(address: str, host_names: set[str]) -> _Target:
    target = _Target(address)
    if not address:
        target.settled = LinkResult(address, "unknown", "An empty address.")
        return target
    if len(address) > MAX_ADDRESS_LENGTH:
        target.settled = LinkResult(address, "unknown", "This is too long to be a Rulebook address.")
        return target
    candidate = address
    if re.match(r"^[A-Za-z0-9.\-]+\.[A-Za-z]{2,}(?::\d+)?/", candidate):  # "host/path" without a scheme
        candidate = "https://" + candidate
    try:
        parts = urlsplit(candidate)
        hostname = parts.hostname
    except ValueError:
        target.settled = LinkResult(address, "unknown", "This is not a valid web address.")
        return target
    if parts.scheme or parts.netloc:
        if parts.scheme.lower() not in {"http", "https"} or not hostname:
            target.settled = LinkResult(address, "not_ours", "Not a web address of Rulebook; it was not checked.")
            return target
        if hostname.lower().rstrip(".") not in host_names:
            target.settled = LinkResult(
                address, "not_ours", f"An address on another site ({hostname}); Rulebook cannot vouch for it."
            )
            return target
        target.origin = f"{parts.scheme.lower()}://{parts.netloc}"
    elif not parts.path.startswith("/"):
        target.settled = LinkResult(address, "unknown", "Not a web address: give a full address or a path from /.")
        return target
    target.path, target.query, target.fragment = parts.path or "/", parts.query, parts.fragment
    path = unquote(target.path)
    match = _resolve_path(path)
    if match is None and not path.endswith("/"):  # the site adds the slash for the reader, so shall we
        match = _resolve_path(path + "/")
        if match is not None:
            target.path += "/"
    if match is None:
        message = "Not an address of a page on this site."
        if path.startswith("/documents/"):
            message = "Rulebook has no document page at this address."
        target.settled = LinkResult(address, "unknown", message)
        return target
    target.view_name, target.kwargs = match.view_name, dict(match.kwargs)
    if target.view_name in _ROUTES:
        target.kind, target.dating = _ROUTES[target.view_name]
        target.slug = str(target.kwargs.get(target.slug_key, ""))
        target.eid = str(target.kwargs.get("eid", ""))  # only provision routes have one
    elif target.view_name == "regulations:industry-detail":
        target.kind, target.slug = "industry", str(target.kwargs.get("slug", ""))
    elif match.namespace == "api" and set(target.kwargs) - {"format"} and target.view_name not in _API_LISTS_OR_TOOLS:
        target.settled = LinkResult(
            address,
            "unknown",
            "An API address the link checker does not check (it checks documents and provisions); "
            "open it to see whether it still answers.",
        )
    elif match.namespace in _READER_NAMESPACES:
        target.kind = "page"
    else:
        target.settled = LinkResult(address, "unknown", "An address of this site that is not a page for readers.")
    return target


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


def _citation_chains(rows) -> dict:
    """provision id -> its number with as many ancestors' numbers as make it unique in its document."""
    by_id = {pk: (document_id, parent_id, num) for pk, document_id, parent_id, num in rows}
    chains = {}
    for pk in by_id:
        chain, node, seen = [], pk, set()
        while node in by_id and node not in seen:
            seen.add(node)
            _document_id, parent_id, num = by_id[node]
            if not num:
                break
            chain.insert(0, num)
            node = parent_id
        chains[pk] = tuple(chain)
    tally = Counter()
    for pk, chain in chains.items():
        tally.update((by_id[pk][0], chain[-length:]) for length in range(1, len(chain) + 1))
    citations = {}
    for pk, chain in chains.items():
        citation = " ".join(chain)
        for length in range(1, len(chain) + 1):
            if tally[(by_id[pk][0], chain[-length:])] <= 1:
                citation = " ".join(chain[-length:])
                break
        citations[pk] = citation
    return citations


# -- the checker ----------------------------------------------------------------------------------


class Checker:
    """Checks many addresses with shared look-ups; one per request."""

    def __init__(self, *, hosts=(), memo_date: datetime.date | None = None, drafts: bool = False):
        self.host_names, self.base = _host_names(hosts)
        self.memo_date, self.drafts = memo_date, drafts
        self._documents: dict[str, Document] = {}
        self._provisions: dict[tuple[int, str], Provision] = {}
        self._resolutions: dict[tuple[str, str], versions.Resolution] = {}
        self._industries: set[str] = set()  # the slugs of those named that exist
        self._provision_records: dict[int, list] = {}
        self._document_records: dict[int, list] = {}
        self._contents: dict[int, list[list]] = {}  # document id -> each provision's records
        self._citations: dict[int, str] = {}

    # Loading, in bulk.

    def _preload(self, targets: list[_Target]):
        slugs = {t.slug for t in targets if t.kind in ("document", "provision") and t.slug}
        if slugs:
            for document in Document.objects.filter(slug__in=slugs):
                self._documents[document.slug] = document
        pairs = {(self._documents[t.slug].pk, t.eid) for t in targets if t.eid and t.slug in self._documents}
        if pairs:
            query = Provision.objects.filter(
                document_id__in={pk for pk, _ in pairs}, eid__in={eid for _, eid in pairs}
            ).select_related("document")
            for provision in query:
                self._provisions[(provision.document_id, provision.eid)] = provision
        industry_slugs = {t.slug for t in targets if t.kind == "industry"}
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
        titled = {found.provision.document_id for found, _ in work if found.provision is not None}
        if titled:
            rows = Provision.objects.filter(document_id__in=titled).values_list("id", "document_id", "parent_id", "num")
            self._citations = _citation_chains(rows)

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
        targets = [_parse(_clean(address), self.host_names) for address in addresses]
        self._preload([t for t in targets if t.settled is None])
        work, results = [], {}
        for index, target in enumerate(targets):
            if target.settled is not None:
                results[index] = target.settled
            elif target.kind == "industry" and target.slug not in self._industries:
                results[index] = LinkResult(target.address, "unknown", f"Rulebook has no industry “{target.slug}”.")
            elif target.kind in ("page", "industry"):
                page = "An industry page" if target.kind == "industry" else "A page"
                message = f"{page} of this site; not a regulation text."
                results[index] = LinkResult(
                    target.address, "ok", message, current_url=self._absolute(target, target.path)
                )
            else:
                day, problem = self._reference_day(target)
                if problem:
                    results[index] = LinkResult(target.address, "unknown", problem)
                    continue
                moment = versions.end_of_day(day) if day and target.dating != "fixed" else None
                work.append((index, target, self._resolve(target.slug, target.eid), day, moment))
        self._load_history([(found, moment) for _, _, found, _, moment in work])
        for index, target, found, day, moment in work:
            results[index] = self._judge(target, found, day, moment)
        return [results[index] for index in range(len(targets))]

    def _reference_day(self, target: _Target) -> tuple[datetime.date | None, str]:
        raw = None
        if target.dating == "pinned":
            raw = target.kwargs.get("day")
        elif target.view_name in _AS_OF_ROUTES:
            raw = target.query_value("as_of")
        if raw is None:
            return (self.memo_date if target.dating != "fixed" else None), ""
        try:
            return versions.parse_day(raw), ""
        except versions.InvalidDate as error:
            return None, f"The date in this address cannot be used: {error}"

    def _absolute(self, target: _Target, path: str, *, query: str | None = None, fragment: str | None = None) -> str:
        scheme, _, netloc = (target.origin or self.base).partition("://")
        query = target.query if query is None else query
        fragment = target.fragment if fragment is None else fragment
        return urlunsplit((scheme, netloc, path, query, fragment))

    def _address_now(self, target: _Target, found: versions.Resolution) -> str:
        """The address with the object's current slug and identifier, keeping its suffix, query and fragment."""
        kwargs = {**target.kwargs, target.slug_key: found.document.slug}
        if found.provision is not None:
            kwargs["eid"] = found.provision.eid
        try:
            path = reverse(target.view_name, kwargs=kwargs)
        except NoReverseMatch:
            path = found.url
        return self._absolute(target, path)

    def _title(self, found: versions.Resolution) -> str:
        document, provision = found.document, found.provision
        if provision is None:
            return document.short_title or document.title_en
        citation = self._citations.get(provision.pk) or provision.citation_number
        return " ".join(
            part for part in (document.short_title or document.title_en, citation, provision.heading_en) if part
        )

    def _removed_title(self, record, is_provision: bool) -> str:
        if not is_provision:
            return record.short_title or record.title_en
        document = next((d for d in self._documents.values() if d.pk == record.document_id), None)
        if document is None:  # the document was removed too: its last recorded version
            document = Document.history.filter(id=record.document_id).order_by("-history_date", "-history_id").first()
        short = (document.short_title or document.title_en) if document else ""
        return " ".join(part for part in (short, record.num or record.eid, record.heading_en) if part)

    def _judge(self, target, found, day, moment) -> LinkResult:
        address, is_provision = target.address, target.kind == "provision"
        if found.outcome == "unknown":
            container = self._resolve(target.slug) if is_provision else found
            if container.outcome in ("current", "moved"):
                message = f"{container.document.short_title} has no provision “{target.eid}”."
            else:
                message = f"Rulebook has no document “{target.slug}”."
            return LinkResult(address, "unknown", message)
        if found.outcome == "removed":
            record = found.last_record
            removed_on = timezone.localdate(record.removed_on) if record.removed_on else None
            what = "This provision" if is_provision else "This document"
            message = f"{what} was removed from Rulebook" + (f" on {_day(removed_on)}" if removed_on else "") + "."
            if record.removal_reason:
                message += f" Reason given: {record.removal_reason}"
            return LinkResult(
                address, "removed", message, removed_on=removed_on, title=self._removed_title(record, is_provision)
            )
        title = self._title(found)
        change, problem = self._change(target, found, moment, day)
        if problem:
            return LinkResult(address, "unknown", problem, title=title)
        redline = self._redline(found, change, day, target) if change else None
        changed_on = timezone.localdate(change.first.history_date) if change else None
        pinned = target.pinned
        if found.outcome == "moved":
            new_address = self._address_now(target, found)
            message = f"This moved: it is now at {new_address}."
            if change:
                message += f" Its text has also changed since {_day(day)} (first on {_day(changed_on)})."
            elif day:
                message += f" Its text has not changed since {_day(day)}."
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
                message = f"This did not exist on {_day(day)}: it was added on {_day(changed_on)}."
            elif pinned:
                message = (
                    f"The address shows the text as it stood on {_day(day)}, but the text has changed since "
                    f"(first on {_day(changed_on)}); see the redline for what changed."
                )
            else:
                message = (
                    f"The text has changed since {_day(day)} (first on {_day(changed_on)}); "
                    f"see the redline for what changed."
                )
            return LinkResult(
                address,
                "changed",
                message,
                current_url=self._absolute(target, found.url, query="", fragment=""),
                redline_url=redline,
                changed_on=changed_on,
                title=title,
                since=day,
            )
        if target.dating == "fixed":
            message = "A comparison between two recorded versions; it stays as it is."
        elif pinned:
            message = f"Shows the text as it stood on {_day(day)}, which is still the current text."
        elif day:
            message = f"The address works and the text has not changed since {_day(day)}."
        else:
            message = "The address works and shows the current text (give the memo's date to check for changes)."
        return LinkResult(
            address, "ok", message, current_url=self._absolute(target, target.path), title=title, since=day
        )

    def _change(self, target, found, moment, day) -> tuple[_Change | None, str]:
        """The text's change since the reference moment (None if unchanged), or a reason the address fails."""
        if moment is None:
            return None, ""
        if found.provision is not None:
            records, fields = self._provision_records.get(found.provision.pk, []), versions.PROVISION_TEXT_FIELDS
        else:
            records, fields = self._document_records.get(found.document.pk, []), versions.DOCUMENT_TEXT_FIELDS
        there = _visible_then(records, moment, fields, self.drafts)
        if target.pinned and not there:
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
            return f"It did not exist on {_day(day)}: its first recorded text dates from {_day(first_day)}."
        return f"It had no published text on {_day(day)}."

    def _redline(self, found, change: _Change, day, target) -> str | None:
        if found.provision is None:
            base = reverse("regulations:document-compare", args=[found.document.slug])
            today = timezone.localdate().isoformat()
            return self._absolute(target, base, query=f"from={day.isoformat()}&to={today}", fragment="")
        then, now = change.then, change.now
        fields = versions.PROVISION_TEXT_FIELDS
        if _state(then, fields, self.drafts) is None or _state(now, fields, self.drafts) is None:
            return None
        base = reverse("regulations:provision-compare", args=[found.document.slug, found.provision.eid])
        return self._absolute(target, base, query=f"from={then.history_id}&to={now.history_id}", fragment="")


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


# -- the page ---------------------------------------------------------------------------------------


class LinkCheckForm(forms.Form):
    text = forms.CharField(
        label="Paste links or a memo's text",
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Paste at least one link, or a memo's text with links in it."},
    )
    memo_date = forms.CharField(label="Memo written on", required=False)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > MAX_TEXT:
            raise ValidationError(
                f"The text is {len(text):,} characters long; the checker takes at most {MAX_TEXT:,} at a time. "
                "Check the memo in parts."
            )
        return text

    def clean_memo_date(self):
        value = self.cleaned_data["memo_date"]
        if not value:
            return None
        try:
            return versions.parse_day(value)
        except versions.InvalidDate as error:
            raise ValidationError(f"Memo date: {error}") from None


def link_check_view(request):
    """Paste a memo (or links), get each Rulebook address back as ok / changed / moved / removed / …"""
    data = request.POST if request.method == "POST" else request.GET
    submitted = request.method == "POST" or "text" in request.GET or "memo_date" in request.GET
    form = LinkCheckForm(data if submitted else None)
    context = {"section": "links", "form": form, "text": "", "memo_date_value": "", "max_text": MAX_TEXT}
    if not submitted:
        return render(request, "regulations/linkcheck.html", context)
    context["text"] = str(data.get("text", ""))
    context["memo_date_value"] = str(data.get("memo_date", ""))[:40]
    if not form.is_valid():
        context["errors"] = [error for errors in form.errors.values() for error in errors]
        return render(request, "regulations/linkcheck.html", context, status=400)
    text, memo_date = form.cleaned_data["text"], form.cleaned_data["memo_date"]
    addresses = find_addresses(text)
    results = check_for_request(request, addresses, memo_date)
    tally = counts(results)
    for outcome in OUTCOMES:  # the summary's counts link to the first row of each outcome
        first = next((result for result in results if result.outcome == outcome), None)
        if first is not None:
            first.anchor = f"results-{outcome}"
    share_url = ""
    if len(text) <= SHARE_LINK_LIMIT:
        share_url = "?" + urlencode({"text": text, **({"memo_date": memo_date.isoformat()} if memo_date else {})})
    context.update(
        {
            "checked": True,
            "results": results,
            "summary": [(outcome, OUTCOME_LABELS[outcome], tally[outcome]) for outcome in OUTCOMES if tally[outcome]],
            "moved": [result for result in results if result.outcome == "moved"],
            "memo_date": memo_date,
            "notes": [addresses.note] if addresses.dropped else [],
            "share_url": share_url,
        }
    )
    return render(request, "regulations/linkcheck.html", context)


# -- the API ----------------------------------------------------------------------------------------


class LinkCheckRequestSerializer(serializers.Serializer):
    addresses = serializers.ListField(
        child=serializers.CharField(max_length=MAX_ADDRESS_LENGTH),
        required=False,
        max_length=MAX_ADDRESSES,
        error_messages={
            "max_length": f"At most {MAX_ADDRESSES} addresses per request; send the rest in another request."
        },
        help_text=f"Addresses to check (full, or paths such as /documents/…/), at most {MAX_ADDRESSES}.",
    )
    text = serializers.CharField(
        required=False,
        max_length=MAX_TEXT,
        error_messages={
            "blank": "The text is empty: send a memo's text with links in it, or a list of addresses.",
            "max_length": f"The text is too long: at most {MAX_TEXT:,} characters per request.",
        },
        help_text="A memo's text (plain, Markdown or HTML): every address in it is checked. Instead of addresses.",
    )
    as_of = serializers.DateField(
        required=False,
        allow_null=True,
        error_messages={"invalid": "as_of: write the date as YYYY-MM-DD, e.g. 2024-01-31."},
        help_text="The memo's date: a text changed after it is reported as changed. Addresses pinned to "
        "a date (@YYYY-MM-DD/ or ?as_of=) use their own date.",
    )

    def validate_as_of(self, value):
        if value is not None:
            try:
                versions.parse_day(value.isoformat())
            except versions.InvalidDate as error:
                raise serializers.ValidationError(f"as_of: {error}") from None
        return value

    def validate(self, attrs):
        addresses, text = attrs.get("addresses"), attrs.get("text")
        if addresses and text is not None:
            raise serializers.ValidationError("Send either a list of addresses or a text, not both.")
        if not addresses and text is None:
            raise serializers.ValidationError("Send “addresses” (a list of addresses) or “text” (a memo's text).")
        return attrs


class LinkCheckResultSerializer(serializers.Serializer):
    address = serializers.CharField(help_text="The address as given (tidied of surrounding brackets and quotes).")
    outcome = serializers.ChoiceField(choices=list(OUTCOMES))
    message = serializers.CharField(help_text="What was found, in a sentence.")
    current_url = serializers.CharField(allow_null=True, help_text="Where it is now (the new address if moved).")
    redline_url = serializers.CharField(allow_null=True, help_text="What changed since the reference date.")
    changed_on = serializers.DateField(allow_null=True, help_text="The first change after the reference date.")
    removed_on = serializers.DateField(allow_null=True)
    title = serializers.CharField(allow_blank=True, help_text="The document, or the provision with its document.")
    since = serializers.DateField(allow_null=True, help_text="The reference date the text was compared with.")


class LinkCheckCountsSerializer(serializers.Serializer):
    ok = serializers.IntegerField()
    changed = serializers.IntegerField()
    moved = serializers.IntegerField()
    removed = serializers.IntegerField()
    not_ours = serializers.IntegerField()
    unknown = serializers.IntegerField()


class LinkCheckResponseSerializer(serializers.Serializer):
    results = LinkCheckResultSerializer(many=True)
    counts = LinkCheckCountsSerializer()


class LinkCheckProblemSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _first_message(errors) -> str:
    """One readable sentence from DRF's nested validation errors: the first error, and where it is."""
    if isinstance(errors, dict):
        if not errors:
            return "The request cannot be used."
        key, value = next(iter(errors.items()))
        message = _first_message(value)
        if str(key).isdigit():
            return f"address {int(key) + 1}: {message}"
        if key == "non_field_errors" or str(key).lower() in message.lower() or message.startswith("address "):
            return message
        return f"{key}: {message}"
    if isinstance(errors, list | tuple):
        return _first_message(errors[0]) if errors else "The request cannot be used."
    return str(errors)


@extend_schema(
    request=LinkCheckRequestSerializer,
    responses={200: LinkCheckResponseSerializer, 400: LinkCheckProblemSerializer},
    summary="Check links quoted in a memo",
    description="Each address comes back as ok, changed (since the memo's date or its own pinned date, with a "
    "redline), moved (with the new address), removed (with the date), not_ours or unknown. Send a list of "
    f"addresses (at most {MAX_ADDRESSES}) or a memo's text. Anyone may call it; it only reads.",
    examples=[
        OpenApiExample(
            "Two addresses and the memo's date",
            value={
                "addresses": [
                    "/documents/industrial-carbon-peaking-2022/part_2__sec_7__item_2/",
                    "https://example.com/x",
                ],
                "as_of": "2024-01-31",
            },
            request_only=True,
        )
    ],
)
class LinkCheckAPIView(APIView):
    """Check the Rulebook addresses quoted in a client memo."""

    permission_classes = [AllowAny]

    def post(self, request):
        incoming = LinkCheckRequestSerializer(data=request.data)
        if not incoming.is_valid():
            return Response({"detail": _first_message(incoming.errors)}, status=http_status.HTTP_400_BAD_REQUEST)
        data = incoming.validated_data
        if data.get("text") is not None:
            addresses = find_addresses(data["text"])
            if addresses.dropped:
                return Response(
                    {"detail": f"The text holds more than {MAX_ADDRESSES} addresses; send it in parts."},
                    status=http_status.HTTP_400_BAD_REQUEST,
                )
        else:
            addresses = data["addresses"]
        results = check_for_request(request, addresses, data.get("as_of"))
        return Response({"results": [result.as_dict() for result in results], "counts": counts(results)})
