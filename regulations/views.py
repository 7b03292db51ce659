"""Server-rendered browse pages. Each view: validate GET parameters, query (regulations.browse), render."""

from django import forms
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from regulations import browse, exports
from regulations.models import Document, Industry, Topic

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
    return render(request, "regulations/home.html", {"section": "home", **browse.home_page()})


def document_list(request):
    topics = list(Topic.objects.all())
    filters, notes = DocumentFilterForm(request.GET, topics).usable_data()
    context = browse.document_list_page(filters, topics)
    return render(
        request,
        "regulations/document_list.html",
        {"section": "documents", "filters": filters, "notes": notes, **context},
    )


def document_detail(request, slug):
    context = browse.document_page(slug)
    return render(
        request,
        "regulations/document_detail.html",
        {"section": "documents", "site_root": _site_root(request), **context},
    )


def provision_detail(request, slug, eid):
    context = browse.provision_page(slug, eid)
    return render(
        request,
        "regulations/provision_detail.html",
        {"section": "documents", "site_root": _site_root(request), **context},
    )


def industry_list(request):
    return render(request, "regulations/industry_list.html", {"section": "industries", **browse.industry_list_page()})


def industry_detail(request, slug):
    return render(request, "regulations/industry_detail.html", {"section": "industries", **browse.industry_page(slug)})


def _target_selection(request):
    """The targets page's filters and sort, validated leniently (shared by the page and its CSV)."""
    industries = list(Industry.objects.all())
    documents = list(Document.objects.order_by("short_title").only("slug", "short_title"))
    values, notes = TargetFilterForm(request.GET, industries, documents).usable_data()
    industry = next((i for i in industries if i.slug == values["industry"]), None)
    document = next((d for d in documents if d.slug == values["document"]), None)
    targets_context = browse.target_list_page(values["sort"], industry, document, industries)
    return values, notes, industries, documents, industry, document, targets_context


def target_list(request):
    values, notes, industries, documents, industry, document, context = _target_selection(request)
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
    document = get_object_or_404(Document.objects.select_related("superseded_by"), slug=slug)
    data = exports.document_json(document, request.build_absolute_uri)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return _attachment(response, f"{slug}.json")


def document_export_markdown(request, slug):
    document = get_object_or_404(Document, slug=slug)
    text = exports.document_markdown(document, request.build_absolute_uri)
    return _attachment(HttpResponse(text, content_type="text/markdown; charset=utf-8"), f"{slug}.md")


def target_export_csv(request):
    targets = _target_selection(request)[-1]["targets"]
    text = exports.targets_csv(targets, request.build_absolute_uri)
    return _attachment(HttpResponse(text, content_type="text/csv; charset=utf-8"), "targets.csv")


def glossary(request):
    return render(request, "regulations/glossary.html", {"section": "glossary", **browse.glossary_page()})


def not_found(request, exception=None):
    message = ""
    if isinstance(exception, Http404) and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message, "path": request.path}, status=404)
