"""The interface in English or Simplified Chinese: chosen by the switcher (remembered in the language cookie), else
by Accept-Language; the content stays in the language it is written in, and the API stays English."""

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PROVISION = "/documents/industrial-carbon-peaking-2022/part_2__sec_7__item_2/"
DOCUMENT = "/documents/industrial-carbon-peaking-2022/"


def html_lang(html):
    return re.search(r'<html lang="([^"]+)">', html).group(1)


def switch(client, language, next_page="/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_page})


def test_accept_language_chinese_gives_the_chinese_interface(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5").content.decode()
    assert html_lang(html) == "zh-Hans"
    assert "最近更新" in html and "现行有效" in html
    assert "Recent changes" not in html


def test_without_a_choice_the_interface_is_english(client):
    html = client.get("/").content.decode()
    assert html_lang(html) == "en"
    assert "Recent changes" in html and "最近更新" not in html


def test_the_switcher_sets_the_cookie_and_is_remembered_across_pages(client):
    response = switch(client, "zh-hans", PROVISION)
    assert response.status_code == 302 and response["Location"] == PROVISION
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    for address in (PROVISION, "/targets/", "/glossary/"):
        assert html_lang(client.get(address).content.decode()) == "zh-Hans", address


def test_an_explicit_english_choice_overrides_a_chinese_accept_language(client):
    switch(client, "en")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert html_lang(html) == "en" and "Recent changes" in html


def test_the_switcher_names_each_language_in_itself_and_marks_the_current_one(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    form = re.search(r'<form class="language-switch".*?</form>', html, re.S).group(0)
    assert 'aria-labelledby="language-switch-label"' in form and "界面语言" in form
    assert 'value="en" lang="en">English</button>' in form
    assert 'value="zh-hans" lang="zh-Hans" aria-current="true">简体中文</button>' in form
    assert 'name="next" value="/"' in form


def visible_content(html):
    """The content's own words on a provision page: its English title and summary, its Chinese heading."""
    title = re.search(r'<span class="heading-en"[^>]*>(.*?)</span>', html).group(1)
    summary = re.search(
        r'<h2 class="provision-texts__label">.*?</h2>\s*<div class="prose"[^>]*>(.*?)</div>', html, re.S
    )
    chinese = re.search(r'<span class="title-zh" lang="zh">(.*?)</span>', html).group(1)
    return title, summary.group(1), chinese


def test_content_is_the_same_text_in_both_interface_languages(client):
    english = client.get(PROVISION).content.decode()
    chinese = client.get(PROVISION, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert visible_content(english) == visible_content(chinese)
    assert "Our summary" in english and "我方摘要" in chinese


def test_english_content_on_the_chinese_interface_is_marked_english(client):
    html = client.get(PROVISION, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<span class="heading-en" lang="en">' in html
    assert '<div class="prose" lang="en">' in html
    # The English interface says it once, on <html>.
    assert '<span class="heading-en">' in client.get(PROVISION).content.decode()


def test_dates_follow_the_interface_language_and_machine_dates_do_not(client):
    english = client.get(DOCUMENT).content.decode()
    chinese = client.get(DOCUMENT, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<time datetime="2022-07-07">7 July 2022</time>' in english
    assert '<time datetime="2022-07-07">2022年7月7日</time>' in chinese


def test_the_english_citation_stays_english_on_the_chinese_interface(client):
    html = client.get(PROVISION, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "引用（英文）" in html
    english_citation = html.split('id="cite-1"', 1)[1].split('data-copy="cite-1"', 1)[0]
    assert 'lang="en"' in english_citation and "7 July 2022" in english_citation
    assert "2022年7月7日" not in english_citation


def test_the_api_answers_in_english_whatever_the_reader_asks(client):
    answer = client.get("/api/documents/industrial-carbon-peaking-2022/", HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    assert answer["status"] == "in_force"
    assert "现行有效" not in str(answer)


def test_pages_say_they_vary_on_language_and_cookie(client):
    vary = client.get(PROVISION)["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600


@pytest.mark.parametrize("address", [PROVISION, DOCUMENT, "/industries/steel/", "/targets/"])
def test_a_cached_page_is_never_served_to_a_reader_of_the_other_language(client, page_cache_on, address):
    english = client.get(address)
    chinese = client.get(address, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert (english["X-Page-Cache"], chinese["X-Page-Cache"]) == ("miss", "miss")
    again_english, again_chinese = client.get(address), client.get(address, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert (again_english["X-Page-Cache"], again_chinese["X-Page-Cache"]) == ("hit", "hit")
    assert html_lang(again_english.content.decode()) == "en"
    assert html_lang(again_chinese.content.decode()) == "zh-Hans"
    # The cookie chooses as Accept-Language does: the switcher's reader gets the Chinese page from the cache.
    switch(client, "zh-hans")
    from_cookie = client.get(address)
    assert from_cookie["X-Page-Cache"] == "hit" and html_lang(from_cookie.content.decode()) == "zh-Hans"


def test_search_hits_show_their_status_in_the_interface_language(client, corpus_index, settings):
    from tests.helpers import whoosh_at

    if settings.SEARCH_BACKEND == "whoosh":
        settings.SEARCH_BACKENDS = whoosh_at(corpus_index)
    html = client.get("/search/?q=battery+recycling", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert html_lang(html) == "zh-Hans"
    assert "条结果" in html
    assert re.search(r'badge--status[^"]*">(现行有效|已被替代|已失效|已被废止|据报)', html)
