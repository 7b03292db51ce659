"""Every page users reach most, at a desktop and a phone width: no console errors, one h1, Chinese text marked as
such, no serious or critical axe-core violation, no sideways scrolling on the phone outside a table that scrolls,
and a screenshot in build/screenshots/ for a reviewer (with each page's axe-core findings beside it, *.axe.json)."""

import json

import pytest
from django.conf import settings

from tests.browser.conftest import PLAN, PROVISION, SCREENSHOTS, WIDTHS, node_module, screenshot

PAGES = {
    "home": "/",
    "document": "/documents/cn-solid-waste-law-2020/",
    "plan": PLAN,
    "provision": PROVISION,
    "search": "/search/?q=battery+recycling",
    "targets": "/targets/",
    "industries": "/industries/",
    "industry": "/industries/steel/",
    "changes": "/changes/",
    "link-checker": "/links/check/?text=" + "http://127.0.0.1" + PROVISION + "%40" + "2023-01-01/",
    "history": PROVISION + "history/",
    "compare": PLAN + "compare/?from=2023-01-01&to=2026-01-01",
    "admin-provision": None,  # the change form of the provision, with its inlines (its id is the database's)
}
# The Chinese interface of the pages a first-time reader meets first (its labels can be wider than English).
CHINESE_PAGES = {"zh-home": "/", "zh-provision": PROVISION, "zh-search": "/search/?q=battery+recycling"}
PAGES.update(CHINESE_PAGES)
CHINESE = "zh-CN,zh;q=0.9"


def admin_provision_path():
    from regulations.models import Provision

    provision = Provision.objects.get(document__slug="industrial-carbon-peaking-2022", eid="part_2__sec_7__item_2")
    return f"/admin/regulations/provision/{provision.pk}/change/"


def page_path(name):
    return PAGES[name] or admin_provision_path()


# On the Chinese interface: the main English content (titles, headings, our summaries) not marked lang="en".
UNMARKED_ENGLISH = """() => Array.from(document.querySelectorAll([
    ".title-en", ".heading-en", ".doc-item__title", ".search-hit__title",
    ".provision-text:not(.provision-text--original) .prose"].join(", ")))
  .filter((el) => el.textContent.trim() && !/^en/i.test(el.closest("[lang]").getAttribute("lang")))
  .map((el) => el.className + ": " + el.textContent.trim().slice(0, 60))"""

# Text nodes with Chinese characters whose nearest `lang` is not Chinese (form values are the user's own).
UNMARKED_CHINESE = """() => {
  const han = /[\\u3400-\\u9fff]/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    // An SVG <title> is one accessible name and cannot mark a run inside it.
    if (!han.test(node.textContent) || parent.closest("script, style, textarea, option, [hidden], svg title")) continue;
    const lang = (parent.closest("[lang]") || document.documentElement).getAttribute("lang");
    if (!/^zh/i.test(lang)) found.push(node.textContent.trim().slice(0, 60));
  }
  return found;
}"""

# Elements reaching past the right edge of the viewport, unless a scrolling (or clipping) container holds them.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(el).overflowX);
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let inside = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up)) { inside = true; break; }
    }
    if (inside) continue;
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    found.push(name + " right=" + Math.round(box.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: width, elements: found.slice(0, 15)};
}"""

# A region that scrolls sideways says so: it is focusable (keyboard users can scroll it) and labelled.
SILENT_SCROLLERS = """() => Array.from(document.querySelectorAll("body *"))
  .filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
  .filter((el) => !(el.tabIndex >= 0 && (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"))))
  .map((el) => el.tagName.toLowerCase() + "." + el.className)"""


def serious(violations):
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def axe_violations(page):
    # Evaluated through the DevTools protocol, which the pages' Content-Security-Policy does not govern (a <script>
    # tag added to the page would be refused, as it should be).
    page.tab.evaluate(node_module("axe-core", "axe.min.js").read_text(encoding="utf-8"))
    errors_before = len(page.errors)
    results = page.tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    # axe reads a sheet's @import (the admin's forms.css imports widgets.css) by copying it into a <style> element of
    # its own, which the CSP refuses: that refusal is axe's, not the page's.
    page.errors[errors_before:] = [
        error for error in page.errors[errors_before:] if not error.startswith("Applying inline style violates")
    ]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in results["violations"]
    ]


CASES = [(name, width) for name in PAGES for width in WIDTHS]


@pytest.mark.parametrize(("name", "browser_page"), CASES, ids=[f"{n}-{w}" for n, w in CASES], indirect=["browser_page"])
def test_page_is_usable_accessible_and_fits_the_screen(name, browser_page, request):
    page = browser_page
    if name.startswith("admin"):
        page.tab.context.add_cookies(request.getfixturevalue("admin_cookies"))
    if name in CHINESE_PAGES:  # as the switcher leaves it (the context's locale sets Accept-Language)
        page.tab.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": page.site}])
    page.open(page_path(name))
    screenshot(page, name)

    admin = name.startswith("admin")
    assert page.tab.locator("h1").count() == 1
    if not admin:  # the admin's titles are Django's (object names mixing both languages in one string)
        assert page.tab.evaluate(UNMARKED_CHINESE) == []
    if name in CHINESE_PAGES:
        assert page.tab.evaluate("document.documentElement.lang") == "zh-Hans"
        assert page.tab.evaluate(UNMARKED_ENGLISH) == []
    violations = axe_violations(page)
    (SCREENSHOTS / f"{name}-{page.width}.axe.json").write_text(json.dumps(violations, indent=1))
    assert serious(violations) == []
    if page.width == "phone":
        overflow = page.tab.evaluate(OVERFLOWING)
        assert overflow["elements"] == [] and overflow["scrollWidth"] <= overflow["width"], overflow
        assert page.tab.evaluate(SILENT_SCROLLERS) == []
