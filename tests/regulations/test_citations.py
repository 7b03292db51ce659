"""The cite panel and the printed footer: citations in English and Chinese, and the addresses to quote."""

import html
import re

from django.utils import timezone

PLAN = "/documents/industrial-carbon-peaking-2022/"
ITEM = PLAN + "part_2__sec_7__item_2/"


def field(page: str, label: str) -> str:
    match = re.search(
        rf"<dt id=\"cite-label-(\d+)\">{re.escape(label)}</dt>\s*<dd><span id=\"cite-\1\"[^>]*>(.*?)</span>\s*<button",
        page,
        re.S,
    )
    assert match, f"no “{label}” in the cite panel"
    # What a reader copies is the text: Chinese runs inside an English citation are marked up as such.
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))


def test_provision_citation_names_issuers_title_number_date_and_the_full_provision_number(client, db):
    page = client.get(ITEM).content.decode()
    english = field(page, "Citation (English)")
    assert english.startswith("MIIT, NDRC, MEE, Implementation Plan for Carbon Peaking in the Industrial Sector, ")
    assert "工信部联节〔2022〕88号, 7 July 2022, " in english
    # English readers get the place in words, not the Chinese numbering.
    assert english.endswith(", Part 2, section (7), item 2, Strengthen recycling of renewable (secondary) resources.")
    chinese = field(page, "Citation (Chinese)")
    assert chinese.startswith(
        "工信部、国家发展改革委、生态环境部《工业领域碳达峰实施方案》（工信部联节〔2022〕88号），2022年7月7日，"
    )
    assert chinese.endswith("，二、（七）2.加强再生资源循环利用。")


def test_the_addresses_in_the_panel_answer_and_the_dated_one_is_pinned_to_today(client, db):
    page = client.get(ITEM).content.decode()
    today = timezone.localdate()
    address = field(page, "Permanent address")
    pinned = field(page, f"The text as of {today.day} {today:%B %Y}")
    assert address == f"http://testserver{ITEM}"
    assert pinned == f"http://testserver{ITEM}@{today.isoformat()}/"
    assert client.get(pinned.removeprefix("http://testserver")).status_code == 200
    markdown = field(page, "Markdown link")
    assert markdown == f"[Industrial Carbon Peaking Plan 2.7.2]({address})"


def test_document_citation_and_print_footer(client, db):
    page = client.get(PLAN).content.decode()
    assert field(page, "Citation (Chinese)").startswith("工信部、国家发展改革委、生态环境部《工业领域碳达峰实施方案》")
    footer = re.search(r'<p class="print-footer">(.*?)</p>', page, re.S).group(1)
    assert f"Permanent address: http://testserver{PLAN}" in footer
    assert f"Retrieved {timezone.localdate().day} " in footer


def test_copy_buttons_wait_for_javascript(client, db):
    page = client.get(ITEM).content.decode()
    buttons = re.findall(r"<button[^>]*data-copy[^>]*>", page)
    assert len(buttons) == 5 and all("hidden" in button for button in buttons)


def test_the_dated_address_can_be_pinned_to_any_day_up_to_today(client, db):
    page = client.get(ITEM, {"cite_on": "2024-03-01"}).content.decode()
    assert '<details class="cite-panel" id="cite" open>' in page
    pinned = field(page, "The text as of 1 March 2024")
    assert pinned == f"http://testserver{ITEM}@2024-03-01/"
    assert client.get(pinned.removeprefix("http://testserver")).status_code == 200
    assert 'name="cite_on" value="2024-03-01"' in page


def test_a_day_that_cannot_be_pinned_is_explained_in_the_panel_and_today_is_pinned(client, db):
    today = timezone.localdate()
    for asked, message in [("2999-01-01", "is in the future"), ("1 March", "is not a date")]:
        response = client.get(ITEM, {"cite_on": asked})
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page and "The dated address above is today" in page
        assert field(page, f"The text as of {today.day} {today:%B %Y}").endswith(f"@{today.isoformat()}/")


def test_articles_are_cited_as_articles_in_english(client, db):
    page = client.get("/documents/cn-solid-waste-law-2020/").content.decode()
    article = re.search(r'href="(/documents/cn-solid-waste-law-2020/[a-z_0-9]*art_66/)"', page)
    assert article, "the Solid Waste Law has its Art. 66"
    english = field(client.get(article.group(1)).content.decode(), "Citation (English)")
    assert ", Article 66, " in english
