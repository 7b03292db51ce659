"""The link checker for memos: its five outcomes (ok, changed, moved, removed, not ours / unknown)
through the page and the API, finding addresses in pasted memos, drafts kept from anonymous
readers, bad input answered 400, and a query budget that holds for 500 addresses."""

import datetime
import re

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from regulations.history import linkcheck
from regulations.history.quoted_addresses import find_addresses
from regulations.models import Document, Provision, Publication
from tests.helpers import edit

PLAN = "industrial-carbon-peaking-2022"
ITEM = "part_2__sec_7__item_2"
ITEM_URL = f"/documents/{PLAN}/{ITEM}/"
UNKNOWN = f"/documents/{PLAN}/part_9__sec_99/"
TODAY = timezone.localdate


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def item(plan):
    return plan.provisions.get(eid=ITEM)


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("staff-reader", password="pw")
    user.groups.add(Group.objects.get(name="Compliance staff"))
    return user


def page(client, text, memo_date="", method="post"):
    data = {"text": text, "memo_date": memo_date}
    return client.post("/links/check/", data) if method == "post" else client.get("/links/check/", data)


def checked(api, addresses, as_of=None, status=200):
    body = {"addresses": addresses, **({"as_of": as_of} if as_of else {})}
    response = api.post("/api/links/check/", body, format="json")
    assert response.status_code == status, response.content
    return response.json()


def only(api, address, as_of=None) -> dict:
    body = checked(api, [address], as_of)
    assert len(body["results"]) == 1
    return body["results"][0]


def row_of(html: str, address: str) -> str:
    """The results-table row of one address, as HTML."""
    start = html.index(f'<code class="linkcheck__address">{address}</code>')
    return html[start : html.index("</tr>", start)]


# -- finding addresses -----------------------------------------------------------------------------


MEMO = f"""
# Memo to client: EPR obligations（2024年1月31日）

Under section (7) item 2 of the plan（见 https://rulebook.example{ITEM_URL}），producers must …
See also [the plan](/documents/{PLAN}/) and [its history](/documents/{PLAN}/history/).
Pinned text: <https://rulebook.example{ITEM_URL}@2024-01-31/>.
原文链接：http://www.gov.cn/zhengce/zhengceku/2022-08/01/content_5703910.htm。另见https://example.com/x，以及
“/documents/{PLAN}/part_1__sec_3/”、(https://en.wikipedia.org/wiki/Carbon_peak_(China)).
<p>HTML too: <a href="https://rulebook.example/documents/{PLAN}/?as_of=2024-01-31&amp;x=1">the plan</a></p>
Again: https://rulebook.example{ITEM_URL} and **https://rulebook.example/glossary/**; done!
"""


def test_find_addresses_in_a_realistic_memo():
    assert find_addresses(MEMO) == [
        f"https://rulebook.example{ITEM_URL}",
        f"/documents/{PLAN}/",
        f"/documents/{PLAN}/history/",
        f"https://rulebook.example{ITEM_URL}@2024-01-31/",
        "http://www.gov.cn/zhengce/zhengceku/2022-08/01/content_5703910.htm",
        "https://example.com/x",
        f"/documents/{PLAN}/part_1__sec_3/",
        "https://en.wikipedia.org/wiki/Carbon_peak_(China)",
        f"https://rulebook.example/documents/{PLAN}/?as_of=2024-01-31&x=1",
        "https://rulebook.example/glossary/",
    ]


def test_find_addresses_keeps_the_first_500_and_says_how_many_more():
    text = " ".join(f"https://example.com/{n}" for n in range(520)) + " https://example.com/0"
    found = find_addresses(text)
    assert len(found) == 500 and found[0] == "https://example.com/0" and found[-1] == "https://example.com/499"
    assert found.dropped == 20
    assert "520 different addresses" in found.note and "first 500" in found.note
    assert find_addresses("no links here, only /documents without a slash。") == []


# -- ok ----------------------------------------------------------------------------------------------


def test_ok_a_current_provision_unchanged_since_the_memo_date(api, client, item):
    result = only(api, ITEM_URL, as_of="2024-01-31")
    assert result["outcome"] == "ok"
    assert result["title"] == f"Industrial Carbon Peaking Plan 2.7.2 {item.heading_en}"
    assert result["current_url"] == f"http://testserver{ITEM_URL}"
    assert result["redline_url"] is None and result["changed_on"] is None
    assert "not changed since 31 January 2024" in result["message"]

    response = page(client, f"See {ITEM_URL} for details.", "2024-01-31")
    assert response.status_code == 200
    row = row_of(response.content.decode(), ITEM_URL)
    assert "badge--link-ok" in row and ">ok<" in row and "not changed since 31 January 2024" in row


def test_ok_pages_of_the_site_that_are_not_regulation_texts(api, db):
    body = checked(api, ["/glossary/", "http://testserver/search/?q=battery", "/industries/", "/targets/"])
    assert [r["outcome"] for r in body["results"]] == ["ok"] * 4
    assert "not a regulation text" in body["results"][0]["message"]


# -- changed -----------------------------------------------------------------------------------------


def test_changed_a_pinned_address_and_a_plain_one_with_the_memo_date(api, client, item):
    edit(item, "Amended for the test", text=item.text.replace("the", "THE-AMENDED", 1) + " A new sentence.")
    for address, as_of in ((f"{ITEM_URL}@2024-01-31/", None), (ITEM_URL, "2024-01-31")):
        result = only(api, address, as_of=as_of)
        assert result["outcome"] == "revised", address
        assert result["changed_on"] == TODAY().isoformat()
        assert result["since"] == "2024-01-31"
        assert result["current_url"] == f"http://testserver{ITEM_URL}"
        redline = client.get(result["redline_url"])
        assert redline.status_code == 200
        assert "<ins" in redline.content.decode() and "THE-AMENDED" in redline.content.decode()
    # ?as_of= pins the address just as @date does.
    assert only(api, f"{ITEM_URL}?as_of=2024-01-31")["outcome"] == "revised"
    # Without a reference date there is nothing to compare with.
    assert only(api, ITEM_URL)["outcome"] == "ok"
    # A date after the edit: unchanged since.
    assert only(api, f"{ITEM_URL}@{TODAY().isoformat()}/")["outcome"] == "ok"

    response = page(client, f"Pinned: {ITEM_URL}@2024-01-31/", method="get")
    assert response.status_code == 200
    row = row_of(response.content.decode(), f"{ITEM_URL}@2024-01-31/")
    assert "revised since 31 January 2024" in row and "What we revised" in row


def test_changed_a_document_whose_provision_changed_has_a_document_redline(api, client, item):
    edit(item, heading_en="A heading written after the memo")
    result = only(api, f"/documents/{PLAN}/", as_of="2024-01-31")
    assert result["outcome"] == "revised"
    assert result["redline_url"] == (
        f"http://testserver/documents/{PLAN}/compare/?from=2024-01-31&to={TODAY().isoformat()}"
    )
    redline = client.get(result["redline_url"])
    assert redline.status_code == 200 and "<ins" in redline.content.decode()
    # The untouched documents are not affected.
    assert only(api, "/documents/cn-weee-regulation/", as_of="2024-01-31")["outcome"] == "ok"


def test_a_bookkeeping_save_is_not_a_change(api, item):
    edit(item, note="A research note is not the text.")
    assert only(api, ITEM_URL, as_of="2024-01-31")["outcome"] == "ok"


# -- moved -------------------------------------------------------------------------------------------


def test_moved_a_renumbered_provision_and_a_renamed_document(api, client, plan, item):
    other = plan.provisions.get(eid="part_1__sec_3")
    edit(other, eid="part_1__sec_30")
    result = only(api, f"/documents/{PLAN}/part_1__sec_3/@2024-01-31/")
    assert result["outcome"] == "moved"
    assert result["current_url"] == f"http://testserver/documents/{PLAN}/part_1__sec_30/@2024-01-31/"
    assert only(api, f"/documents/{PLAN}/part_1__sec_3/history/")["current_url"].endswith("part_1__sec_30/history/")

    edit(plan, slug="industrial-carbon-peaking-plan")
    result = only(api, f"https://testserver/documents/{PLAN}/", as_of="2024-01-31")
    assert result["outcome"] == "moved"
    assert result["current_url"] == "https://testserver/documents/industrial-carbon-peaking-plan/"
    assert "not been revised since 31 January 2024" in result["message"]
    result = only(api, f"{ITEM_URL}?as_of=2024-01-31")
    assert (
        result["current_url"] == f"http://testserver/documents/industrial-carbon-peaking-plan/{ITEM}/?as_of=2024-01-31"
    )

    response = page(client, f"Section (7) 2.: {ITEM_URL} and {UNKNOWN}")
    html = response.content.decode()
    assert "badge--link-moved" in row_of(html, ITEM_URL)
    assert f"{ITEM_URL} → http://testserver/documents/industrial-carbon-peaking-plan/{ITEM}/" in html


def test_moved_and_changed_says_both(api, item):
    edit(item, eid="part_2__sec_7__item_20", text="Rewritten after the memo.")
    result = only(api, ITEM_URL, as_of="2024-01-31")
    assert result["outcome"] == "moved"
    assert result["current_url"] == f"http://testserver/documents/{PLAN}/part_2__sec_7__item_20/"
    assert "has also been revised since 31 January 2024" in result["message"]
    assert result["changed_on"] == TODAY().isoformat() and "part_2__sec_7__item_20/compare/" in result["redline_url"]


# -- removed -----------------------------------------------------------------------------------------


def test_removed_a_provision_and_a_document_with_the_date(api, client, item):
    item._change_reason = "Repealed by the 2026 revision"
    heading = item.heading_en
    item.delete()
    result = only(api, ITEM_URL, as_of="2024-01-31")
    assert result["outcome"] == "removed"
    assert result["removed_on"] == TODAY().isoformat()
    assert result["current_url"] is None
    assert "Repealed by the 2026 revision" in result["message"] and heading in result["title"]

    Document.objects.get(slug="eu-battery-regulation-2023-1542").delete()
    assert only(api, "/documents/eu-battery-regulation-2023-1542/")["outcome"] == "removed"

    row = row_of(page(client, ITEM_URL).content.decode(), ITEM_URL)
    assert "badge--link-removed" in row and f"removed from Rulebook on {TODAY():%-d %B %Y}" in row


# -- not ours / unknown ------------------------------------------------------------------------------


def test_not_ours_addresses_on_other_sites(api, client, db):
    body = checked(api, ["https://example.com/x", "mailto:someone@example.com", "ftp://testserver/documents/"])
    assert [r["outcome"] for r in body["results"]] == ["not_ours"] * 3
    assert "example.com" in body["results"][0]["message"]
    assert body["counts"]["not_ours"] == 3 and body["counts"]["ok"] == 0
    row = row_of(page(client, "https://example.com/x").content.decode(), "https://example.com/x")
    assert "badge--link-not_ours" in row and ">not ours<" in row


def test_hosts_are_the_request_host_and_the_named_allowed_hosts(api, db, settings):
    settings.ALLOWED_HOSTS = ["testserver", "rulebook.example", ".example.org", "*"]
    result = only(api, f"https://rulebook.example:8443{ITEM_URL}")
    assert result["outcome"] == "ok" and result["current_url"] == f"https://rulebook.example:8443{ITEM_URL}"
    assert only(api, f"https://www.example.org{ITEM_URL}")["outcome"] == "not_ours"  # wildcards do not count
    assert only(api, f"rulebook.example{ITEM_URL}")["outcome"] == "ok"
    direct = linkcheck.check(ITEM_URL, hosts=[])
    assert direct.outcome == "ok" and direct.current_url == ITEM_URL  # no host given: stays relative


def test_unknown_addresses_of_ours(api, client, db):
    cases = {
        UNKNOWN: "has no provision “part_9__sec_99”",
        "/documents/no-such-document/": "no document “no-such-document”",
        "/documents/no-such-document/part_1/": "no document “no-such-document”",
        f"/documents/{PLAN}/{ITEM}/extra/words/": "no document page at this address",
        "/nowhere/": "Not an address of a page on this site",
        "/industries/no-such-industry/": "no industry",
        f"{ITEM_URL}@2024-02-30/": "cannot be used",
        f"{ITEM_URL}@2999-01-01/": "in the future",
        f"{ITEM_URL}?as_of=yesterday": "not a date",
        f"{ITEM_URL}@2021-01-01/": "did not exist on 1 January 2021",
        "just words": "Not a web address",
    }
    body = checked(api, list(cases))
    for result, (address, message) in zip(body["results"], cases.items(), strict=True):
        assert result["address"] == address
        assert result["outcome"] == "unknown", address
        assert message in result["message"], (address, result["message"])
    assert body["counts"]["unknown"] == len(cases)
    row = row_of(page(client, f"see {UNKNOWN}").content.decode(), UNKNOWN)
    assert "badge--link-unknown" in row


# -- drafts ------------------------------------------------------------------------------------------


def test_drafts_are_unknown_to_anonymous_readers_and_checked_for_staff(api, client, item, staff):
    edit(item, heading_en="SECRET DRAFT HEADING", publication=Publication.DRAFT)
    never = only(api, UNKNOWN)
    result = only(api, ITEM_URL, as_of="2024-01-31")
    assert result["outcome"] == "unknown" and result["title"] == ""
    assert result["message"] == never["message"].replace("part_9__sec_99", ITEM)
    body = page(client, ITEM_URL).content.decode()
    assert "SECRET DRAFT HEADING" not in body and "badge--link-unknown" in row_of(body, ITEM_URL)

    api.force_authenticate(staff)
    result = only(api, ITEM_URL, as_of="2024-01-31")
    assert result["outcome"] == "revised" and "SECRET DRAFT HEADING" in result["title"]
    client.force_login(staff)
    assert "SECRET DRAFT HEADING" in page(client, ITEM_URL).content.decode()


def test_a_removed_draft_stays_unknown_to_anonymous_readers(api, item):
    edit(item, publication=Publication.DRAFT)
    item.delete()
    assert only(api, ITEM_URL)["outcome"] == "unknown"


def test_a_draft_change_is_not_a_change_anonymous_readers_can_see_in_the_document(api, plan, item):
    Provision.objects.create(
        document=plan, eid="part_9", position=9999, kind="general", heading_en="Draft part", publication="draft"
    )
    assert only(api, f"/documents/{PLAN}/", as_of="2024-01-31")["outcome"] == "ok"


# -- the page: form and bad input -------------------------------------------------------------------


def test_the_page_shows_the_form_and_is_linked_from_every_page(client, db):
    response = client.get("/links/check/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Paste links or a memo&#x27;s text" in html or "Paste links or a memo's text" in html
    assert 'name="memo_date"' in html and "Memo written on" in html and "csrfmiddlewaretoken" in html
    assert 'method="post"' in html
    assert 'href="/links/check/"' in client.get("/glossary/").content.decode()


def test_the_page_summarises_the_outcomes(client, item):
    edit(item, text="Rewritten after the memo.")
    text = f"{ITEM_URL} {UNKNOWN} https://example.com/x /documents/{PLAN}/part_1__sec_3/"
    html = page(client, text, "2024-01-31").content.decode()
    assert "4 addresses checked against 31 January 2024" in html
    assert '<dt>Revised</dt><dd><a href="#results-revised">1</a>' in html
    assert '<dt>Ok</dt><dd><a href="#results-ok">1</a>' in html
    assert "<dt>Not ours</dt>" in html and 'id="results-unknown"' in html
    assert "Updated addresses" not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "Paste at least one link"),
        ({"text": ITEM_URL, "memo_date": "31/01/2024"}, "not a date"),
        ({"text": ITEM_URL, "memo_date": "2999-01-01"}, "in the future"),
        ({"text": "x" * 200_001}, "at most 200,000"),
    ],
)
def test_the_page_answers_bad_input_with_400_and_a_message(client, db, data, message):
    response = client.post("/links/check/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'role="alert"' in html
    if len(data["text"]) < 1000:
        assert client.get("/links/check/", data).status_code == 400


def test_the_page_needs_the_csrf_token_to_post(db):
    from django.test import Client

    assert Client(enforce_csrf_checks=True).post("/links/check/", {"text": ITEM_URL}).status_code == 403


def test_text_without_links_is_not_an_error(client, db):
    response = page(client, "A memo without any links.")
    assert response.status_code == 200 and "No addresses found in the text" in response.content.decode()


# -- the API: bad input and schema -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Send “addresses”"),
        ({"addresses": []}, "Send “addresses”"),
        ({"addresses": ["/a/"], "text": "/documents/x/"}, "not both"),
        ({"addresses": "not a list"}, "addresses"),
        ({"addresses": [None]}, "address 1: This field may not be null"),
        ({"addresses": ["/a/", "x" * 2001]}, "address 2: Ensure this field has no more than 2000 characters"),
        ({"addresses": [f"/{n}/" for n in range(501)]}, "At most 500 addresses"),
        ({"text": ""}, "The text is empty"),
        ({"text": "x" * 200_001}, "too long"),
        ({"text": " ".join(f"https://example.com/{n}" for n in range(501))}, "more than 500 addresses"),
        ({"addresses": ["/a/"], "as_of": "31/01/2024"}, "YYYY-MM-DD"),
        ({"addresses": ["/a/"], "as_of": "2999-01-01"}, "in the future"),
        (["a", "list"], "Expected a dictionary"),
    ],
)
def test_the_api_answers_bad_input_with_400_and_a_message(api, db, body, message):
    response = api.post("/api/links/check/", body, format="json")
    assert response.status_code == 400
    assert message in response.json()["detail"], response.json()


def test_the_api_answers_malformed_json_with_400(api, db):
    response = api.post("/api/links/check/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]


def test_the_api_checks_a_memo_text_and_counts_the_outcomes(api, db):
    response = api.post("/api/links/check/", {"text": MEMO, "as_of": "2024-01-31"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [r["address"] for r in body["results"]] == find_addresses(MEMO)
    # rulebook.example is not one of this test server's hosts: only the three paths are ours.
    assert body["counts"] == {
        "ok": 3, "superseded": 0, "repealed": 0, "expired": 0, "not_yet_in_force": 0, "amended": 0, "revised": 0,
        "moved": 0, "removed": 0, "not_ours": 7, "unknown": 0,
    }  # fmt: skip
    assert set(body["results"][0]) == {
        "address", "outcome", "message", "current_url", "redline_url", "changed_on", "removed_on", "title", "since"
    }  # fmt: skip


def test_the_api_is_open_to_anonymous_clients_and_only_answers_post(api, db):
    assert api.get("/api/links/check/").status_code == 405
    assert api.post("/api/links/check/", {"addresses": [ITEM_URL]}, format="json").status_code == 200


def test_the_schema_documents_the_endpoint(api, db):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/links/check/"]["post"]
    assert set(operation["responses"]) >= {"200", "400"}
    result = schema["components"]["schemas"]["LinkCheckResult"]
    outcome = result["properties"]["outcome"]
    if "$ref" in outcome:
        outcome = schema["components"]["schemas"][outcome["$ref"].rsplit("/", 1)[-1]]
    assert outcome["enum"] == list(linkcheck.OUTCOMES)


@pytest.fixture
def _keep_the_test_connection_open():
    """As in test_api_schema: schemathesis calls the WSGI app, whose request signals would close the connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


link_check_schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).include(
    path="/api/links/check/"
)


@link_check_schema.parametrize()
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_endpoint_conforms_to_its_schema_for_generated_input(case, db, _keep_the_test_connection_open):
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance, content_type_conformance])


# -- bulk --------------------------------------------------------------------------------------------


def test_500_addresses_cost_a_handful_of_queries_no_more_than_a_dozen_do(
    api, plan, item, django_assert_max_num_queries
):
    edit(item, text="Rewritten after the memo.")
    edit(plan.provisions.get(eid="part_1__sec_3"), eid="part_1__sec_30")
    addresses = [
        UNKNOWN,
        "https://example.com/x",
        f"/documents/{PLAN}/part_1__sec_3/",
        "/documents/cn-weee-regulation/",
    ]
    addresses += [ITEM_URL, f"{ITEM_URL}@2024-01-31/"]
    for provision in Provision.objects.select_related("document").order_by("-document__slug", "position"):
        url = provision.get_absolute_url()
        addresses += [url, f"{url}@2024-01-31/", f"http://testserver{url}history/", f"{url}?as_of=2023-06-01"]
    addresses += [document.get_absolute_url() for document in Document.objects.all()]
    addresses = list(dict.fromkeys(addresses))[:500]
    assert len(addresses) == 500
    with django_assert_max_num_queries(20) as dozen:
        linkcheck.check_all(addresses[:12], hosts=["http://testserver"], memo_date=datetime.date(2024, 1, 31))
    # In bulk: the cost does not grow with the number of addresses.
    with django_assert_max_num_queries(len(dozen)):
        results = linkcheck.check_all(addresses, hosts=["http://testserver"], memo_date=datetime.date(2024, 1, 31))
    outcomes = {result.address: result.outcome for result in results}
    assert outcomes[ITEM_URL] == "revised" and outcomes[f"{ITEM_URL}@2024-01-31/"] == "revised"
    assert outcomes[f"/documents/{PLAN}/part_1__sec_3/"] == "moved"
    assert outcomes[UNKNOWN] == "unknown" and outcomes["https://example.com/x"] == "not_ours"
    assert outcomes["/documents/cn-weee-regulation/"] == "ok"
    # The bulk answer is the one-by-one answer.
    for address in addresses[:12]:
        one = linkcheck.check(address, hosts=["http://testserver"], memo_date=datetime.date(2024, 1, 31))
        assert one == next(result for result in results if result.address == address)


# -- the cited rule's legal standing comes before Rulebook's own edits --------------------------------------


def test_a_link_to_a_superseded_rule_is_flagged_with_the_replacing_rules_address(api, client, db):
    old = "/documents/cn-nev-battery-interim-measures-2018/"
    result = only(api, old, as_of="2024-01-31")
    assert result["outcome"] == "superseded"
    assert result["current_url"] == "http://testserver/documents/cn-nev-battery-recycling-measures-2026/"
    assert "Reported replaced by" in result["message"] and "1 April 2026" in result["message"]
    row = row_of(page(client, f"See {old}", "2024-01-31").content.decode(), old)
    assert "badge--link-superseded" in row and "Replacing rule" in row


def test_a_provision_of_a_replaced_rule_is_superseded_too(api, db):
    measures = Document.objects.get(slug="cn-nev-battery-interim-measures-2018")
    provision = measures.provisions.order_by("position").first()
    assert only(api, provision.get_absolute_url())["outcome"] == "superseded"


def test_an_amendment_after_the_memo_date_is_a_change_of_the_law(api, db):
    result = only(api, "/documents/cn-weee-regulation/", as_of="2018-01-01")
    assert result["outcome"] == "amended"
    assert result["changed_on"] == "2019-03-02"
    assert "The law changed after 1 January 2018" in result["message"] and "709" in result["message"]
    assert only(api, "/documents/cn-weee-regulation/", as_of="2020-01-01")["outcome"] == "ok"


def test_a_rule_not_yet_in_force_is_flagged_as_such(api, db):
    pending = Document.objects.create(
        slug="pending-rule",
        title_en="Pending rule",
        short_title="Pending",
        kind="measures",
        jurisdiction="CN",
        summary="-",
    )
    today = TODAY()
    pending.events.create(kind="issued", date=today - datetime.timedelta(days=10))
    pending.events.create(kind="entry_into_force", date=today + datetime.timedelta(days=30), position=1)
    result = only(api, "/documents/pending-rule/")
    assert result["outcome"] == "not_yet_in_force"
    assert "Adopted, not yet in force (enters into force on" in result["message"]


def test_an_editorial_revision_alone_is_never_reported_as_a_change_of_the_law(api, item):
    edit(item, "Clearer summary", text=item.text + " Reworded by Rulebook.")
    result = only(api, ITEM_URL, as_of="2024-01-31")
    assert result["outcome"] == "revised"
    assert "the rule itself did not change" in result["message"]
    assert "law changed" not in result["message"]


# -- sharing a check -----------------------------------------------------------------------------------------


def test_the_link_to_a_check_holds_the_addresses_never_the_memo_text(client, db):
    memo = f"Dear client, confidentialmarker: see http://testserver{ITEM_URL} and /documents/{PLAN}/ for details."
    html = client.post("/links/check/", {"text": memo, "memo_date": "2024-01-31"}).content.decode()
    share = re.search(r'<a href="(\?[^"]*)">A link to this check</a>', html).group(1).replace("&amp;", "&")
    assert "confidentialmarker" not in share and "Dear" not in share and "text=" not in share
    assert "memo_date=2024-01-31" in share and share.count("address=") == 2
    again = client.get("/links/check/" + share)
    assert again.status_code == 200
    shared = again.content.decode()
    assert "2 addresses checked against 31 January 2024" in shared
    assert "confidentialmarker" not in shared
