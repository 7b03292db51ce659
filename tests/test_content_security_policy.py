"""Every response carries a Content-Security-Policy that runs only our own script files, and no page, ours or
the admin's, needs inline script or style to work."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from regulations.models import Document, Provision
from tests.helpers import admin_url

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/documents/",
    "/documents/industrial-carbon-peaking-2022/",
    "/documents/industrial-carbon-peaking-2022/part_2__sec_7__item_2/",
    "/industries/",
    "/targets/",
    "/glossary/",
    "/search/?q=battery",
    "/changes/",
    "/links/check/",
    "/no-such-page/",
    "/admin/login/",
    "/api/docs/",
]
JSON = ["/api/documents/", "/api/search/?q=battery", "/api/search/autocomplete/?q=bat"]


class InlineCode(HTMLParser):
    """Collects what a strict policy refuses: script elements with a body, style elements, on…= handlers,
    style attributes and javascript: links."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self._in_script = True
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if name == "href" and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} href=javascript:…>")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("address", PAGES + JSON)
def test_every_response_runs_only_our_own_script_files(client, address):
    response = client.get(address)
    policy = policy_of(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("address", PAGES)
def test_no_page_has_inline_script_or_style(client, address):
    response = client.get(address)
    assert inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_the_api_docs_script_is_its_own_request(client):
    page = client.get("/api/docs/").content.decode()
    assert 'src="/api/docs/?script=' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


@pytest.fixture
def admin_client_signed_in(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("csp-admin", "csp@example.com", "pw"))
    return client


@pytest.mark.django_db
def test_the_admin_needs_no_inline_script_or_style(admin_client_signed_in, plan):
    provision = Provision.objects.filter(document=plan).first()
    addresses = [
        "/admin/",
        admin_url(Document, "changelist"),
        admin_url(Document, "change", plan.pk),
        admin_url(Document, "add"),
        admin_url(Provision, "changelist"),
        admin_url(Provision, "change", provision.pk),
    ]
    for address in addresses:
        response = admin_client_signed_in.get(address)
        assert response.status_code == 200, address
        assert inline_code(response.content.decode()) == [], address


def test_no_template_of_ours_has_inline_script_or_style():
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if (found := inline_code(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
