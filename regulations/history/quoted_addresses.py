"""Rulebook addresses as memos quote them: found in pasted text, and taken apart into what they name.

An address of ours is resolved against the site's routes, so the link checker knows whether it shows a
document or a provision (and under which slug and identifier), is dated (``@2024-01-31/``,
``?as_of=2024-01-31``), or is some other page; anything else is settled here as not ours or unknown.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from django.http.request import split_domain_port
from django.urls import Resolver404, resolve
from django.utils.formats import number_format
from django.utils.translation import gettext

MAX_ADDRESSES = 500
MAX_TEXT = 200_000
MAX_ADDRESS_LENGTH = 2_000


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
        return gettext(
            "The text holds %(found)s different addresses; only the first %(checked)s were checked. "
            "Check the rest separately."
        ) % {
            "found": number_format(len(self) + self.dropped, force_grouping=True),
            "checked": number_format(len(self), force_grouping=True),
        }


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
class QuotedAddress:
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
    settled: tuple[str, str] | None = None  # (outcome, message) when parsing already decided: not ours, unknown

    @property
    def slug_key(self) -> str:
        return "document_slug" if "document_slug" in self.kwargs else "slug"

    @property
    def pinned(self) -> bool:
        """Pinned to a date by the address itself: @YYYY-MM-DD/, or ?as_of= on a text page."""
        return self.dating == "pinned" or (self.view_name in _AS_OF_ROUTES and self.query_value("as_of") is not None)

    @property
    def date_given(self) -> str | None:
        """The date the address itself names, as written: its @YYYY-MM-DD/, or ?as_of= on a text page."""
        if self.dating == "pinned":
            return self.kwargs.get("day")
        if self.view_name in _AS_OF_ROUTES:
            return self.query_value("as_of")
        return None

    def query_value(self, name: str) -> str | None:
        values = parse_qs(self.query, keep_blank_values=True).get(name)
        return values[-1] if values else None


def host_names(hosts) -> tuple[set[str], str]:
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


def clean(address) -> str:
    """The address without the brackets and quotes a memo puts around it."""
    address = str(address).encode("utf-8", "replace").decode("utf-8").strip()
    if address[:1] == "<" and address[-1:] == ">":
        address = address[1:-1].strip()
    return _trim(address.strip("\"'“”‘’「」"))


def _resolve_path(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


def parse(address: str, names: set[str]) -> QuotedAddress:
    """The address taken apart; `names` are the host names of this site (see host_names)."""
    quoted = QuotedAddress(address)
    if not address:
        quoted.settled = ("unknown", gettext("An empty address."))
        return quoted
    if len(address) > MAX_ADDRESS_LENGTH:
        quoted.settled = ("unknown", gettext("This is too long to be a Rulebook address."))
        return quoted
    candidate = address
    if re.match(r"^[A-Za-z0-9.\-]+\.[A-Za-z]{2,}(?::\d+)?/", candidate):  # "host/path" without a scheme
        candidate = "https://" + candidate
    try:
        parts = urlsplit(candidate)
        hostname = parts.hostname
    except ValueError:
        quoted.settled = ("unknown", gettext("This is not a valid web address."))
        return quoted
    if parts.scheme or parts.netloc:
        if parts.scheme.lower() not in {"http", "https"} or not hostname:
            quoted.settled = ("not_ours", gettext("Not a web address of Rulebook; it was not checked."))
            return quoted
        if hostname.lower().rstrip(".") not in names:
            message = gettext("An address on another site (%(host)s); Rulebook cannot vouch for it.")
            quoted.settled = ("not_ours", message % {"host": hostname})
            return quoted
        quoted.origin = f"{parts.scheme.lower()}://{parts.netloc}"
    elif not parts.path.startswith("/"):
        quoted.settled = ("unknown", gettext("Not a web address: give a full address or a path from /."))
        return quoted
    quoted.path, quoted.query, quoted.fragment = parts.path or "/", parts.query, parts.fragment
    path = unquote(quoted.path)
    match = _resolve_path(path)
    if match is None and not path.endswith("/"):  # the site adds the slash for the reader, so shall we
        match = _resolve_path(path + "/")
        if match is not None:
            quoted.path += "/"
    if match is None:
        message = gettext("Not an address of a page on this site.")
        if path.startswith("/documents/"):
            message = gettext("Rulebook has no document page at this address.")
        quoted.settled = ("unknown", message)
        return quoted
    quoted.view_name, quoted.kwargs = match.view_name, dict(match.kwargs)
    if quoted.view_name in _ROUTES:
        quoted.kind, quoted.dating = _ROUTES[quoted.view_name]
        quoted.slug = str(quoted.kwargs.get(quoted.slug_key, ""))
        quoted.eid = str(quoted.kwargs.get("eid", ""))  # only provision routes have one
    elif quoted.view_name == "regulations:industry-detail":
        quoted.kind, quoted.slug = "industry", str(quoted.kwargs.get("slug", ""))
    elif match.namespace == "api" and set(quoted.kwargs) - {"format"} and quoted.view_name not in _API_LISTS_OR_TOOLS:
        quoted.settled = (
            "unknown",
            gettext(
                "An API address the link checker does not check (it checks documents and provisions); "
                "open it to see whether it still answers."
            ),
        )
    elif match.namespace in _READER_NAMESPACES:
        quoted.kind = "page"
    else:
        quoted.settled = ("unknown", gettext("An address of this site that is not a page for readers."))
    return quoted
