"""No English interface text on the Chinese interface: the link checker's findings, recent changes, search (notes,
facets, corrections, answers), form errors and 404s, the Markdown export and the admin, each on real pages of the
real corpus. English content stays as written (found in the corpus itself, or marked lang="en"); on the reading
pages (documents, provisions, their history, industries, targets, the glossary) every English run is marked
lang="en", so that it is read as English. English readers see the same words as before."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models

from regulations.models import Document, Provision
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
PLAN = "/documents/industrial-carbon-peaking-2022/"
PROVISION = PLAN + "part_2__sec_7__item_2/"
HAN = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")
# Names and notations that read the same in a Chinese interface.
NAMES = re.compile(
    r"“[^”]*”|(?:Section|Art\.|Part|Chapter|Annex) [\dIVXL.]+|Rulebook|Axes|Markdown|JSON|CSV|YAML|Atom|API|EHS"
    r"|ISIC Rev\.4|GB/T|https?://\S+|/\S+|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S*|[A-Z]{2,}|\b[a-z_]+(?:__[a-z_0-9]+)+"
)
SKIPPED = {"script", "style", "code", "pre", "textarea", "option", "kbd"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def corpus_text() -> str:
    """Every text the corpus holds (titles, headings, summaries, notes, names…), whitespace folded."""
    parts = []
    for model in apps.get_app_config("regulations").get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        json_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        for row in model.objects.values(*fields, *json_fields):
            parts.extend(str(value) for value in row.values() if value)
    return " ".join(" ".join(parts).split())


class UntranslatedText(HTMLParser):
    """Text runs (and titles, labels, placeholders) without Chinese whose language is the page's, not English."""

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, str | None]] = []
        self.found: list[str] = []
        self.page_title: list[str] = []

    def _english_or_skipped(self) -> bool:
        return any(tag in SKIPPED or (lang or "").startswith("en") for tag, lang in self.open)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in VOID:
            self.open.append((tag, attributes.get("lang")))
        if not self._english_or_skipped() and not (attributes.get("lang") or "").startswith("en"):
            for name in ("title", "aria-label", "placeholder", "alt"):
                # Django writes the alt text of its own admin icons (True, False, Search) in English, untranslated.
                django_icon = name == "alt" and (attributes.get("src") or "").startswith("/static/admin/img/")
                if attributes.get(name) and not django_icon:
                    self._check(attributes[name])

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        if self.open and self.open[-1][0] == "title" and len(self.open) <= 3:  # <html><head><title>
            self.page_title.append(data)
        elif not self._english_or_skipped():
            self._check(data)

    def _check(self, text):
        text = " ".join(text.split())
        if text and not HAN.search(text) and WORD.search(NAMES.sub(" ", text)):
            self.found.append(text)


LEADING_NUMBER = re.compile(r"^(?:(?:Art\.|Chapter|Section|Part|Annex) )?[\dIVXL.,()（）、-]+\s+")


def title_pieces(title: str) -> list[str]:
    """A page title's parts ("2. Heading — Document · Rulebook"), each without its leading number: a title cannot
    mark its content's language, so each part must be corpus content or Chinese."""
    return [LEADING_NUMBER.sub("", piece.strip()) for piece in re.split(r" [—·] ", " ".join(title.split()))]


def untranslated(html: str, corpus: str) -> list[str]:
    parser = UntranslatedText()
    parser.feed(html)
    title = [piece for piece in title_pieces("".join(parser.page_title)) if piece]
    parser.found.extend(piece for piece in title if not HAN.search(piece) and WORD.search(NAMES.sub(" ", piece)))
    return [text for text in parser.found if LEADING_NUMBER.sub("", text.strip(" …,.;:()–—✓›")) not in corpus]


def unmarked_english(html: str) -> list[str]:
    """English text runs not marked lang="en", content or not (the page title aside)."""
    parser = UntranslatedText()
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return corpus_text()


def chinese_page(client, address, corpus, status=200, **kwargs):
    response = client.get(address, **CHINESE, **kwargs)
    assert response.status_code == status, address
    html = response.content.decode()
    assert untranslated(html, corpus) == [], address
    return html


def test_the_scanner_finds_english_interface_text_and_passes_content(corpus):
    html = (
        "<html><head><title>2.7.2 Strengthen recycling of renewable (secondary) resources — Industrial Carbon "
        "Peaking Plan · Rulebook</title></head><body>"
        '<p>In force, and the text has not changed.</p><p lang="en">Our own summary.</p>'
        "<p>现行有效 Industrial Carbon Peaking Plan</p><p>Industrial Carbon Peaking Plan</p><p>Rulebook API JSON</p>"
        "<p>github.com/some/where/data/</p></body></html>"
    )
    assert untranslated(html, corpus) == ["In force, and the text has not changed."]
    assert untranslated("<html><head><title>History · Rulebook</title></head></html>", corpus) == ["History"]
    assert unmarked_english(html) == ["In force, and the text has not changed.", "Industrial Carbon Peaking Plan"]


def test_the_link_checkers_findings_are_chinese(client, corpus):
    memo = (
        f"See http://testserver{PROVISION}@2023-01-01/ and http://testserver{PLAN}nope/ and "
        "https://example.org/x and http://testserver/documents/cn-nev-battery-interim-measures-2018/ "
        "and http://testserver/industries/steel/ and http://testserver/documents/gone-away/"
    )
    response = client.post("/links/check/", {"text": memo, "memo_date": "2023-01-01"}, **CHINESE)
    html = response.content.decode()
    assert response.status_code == 200
    assert untranslated(html, corpus) == []
    for words in ("其他网站（example.org）的地址", "中没有条款“nope”", "本站的行业页面", "没有文件“gone-away”"):
        assert words in html
    english = client.post("/links/check/", {"text": memo, "memo_date": "2023-01-01"}).content.decode()
    assert "An address on another site (example.org); Rulebook cannot vouch for it." in english


def test_the_link_checkers_form_errors_are_chinese(client, corpus):
    html = client.post("/links/check/", {"text": "", "memo_date": "2023-02-30"}, **CHINESE).content.decode()
    assert untranslated(html, corpus) == []
    assert "请至少粘贴一个链接" in html and "备忘录日期：" in html


def test_the_link_checkers_api_answers_in_english(client):
    answer = client.post(
        "/api/links/check/", {"addresses": ["https://example.org/x"]}, content_type="application/json", **CHINESE
    )
    assert answer.status_code == 200
    assert "An address on another site (example.org); Rulebook cannot vouch for it." in str(answer.json())


def test_recent_changes_are_summarised_in_chinese(client, corpus):
    html = chinese_page(client, "/changes/", corpus)
    assert re.search(r"新增\d+ 项关联、\d+ 个条款", html)
    english = client.get("/changes/").content.decode()
    assert re.search(r"\d+ relations and \d+ provisions and 1 document record and \d+ legal events? added", english)


def test_recent_changes_filters_and_notes_are_chinese(client, corpus):
    html = chinese_page(client, "/changes/?industry=steel&kind=new-rule&document=nope&before=later", corpus)
    assert "已忽略文件“nope”" in html and "类型为新法规" in html and "已忽略“before”参数" in html
    # The feed is English for every reader (regulations.site.views.changes), and so is its refusal of a filter.
    missing = client.get("/changes/feed/?document=nope", **CHINESE)
    assert missing.status_code == 404
    assert "There is no document “nope”. Leave out document= or choose one" in missing.content.decode()


def test_search_notes_facets_and_match_reasons_are_chinese(client, corpus, corpus_index, settings):
    from tests.helpers import whoosh_at

    if settings.SEARCH_BACKEND == "whoosh":
        settings.SEARCH_BACKENDS = whoosh_at(corpus_index)
    html = chinese_page(client, "/search/?q=recycled+content", corpus)
    assert '匹配位置： <span lang="zh">正文</span>' in html
    for title in ("类型", "文件", "效力状态"):
        assert f"<h2>{title}</h2>" in html
    notes = client.get("/search/?q=nope:x+a*b+kind:", **CHINESE).content.decode()  # echoes the English query
    assert "“nope:”不是筛选条件，已按普通词检索" in notes and "* 只能用在词尾" in notes
    assert "ignored the empty filter" in client.get("/search/?q=nope:x+a*b+kind:").content.decode()
    corrected = client.get("/search/?q=batery+recyling", **CHINESE).content.decode()  # echoes what was typed
    assert "的检索结果——仍检索" in corrected
    chinese_page(client, "/search/?q=EPR", corpus)  # the glossary's definition box
    assert "最佳匹配" in client.get("/search/?q=solid+waste+law", **CHINESE).content.decode()  # a best bet
    within = chinese_page(client, "/search/?q=steel&document=industrial-carbon-peaking-2022", corpus)
    assert "文件: Industrial Carbon Peaking Plan" in within
    chinese_page(client, "/search/?q=recycling&industry=steel&status=in_force", corpus)
    chinese_page(client, "/search/?q=steel&page=x&colour=red", corpus)


def test_search_hits_show_the_full_citation_number(client, corpus_index, settings):
    from tests.helpers import whoosh_at

    if settings.SEARCH_BACKEND == "whoosh":
        settings.SEARCH_BACKENDS = whoosh_at(corpus_index)
    html = client.get("/search/?q=minimum+recycled+content").content.decode()
    numbers = re.findall(r'<span class="search-hit__num"[^>]*>([^<]+)</span>', html)
    assert "Art. 8" in numbers and "8" not in numbers
    pilot = client.get("/search/?q=objectives+and+targets+pilot").content.decode()
    assert '<span class="search-hit__num">Section 1</span>' in pilot
    plan = client.get("/search/?q=strengthen+recycling+of+renewable+resources").content.decode()
    assert '<span class="search-hit__num">2.7.2</span>' in plan


@pytest.mark.parametrize(
    "address",
    [
        "/documents/nope/",
        PLAN + "part_9__sec_99/",
        "/industries/nope/",
        "/documents/?status=bogus&rank=x",
        PLAN + "compare/?from=2099-01-01&to=x",
    ],
)
def test_form_errors_404s_and_problem_pages_are_chinese(client, corpus, address):
    response = client.get(address, **CHINESE)
    assert untranslated(response.content.decode(), corpus) == [], address


def test_the_targets_table_headers_are_chinese(client):
    html = client.get("/targets/?sort=zzz", **CHINESE).content.decode()
    assert "已忽略排序“zzz”" in html
    for header in ("指标", "范围", "基准", "目标年份", "数值", "方向", "出处"):
        assert header in html


def test_the_markdown_exports_labels_follow_the_interface(client):
    chinese = client.get(PLAN + "export.md", **CHINESE).content.decode()
    english = client.get(PLAN + "export.md").content.decode()
    assert "- **文号:** 工信部联节〔2022〕88号" in chinese
    assert "- **Document number:** 工信部联节〔2022〕88号" in english
    # The content stays as written.
    assert "# Implementation Plan for Carbon Peaking in the Industrial Sector" in chinese


@pytest.fixture
def chinese_admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("编辑", "admin@example.org", "pw")  # shown in the header
    client.force_login(user)
    return client


def test_the_admins_names_help_texts_and_actions_are_chinese(chinese_admin, corpus):
    provision = Provision.objects.get(document__slug="industrial-carbon-peaking-2022", eid="part_2__sec_7__item_2")
    change = chinese_admin.get(admin_url(Provision, "change", provision.pk), **CHINESE).content.decode()
    assert "文件内的固定地址" in change and "我方对其内容的摘要" in change
    listing = chinese_admin.get(admin_url(Document, "changelist"), **CHINESE).content.decode()
    assert "发布所选文件" in listing and "当前效力" in listing
    done = chinese_admin.post(
        admin_url(Document, "changelist"),
        {"action": "publish_selected", "_selected_action": [Document.objects.first().pk]},
        follow=True,
        **CHINESE,
    ).content.decode()
    assert "个原已如此" in done


def reading_pages() -> dict[str, list[str]]:
    """Every family of reading page, over the real corpus: each document, and a sample of the rest."""
    from regulations.models import Industry

    documents = list(Document.objects.order_by("slug"))
    provisions = list(Provision.objects.select_related("document").order_by("document__slug", "position"))
    sampled = provisions[::9]
    return {
        "home and lists": ["/", "/documents/", "/documents/?topic=carbon-peaking", "/industries/", "/glossary/"],
        "targets": ["/targets/", "/targets/?sort=-target_year", "/targets/?industry=steel"],
        "documents": [document.get_absolute_url() for document in documents],
        "document history": [PLAN + "history/", PLAN + "@2023-01-01/", documents[0].get_absolute_url() + "history/"],
        "provisions": [provision.get_absolute_url() for provision in sampled],
        "provision history": [
            address
            for provision in sampled[:6]
            for address in (provision.get_absolute_url() + "history/", provision.get_absolute_url() + "@2023-01-01/")
        ],
        "industries": [industry.get_absolute_url() for industry in Industry.objects.order_by("slug")[::3]],
    }


@pytest.mark.parametrize(
    "family",
    ["home and lists", "targets", "documents", "document history", "provisions", "provision history", "industries"],
)
def test_reading_pages_mark_their_english_content(client, corpus, family):
    for address in reading_pages()[family]:
        response = client.get(address, **CHINESE)
        assert response.status_code == 200, address
        html = response.content.decode()
        assert (untranslated(html, corpus), unmarked_english(html)) == ([], []), address


def test_numbers_are_worded_in_chinese_and_targets_without_a_year_say_so(client):
    """The label of a full number is interface (Part 4 → 第4部分), its digits and own wording content."""
    steel = client.get("/industries/steel/", **CHINESE).content.decode()
    assert '<span class="num"><span lang="zh">第4部分</span></span>' in steel
    assert '<span class="num">3.4, <span lang="zh">专栏</span>4</span>' in steel
    english = client.get("/industries/steel/").content.decode()
    assert '<span class="num">Part 4</span>' in english and '<span class="num">3.4, box 4</span>' in english
    cascade = client.get("/industries/electronics/", **CHINESE).content.decode()
    assert '<span class="num"><span lang="en">Art. 6 (and others)</span></span>' in cascade
    assert ">未定年份</text>" in client.get("/targets/", **CHINESE).content.decode()
    assert ">No year</text>" in client.get("/targets/").content.decode()


def registered_models():
    from django.contrib import admin

    return sorted(
        (model for model in admin.site._registry if model._meta.app_label in {"regulations", "search"}),
        key=lambda model: model._meta.label,
    )


@pytest.fixture(scope="module")
def admin_corpus(corpus, django_db_blocker):
    """The corpus and every object's own name (the admin's titles, breadcrumbs and inline rows show them)."""
    with django_db_blocker.unblock():
        names = [str(obj) for model in registered_models() for obj in model._default_manager.all()]
    return corpus + " " + " ".join(" ".join(names).split())


@pytest.mark.parametrize("model", registered_models(), ids=lambda model: model._meta.label)
def test_every_admin_list_and_form_is_chinese(chinese_admin, admin_corpus, model):
    first = model._default_manager.order_by("pk").first()
    pages = [admin_url(model, "changelist"), admin_url(model, "add")]
    if first is not None:
        pages.append(admin_url(model, "change", first.pk))
    for page in pages:
        response = chinese_admin.get(page, **CHINESE)
        assert response.status_code == 200, page
        assert untranslated(response.content.decode(), admin_corpus) == [], page


def test_the_admin_index_and_markdown_preview_are_chinese(chinese_admin, admin_corpus):
    index = chinese_admin.get("/admin/", **CHINESE).content.decode()
    assert untranslated(index, admin_corpus) == []
    assert "Rulebook 编辑后台" in index and "登录尝试" in index
    form = chinese_admin.get(admin_url(Document, "add"), **CHINESE).content.decode()
    assert ">预览 Markdown</button>" in form and 'data-rendering="正在生成…"' in form


def test_the_admins_edit_conflict_message_is_chinese(django_user_model, admin_corpus):
    from django.test import Client

    from tests.helpers import change_form_data

    provision = Provision.objects.get(document__slug="industrial-carbon-peaking-2022", eid="part_2__sec_7__item_2")
    url = admin_url(Provision, "change", provision.pk)
    first, second = Client(), Client()
    first.force_login(django_user_model.objects.create_superuser("甲", "a@example.org", "pw"))
    second.force_login(django_user_model.objects.create_superuser("乙", "b@example.org", "pw"))
    earlier = change_form_data(second, provision, text="乙改写的正文。", change_note="乙的修改")
    assert (
        first.post(url, change_form_data(first, provision, heading_en="甲的标题", change_note="甲的修改")).status_code
        == 302
    )
    response = second.post(url, earlier, **CHINESE)
    assert response.status_code == 200
    message = " ".join(str(error) for error in response.context["adminform"].form.non_field_errors())
    assert "未保存：您编辑期间，甲 于" in message and "对方的变更说明：“甲的修改”" in message
    assert "您未改动此项；表单现显示新值" in message and "您输入的内容都未丢失" in message
    assert untranslated(message, admin_corpus) == []
