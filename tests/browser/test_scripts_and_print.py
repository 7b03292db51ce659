"""What the pages' scripts and print styles do for a reader: copy buttons, autocomplete, the admin's Markdown preview,
the "text as of" date box, and printing."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PROVISION, screenshot
from tests.browser.test_pages import admin_provision_path


def test_cite_panel_copy_buttons_put_the_citation_on_the_clipboard(browser_page):
    page = browser_page
    page.tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.site)
    page.open(PROVISION)
    page.tab.locator("#cite summary").click()
    address = page.tab.locator("#cite .cite-row__text").nth(2).inner_text().strip()
    button = page.tab.locator("#cite .cite-row__copy").nth(2)
    button.click()
    expect(button).to_have_text("Copied")
    assert page.tab.evaluate("navigator.clipboard.readText()") == address
    assert "/documents/industrial-carbon-peaking-2022/part_2__sec_7__item_2/" in address


def test_autocomplete_suggests_as_you_type_and_goes_to_the_choice(browser_page):
    page = browser_page
    page.open("/")
    box = page.tab.locator('input[type="search"][name="q"]').first
    box.press_sequentially("recycl", delay=20)
    suggestions = page.tab.locator(".autocomplete a")
    suggestions.first.wait_for()
    assert suggestions.count() >= 1
    href = suggestions.first.get_attribute("href")
    box.press("ArrowDown")
    page.tab.keyboard.press("Enter")
    page.tab.wait_for_url(page.site + href)
    assert page.tab.locator("h1").count() == 1


def test_text_as_of_date_box_shows_the_text_of_that_day(browser_page):
    page = browser_page
    page.open(PROVISION)
    form = page.tab.locator("form.inline-form", has=page.tab.locator('input[name="as_of"]'))
    form.locator('input[name="as_of"]').fill("2024-01-31")
    form.locator("button").click()
    page.tab.wait_for_load_state()
    assert "as_of=2024-01-31" in page.tab.url or "@2024-01-31" in page.tab.url
    assert "31 January 2024" in page.tab.locator("main").inner_text()


@pytest.mark.parametrize("path", ["/documents/industrial-carbon-peaking-2022/", PROVISION])
def test_print_hides_screen_only_links_and_keeps_the_permanent_address_footer(browser_page, path):
    page = browser_page
    page.open(path)
    page.tab.emulate_media(media="print")
    for hidden in (".main-nav", ".search-box", ".skip-link", ".cite-panel", ".inline-form"):
        assert not page.tab.locator(hidden).first.is_visible(), hidden
    footer = page.tab.locator(".print-footer")
    assert footer.is_visible()
    assert "Permanent address: http" in footer.inner_text()


def test_admin_markdown_preview_renders_and_sanitises(browser_page, request):
    page = browser_page
    page.tab.context.add_cookies(request.getfixturevalue("admin_cookies"))
    page.open(admin_provision_path())
    field = page.tab.locator(".markdown-field", has=page.tab.locator("textarea")).first
    field.locator("textarea").fill(
        "**Bold** and [a link](https://example.org/) <script>window.previewRan = 1</script>"
        '<img src=x onerror="window.previewRan = 1"> [click](javascript:window.previewRan=1)'
    )
    field.locator(".markdown-preview-button").click()
    output = field.locator(".markdown-preview-output")
    output.locator("strong").wait_for()
    assert output.locator("strong").inner_text() == "Bold"
    assert output.locator('a[href="https://example.org/"]').count() == 1
    assert output.locator("script, img[onerror], a[href^='javascript']").count() == 0
    assert page.tab.evaluate("window.previewRan") is None
    screenshot(page, "admin-preview")
