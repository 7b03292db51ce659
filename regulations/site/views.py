"""Server-rendered browse pages. Each view: validate GET parameters, query (regulations.browse), render."""

from django import forms
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render

from regulations.history import timeline, versions
from regulations.models import Document, Industry, Provision, Publication, Topic
from regulations.permissions import can_read_internal
from regulations.site import citations, exports
from regulations.site import pages as browse

IGNORED_VALUE_LIMIT = 60


class LenientForm(forms.Form):
    """A GET filter form whose invalid fields are dropped (with a note) rather than failing the page."""

    def usable_data(self) -> tuple[dict, list[str]]:
        self.is_valid()
        values, notes = {}, []
        for name, bound in self.fields.items():
            if name in self.errors:
                raw = str(self.data.get(name, ""))
                if len(raw) > IGNORED_VALUE_LIMIT:
                    raw = raw[:IGNORED_VALUE_LIMIT] + "…"
                notes.append(f"Ignored {bound.label.lower()} “{raw}”: it is not one of the values offered.")
                values[name] = ""
            else:
                values[name] = self.cleaned_data.get(name) or ""
        return values, notes


class DocumentFilterForm(LenientForm):
    topic = forms.ChoiceField(label="Topic", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *Document.Status.choices])
    jurisdiction = forms.ChoiceField(
        label="Jurisdiction", required=False, choices=[("", "Any"), *Document.Jurisdiction.choices]
    )

    def __init__(self, data, topics):
        super().__init__(data)
        self.fields["topic"].choices = [("", "Any"), *((topic.slug, topic.name_en) for topic in topics)]


def _sort_choices():
    choices = [("", "Document order")]
    for key, label in browse.TARGET_COLUMNS:
        choices += [(key, f"{label} (ascending)"), (f"-{key}", f"{label} (descending)")]
    return choices


class TargetFilterForm(LenientForm):
    sort = forms.ChoiceField(label="Sort", required=False, choices=_sort_choices())
    industry = forms.ChoiceField(label="Industry", required=False)
    document = forms.ChoiceField(label="Document", required=False)

    def __init__(self, data, industries, documents):
        super().__init__(data)
        self.fields["industry"].choices = [("", "All industries"), *((i.slug, i.name_en) for i in industries)]
        self.fields["document"].choices = [("", "All documents"), *((d.slug, d.short_title) for d in documents)]


def _site_root(request) -> str:
    """scheme://host, for printing full permanent addresses."""
    return f"{request.scheme}://{request.get_host()}"


def home(request):
    return render(request, "regulations/home.html", {"section": "home", **browse.home_page(_drafts(request))})


def document_list(request):
    topics = list(Topic.objects.all())
    filters, notes = DocumentFilterForm(request.GET, topics).usable_data()
    context = browse.document_list_page(filters, topics, _drafts(request))
    return render(
        request,
        "regulations/document_list.html",
        {"section": "documents", "filters": filters, "notes": notes, **context},
    )


def _drafts(request) -> bool:
    return can_read_internal(request.user)


def problem(request, title: str, message: str, status: int = 400, **context):
    """A clear page for input we cannot use: what was wrong and where to go instead."""
    return render(request, "regulations/problem.html", {"title": title, "message": message, **context}, status=status)


def _follow_old_address(request, slug: str, eid: str | None = None, suffix: str = "", not_found: Http404 | None = None):
    """An address that names nothing current: 301 to where it moved, 410 with the last text if removed."""
    drafts = _drafts(request)
    found = (
        versions.resolve_provision(slug, eid, drafts=drafts) if eid else versions.resolve_document(slug, drafts=drafts)
    )
    if found.outcome == "moved":
        query = request.GET.urlencode()
        return HttpResponsePermanentRedirect(found.url + suffix + (f"?{query}" if query else ""))
    if found.outcome == "removed":
        record = found.last_record
        return render(
            request,
            "regulations/gone.html",
            {
                "record": record,
                "is_provision": eid is not None,
                "slug": slug,
                "document_url": browse.document_url(slug),
            },
            status=410,
        )
    raise not_found or Http404(
        f"No document “{slug}”." if eid is None else f"Document “{slug}” has no provision “{eid}”."
    )


def _current(request, slug: str, eid: str | None = None, suffix: str = ""):
    """(document, provision, None) for a current address, or (None, None, response) for an old one."""
    drafts = _drafts(request)
    document = Document.objects.visible(drafts).filter(slug=slug).first()
    provision = None
    if document is not None and eid is not None:
        provision = Provision.objects.visible(drafts).filter(document=document, eid=eid).first()
    if document is None or (eid is not None and provision is None):
        return None, None, _follow_old_address(request, slug, eid, suffix)
    return document, provision, None


def _pinned_day(request, day: str):
    try:
        return versions.parse_day(day), None
    except versions.InvalidDate as error:
        return None, problem(request, "That date cannot be used", str(error))


def document_detail(request, slug):
    if "as_of" in request.GET:
        return _document_pinned(request, slug, request.GET["as_of"], suffix="")
    try:
        context = browse.document_page(slug, _drafts(request))
    except Http404 as missing:
        return _follow_old_address(request, slug, not_found=missing)
    citation = citations.cite(context["document"], None, _site_root(request))
    return render(
        request,
        "regulations/document_detail.html",
        {
            "section": "documents",
            "site_root": _site_root(request),
            "citation": citation,
            "citation_rows": _citation_rows(citation),
            **context,
        },
    )


def _citation_rows(citation: citations.Citation) -> list[tuple[str, str, str]]:
    rows = [("Citation (English)", citation.english, "en")]
    if citation.chinese:
        rows.append(("Citation (Chinese)", citation.chinese, "zh"))
    rows += [
        ("Permanent address", citation.address, ""),
        (f"The text as of {citation.retrieved_on:%-d %B %Y}", citation.pinned_address, ""),
        ("Markdown link", citation.markdown, ""),
    ]
    return rows


def document_pinned(request, slug, day):
    return _document_pinned(request, slug, day, suffix=f"@{day}/")


def _document_pinned(request, slug, day, suffix):
    document, _, answer = _current(request, slug, suffix=suffix)
    if answer:
        return answer
    day, answer = _pinned_day(request, day)
    if answer:
        return answer
    try:
        context = timeline.pinned_document_page(document, day, drafts=_drafts(request))
    except timeline.NotInForceOnDate as missing:
        return problem(request, f"{document.short_title} on that date", str(missing), status=404, document=document)
    return render(
        request,
        "regulations/document_pinned.html",
        {"section": "documents", "document": document, "site_root": _site_root(request), **context},
    )


def document_history(request, slug):
    document, _, answer = _current(request, slug, suffix="history/")
    if answer:
        return answer
    context = timeline.document_history_page(document, drafts=_drafts(request))
    return render(
        request, "regulations/document_history.html", {"section": "documents", "document": document, **context}
    )


def document_compare(request, slug):
    document, _, answer = _current(request, slug, suffix="compare/")
    if answer:
        return answer
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    if not start or not end:
        return problem(
            request,
            "Choose two versions to compare",
            "A comparison needs a “from” and a “to”: pick two versions on the history page, or give two dates.",
            document=document,
        )
    try:
        context = timeline.document_compare_page(document, start, end, drafts=_drafts(request))
    except versions.InvalidDate as error:
        return problem(request, "That comparison cannot be made", str(error), document=document)
    return render(
        request, "regulations/document_compare.html", {"section": "documents", "document": document, **context}
    )


def provision_detail(request, slug, eid):
    if "as_of" in request.GET:
        return _provision_pinned(request, slug, eid, request.GET["as_of"], suffix="")
    try:
        context = browse.provision_page(slug, eid, _drafts(request))
    except Http404 as missing:
        return _follow_old_address(request, slug, eid, not_found=missing)
    citation = citations.cite(context["document"], context["provision"], _site_root(request), context["ancestors"])
    return render(
        request,
        "regulations/provision_detail.html",
        {
            "section": "documents",
            "site_root": _site_root(request),
            "citation": citation,
            "citation_rows": _citation_rows(citation),
            **context,
        },
    )


def provision_pinned(request, slug, eid, day):
    return _provision_pinned(request, slug, eid, day, suffix=f"@{day}/")


def _provision_pinned(request, slug, eid, day, suffix):
    document, provision, answer = _current(request, slug, eid, suffix=suffix)
    if answer:
        return answer
    day, answer = _pinned_day(request, day)
    if answer:
        return answer
    try:
        context = timeline.pinned_provision_page(provision, day, drafts=_drafts(request))
    except timeline.NotInForceOnDate as missing:
        return problem(
            request,
            f"{document.short_title} {provision.citation_number} on that date",
            str(missing),
            status=404,
            document=document,
            provision=provision,
        )
    return render(
        request,
        "regulations/provision_pinned.html",
        {
            "section": "documents",
            "document": document,
            "provision": provision,
            "site_root": _site_root(request),
            **context,
        },
    )


def provision_history(request, slug, eid):
    document, provision, answer = _current(request, slug, eid, suffix="history/")
    if answer:
        return answer
    context = timeline.provision_history_page(provision, drafts=_drafts(request))
    return render(
        request,
        "regulations/provision_history.html",
        {"section": "documents", "document": document, "provision": provision, **context},
    )


def provision_compare(request, slug, eid):
    document, provision, answer = _current(request, slug, eid, suffix="compare/")
    if answer:
        return answer
    try:
        context = timeline.provision_compare_page(
            provision, request.GET.get("from"), request.GET.get("to"), drafts=_drafts(request)
        )
    except timeline.InvalidVersion as error:
        return problem(request, "That comparison cannot be made", str(error), document=document, provision=provision)
    return render(
        request,
        "regulations/provision_compare.html",
        {"section": "documents", "document": document, "provision": provision, **context},
    )


def industry_list(request):
    return render(
        request,
        "regulations/industry_list.html",
        {"section": "industries", **browse.industry_list_page(_drafts(request))},
    )


def industry_detail(request, slug):
    return render(
        request,
        "regulations/industry_detail.html",
        {"section": "industries", **browse.industry_page(slug, _drafts(request))},
    )


def _target_selection(request, drafts: bool):
    """The targets page's filters and sort, validated leniently (shared by the page and its CSV)."""
    industries = list(Industry.objects.all())
    documents = list(Document.objects.visible(drafts).order_by("short_title").only("slug", "short_title"))
    values, notes = TargetFilterForm(request.GET, industries, documents).usable_data()
    industry = next((i for i in industries if i.slug == values["industry"]), None)
    document = next((d for d in documents if d.slug == values["document"]), None)
    targets_context = browse.target_list_page(values["sort"], industry, document, industries, drafts)
    return values, notes, industries, documents, industry, document, targets_context


def target_list(request):
    values, notes, industries, documents, industry, document, context = _target_selection(request, _drafts(request))
    return render(
        request,
        "regulations/target_list.html",
        {
            "section": "targets",
            "values": values,
            "notes": notes,
            "industry": industry,
            "document": document,
            "industry_options": browse.indented(industries),
            "document_options": documents,
            "columns": browse.sort_columns(values),
            "csv_query": request.GET.urlencode(),
            **context,
        },
    )


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def document_export_json(request, slug):
    document, _, answer = _current(request, slug, suffix="export.json")
    if answer:
        return answer
    if document.publication != Publication.PUBLISHED:
        raise Http404("Drafts are not exported.")
    data = exports.document_json(document, request.build_absolute_uri)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return _attachment(response, f"{slug}.json")


def document_export_markdown(request, slug):
    document, _, answer = _current(request, slug, suffix="export.md")
    if answer:
        return answer
    if document.publication != Publication.PUBLISHED:
        raise Http404("Drafts are not exported.")
    text = exports.document_markdown(document, request.build_absolute_uri)
    return _attachment(HttpResponse(text, content_type="text/markdown; charset=utf-8"), f"{slug}.md")


def target_export_csv(request):
    # Exports leave Rulebook: drafts never go into them, whoever asks.
    targets = _target_selection(request, drafts=False)[-1]["targets"]
    text = exports.targets_csv(targets, request.build_absolute_uri)
    return _attachment(HttpResponse(text, content_type="text/csv; charset=utf-8"), "targets.csv")


def glossary(request):
    return render(
        request, "regulations/glossary.html", {"section": "glossary", **browse.glossary_page(_drafts(request))}
    )


def not_found(request, exception=None):
    message = ""
    if isinstance(exception, Http404) and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message, "path": request.path}, status=404)
