"""Hostile input to every public page family and every API operation: huge query strings, control
characters, invalid UTF-8, NUL bytes, deep and huge JSON, wrong content types, absurd page numbers, bogus
cursors, path traversal and SQL-like strings. Nothing answers 5xx, and no page reflects input unescaped.

The API's operations are read from its own OpenAPI schema, so a new operation is covered without a change here.
"""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import TooManyFieldsSent
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from regulations.models import Annotation, GlossaryTerm, Industry, Provision, Relation, Target
from regulations.site.views.errors import bad_request
from tests.helpers import whoosh_at

pytestmark = pytest.mark.django_db

PLAN = "industrial-carbon-peaking-2022"
EID = "part_2__sec_7__item_2"
MARKUP = '"><svg onload=alert(1)><script>alert(2)</script>'
# The same hostile values in every filter a page or operation reads.
QUERY_VALUES = [
    MARKUP,
    "' OR '1'='1' --",
    "1; DROP TABLE regulations_document; --",
    "%00",
    "a%00b",
    "%0b%1b%7f",
    "%ff%fe%c0%af",  # invalid UTF-8
    "%ED%A0%80",  # an encoded surrogate
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
]
PAGE_PARAMS = {
    "/": ["q"],
    "/documents/": ["topic", "status", "jurisdiction", "page"],
    f"/documents/{PLAN}/": ["as_of"],
    f"/documents/{PLAN}/export.json": ["as_of"],
    f"/documents/{PLAN}/export.md": ["as_of"],
    f"/documents/{PLAN}/@2024-01-31/": [],
    f"/documents/{PLAN}/history/": ["page"],
    f"/documents/{PLAN}/compare/": ["from", "to"],
    f"/documents/{PLAN}/{EID}/": ["as_of"],
    f"/documents/{PLAN}/{EID}/@2024-01-31/": [],
    f"/documents/{PLAN}/{EID}/history/": ["page"],
    f"/documents/{PLAN}/{EID}/compare/": ["from", "to"],
    "/industries/": [],
    "/industries/steel/": ["page"],
    "/targets/": ["industry", "document", "sort"],
    "/targets/export.csv": ["industry", "document", "sort"],
    "/glossary/": ["q", "letter"],
    "/changes/": ["document", "industry", "topic", "before"],
    "/changes/feed/": ["document", "industry", "topic"],
    "/links/check/": ["text", "memo_date"],
    "/search/": ["q", "page", "kind", "industry", "document", "topic", "status", "jurisdiction", "year"],
}
TRAVERSAL_PATHS = [
    "/documents/..%2F..%2Fetc%2Fpasswd/",
    "/documents/%2e%2e/%2e%2e/",
    "/documents/%00/",
    f"/documents/{PLAN}/..%2F..%2F/",
    f"/documents/{PLAN}/%00/history/",
    f"/documents/{PLAN}/{EID}/@9999-99-99/",
    f"/documents/{PLAN}/@0000-01-01/",
    "/industries/..%5C..%5Cwindows/",
    "/industries/%27%20OR%201=1--/",
    "/api/documents/..%2F..%2Fetc%2Fpasswd/",
    "/api/documents/%00/provisions/%00/",
    f"/api/documents/{PLAN}/provisions/..%2F..%2F/",
    "/api/industries/%27%20OR%201=1--/",
    "/api/targets/99999999999999999999999/",
    "/api/annotations/-1/",
    "/api/no-such-endpoint/../../",
]


@pytest.fixture(autouse=True)
def _searchable_corpus(request, settings):
    """Search answers from the real corpus (the session's scratch Whoosh index is never built)."""
    if settings.SEARCH_BACKENDS["default"]["BACKEND"] == "search.backends.whoosh":
        settings.SEARCH_BACKENDS = whoosh_at(request.getfixturevalue("corpus_index"))


@pytest.fixture(autouse=True)
def _no_throttling_between_requests():
    """The anonymous throttle would turn the later requests into 429s; each request starts afresh."""
    cache.clear()
    yield
    cache.clear()


def assert_answered(response, what: str):
    assert response.status_code < 500, f"{what} answered {response.status_code}"
    if response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode("utf-8", "replace")
        assert "<svg onload" not in body and "<script>alert(2)" not in body, f"{what} reflects markup unescaped"


def get(client, path: str, query: str = ""):
    cache.clear()
    response = client.get(f"{path}?{query}" if query else path)
    assert_answered(response, f"GET {path}?{query[:80]}")
    return response


@pytest.mark.parametrize("path", list(PAGE_PARAMS))
def test_every_page_family_survives_hostile_query_strings(client, path):
    for name in PAGE_PARAMS[path] or ["x"]:
        for value in QUERY_VALUES:
            get(client, path, f"{name}={value if value.startswith('%') else value.replace(' ', '+')}")
    get(client, path, "&".join(f"{name}={MARKUP}" for name in PAGE_PARAMS[path]))
    get(client, path, "q=" + "x" * 100_000)
    get(client, path, "%ff=%fe&%00=1&==&&=")


def test_hostile_paths_answer_without_a_server_error(client):
    for path in TRAVERSAL_PATHS:
        get(client, path)


def test_the_link_checker_page_survives_hostile_memos(client):
    for text in [MARKUP, "\x00\x0b" * 1000, "x" * 300_000, "[x](javascript:alert(1)) " * 500]:
        cache.clear()
        assert_answered(client.post("/links/check/", {"text": text, "memo_date": "\x00"}), "POST /links/check/")


# -- the API, from its own schema -------------------------------------------------------------------------------


def api_operations() -> list[tuple[str, str, list[str]]]:
    """(method, path template, query parameter names) of every operation in the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            names = [parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "query"]
            operations.append((method.upper(), path, names))
    return operations


def real_identifiers() -> dict[str, str]:
    """For each detail path template, the identifier of a real object (leaves, so a delete may go ahead)."""
    annotation = Annotation.objects.create(
        document=Provision.objects.get(document__slug=PLAN, eid=EID).document, title="Hostile", body="x"
    )
    return {
        "/api/annotations/{id}/": str(annotation.pk),
        "/api/glossary/{slug}/": GlossaryTerm.objects.first().slug,
        "/api/industries/{slug}/": Industry.objects.filter(children__isnull=True).first().slug,
        "/api/provisions/{id}/": str(Provision.objects.get(document__slug=PLAN, eid=EID).pk),
        "/api/relations/{id}/": str(Relation.objects.first().pk),
        "/api/targets/{id}/": str(Target.objects.first().pk),
        "/api/documents/{slug}/": PLAN,
    }


def concrete(path: str, identifiers: dict[str, str]) -> str:
    filled = path.replace("{document_slug}", PLAN).replace("{eid}", EID)
    return filled.replace("{id}", identifiers.get(path, "1")).replace("{slug}", identifiers.get(path, PLAN))


HOSTILE_BODIES = [
    ("application/json", b"[" * 5000 + b"]" * 5000),
    ("application/json", b'{"a":' * 3000 + b"1" + b"}" * 3000),
    ("application/json", b'{"title": "' + b"x" * 3_000_000 + b'"}'),
    ("application/json", b'{"title": "\xff\xfe\xc0\xaf"}'),
    ("application/json", b'{"title": "a\\u0000b", "text": "\\u000b", "note": "\\ud800"}'),
    ("application/json", b"{nope"),
    ("application/json", b"[]"),
    ("application/json", b'"just a string"'),
    ("application/json", b"null"),
    ("application/json", b"1e999999"),
    ("application/json; charset=bz2_codec", b"{}"),
    ("text/plain", b"title=x"),
    ("application/xml", b"<?xml version='1.0'?><a>&xxe;</a>"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=title\r\n\r\nx\r\n--x--"),
    ("application/x-www-form-urlencoded", b"title=%ff%00"),
]


def hostile_json_fields() -> bytes:
    values = {name: MARKUP for name in ("title", "body", "heading_en", "text", "note", "slug", "term_en", "name_en")}
    values.update(
        document="' OR 1=1 --",
        provision="../../etc/passwd",
        parent={"$gt": ""},
        industries=[None, 1, {"a": []}],
        revision=-(10**30),
        position=10**30,
        effective_date="9999-99-99",
        addresses=["\x00", "javascript:alert(1)", "/documents/..%2F..%2F/"],
        as_of="0000-00-00",
    )
    return json.dumps(values).encode()


@pytest.fixture
def consultant_client(django_user_model):
    user = django_user_model.objects.create_user("hostile-consultant")
    user.groups.add(Group.objects.get(name="Consultant"))
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "consultant"])
def test_every_api_operation_survives_hostile_input(client, consultant_client, signed_in):
    caller = consultant_client if signed_in else client
    identifiers = real_identifiers()
    # Deletes last, so that every other operation still finds the objects.
    for method, template, query_names in sorted(api_operations(), key=lambda operation: operation[0] == "DELETE"):
        path = concrete(template, identifiers)
        if method == "GET":
            for name in query_names:
                for value in QUERY_VALUES:
                    get(caller, path, f"{name}={value}")
            get(caller, path, "search=" + "x" * 100_000)
            get(caller, path, "page=-1&cursor=%ff&before=bogus&limit=99999999999999999999")
            continue
        for content_type, body in [*HOSTILE_BODIES, ("application/json", hostile_json_fields())]:
            cache.clear()
            response = caller.generic(method, path, body, content_type=content_type)
            assert_answered(response, f"{method} {path} with {content_type} {body[:40]!r}")
            if method != "DELETE" and content_type.startswith("application/json") and body.startswith(b"["):
                assert response.status_code in (400, 401, 403, 404), f"{method} {path}: {response.status_code}"


def test_the_search_api_survives_hostile_queries(client):
    for path in ("/api/search/", "/api/search/autocomplete/"):
        for name in ("q", "page", "kind", "industry", "year"):
            for value in QUERY_VALUES:
                get(client, path, f"{name}={value}")


def test_a_request_django_refuses_before_any_view_gets_a_json_400_from_the_api_and_a_page_elsewhere(
    client, settings, rf
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = "&".join(f"f{number}=x" for number in range(50))
    page = client.post("/links/check/", fields, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 400 and "too many form fields" in page.content.decode()
    api = client.post("/api/links/check/", fields, content_type="application/x-www-form-urlencoded")
    assert api.status_code == 415 and "detail" in api.json()  # the API reads JSON only
    answer = bad_request(rf.post("/api/links/check/"), TooManyFieldsSent())
    assert answer.status_code == 400 and json.loads(answer.content)["detail"].startswith("The request sends too many")
