"""What a first-time reader met, checked in the browser: the cite panel, targets on a phone, print, search results
above the fold."""

import re

import pytest

from tests.browser.conftest import PLAN, PROVISION


def test_the_cite_panel_shows_every_line_whole_and_pins_any_day(browser_page):
    page = browser_page
    page.open(PROVISION)
    page.tab.locator("#cite summary").click()
    lines = page.tab.locator("#cite .cite-row__text")
    assert lines.count() == 5
    for index in range(lines.count()):
        clipped = lines.nth(index).evaluate(
            "el => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1"
        )
        assert not clipped, lines.nth(index).inner_text()
    assert "Part 2, section (7), item 2" in lines.nth(0).inner_text()
    page.tab.locator("#cite-on").fill("2024-03-01")
    page.tab.locator("#cite-on").dispatch_event("change")
    pinned = page.tab.locator("[data-pinned-address]")
    assert pinned.inner_text().strip().endswith(f"{PROVISION}@2024-03-01/")
    assert page.tab.locator("#cite dt", has_text="The text as of 1 March 2024").count() == 1


@pytest.mark.parametrize("browser_page", ["phone"], indirect=True)
def test_on_a_phone_each_targets_value_is_on_screen(browser_page):
    page = browser_page
    page.open("/targets/")
    values = page.tab.locator(".targets__value")
    assert values.count() > 10
    for index in (0, 1, values.count() - 1):
        box = values.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, (index, box)
    assert page.tab.evaluate("document.documentElement.scrollWidth") <= 390


def test_print_keeps_a_document_number_on_one_line(browser_page):
    page = browser_page
    page.open(PLAN)
    page.tab.emulate_media(media="print")
    number = page.tab.locator(".doc-number").first
    assert number.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
    assert "88号" in number.inner_text()


@pytest.mark.parametrize("browser_page", ["desktop", "phone"], indirect=True)
def test_the_first_search_result_is_on_the_first_screen(browser_page):
    page = browser_page
    page.open("/search/?q=traction+battery+recycling")
    first = page.tab.locator(".search-hit").first
    box = first.bounding_box()
    height = 900 if page.width == "desktop" else 844
    assert box is not None and box["y"] < height, box
    assert page.tab.locator('input[type="search"][name="q"]:visible').count() == 1  # one search box


def test_recent_changes_group_a_corpus_load_and_filter_by_kind(browser_page):
    page = browser_page
    page.open("/changes/?kind=new-rule")
    kinds = set(page.tab.locator("li.change").evaluate_all("els => els.map(el => el.className)"))
    assert kinds and all(re.search(r"change--new-rule", kind) for kind in kinds)
    page.tab.locator("li.change details summary").first.click()
    assert page.tab.locator("li.change details li").first.is_visible()


def test_the_language_switcher_changes_the_interface_and_it_stays_changed(browser_page):
    page = browser_page
    page.open(PROVISION)
    assert page.tab.evaluate("document.documentElement.lang") == "en"
    page.tab.get_by_role("button", name="简体中文").click()
    page.tab.wait_for_url("**" + PROVISION)
    assert page.tab.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.tab.get_by_role("button", name="简体中文").get_attribute("aria-current") == "true"
    page.tab.get_by_role("navigation", name="主导航").get_by_role("link", name="目标").click()
    page.tab.wait_for_url("**/targets/")
    assert page.tab.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.tab.locator("h1").inner_text() == "目标"
    page.tab.get_by_role("button", name="English").click()
    page.tab.wait_for_url("**/targets/")
    assert page.tab.locator("h1").inner_text() == "Targets"
