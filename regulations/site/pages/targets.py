"""The targets page: every target in one table, filtered by industry (with its sub-industries) or document, sorted by
any column, and charted by target year."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import pgettext_lazy

from regulations.addresses import provision_url, target_list_url
from regulations.models import Document, Industry, Provision, Target
from regulations.site.pages.industries import descendants, indented, industry_tree
from regulations.site.pages.target_chart import target_chart
from regulations.text.figures import target_value_text
from regulations.text.rendering import mark_english

DIRECTIONS = dict(Target.Direction.choices)
TARGET_SORTS = {
    "document": ("provision__document__short_title",),
    "metric": ("metric",),
    "scope": ("scope",),
    "baseline_year": ("baseline_year",),
    "target_year": ("target_year",),
    "value": ("value",),
    "unit": ("unit",),
    "direction": ("direction",),
}
TARGET_COLUMNS = [
    ("metric", pgettext_lazy("target column", "Metric")),
    ("scope", pgettext_lazy("target column", "Scope")),
    ("baseline_year", pgettext_lazy("target column", "Baseline")),
    ("target_year", pgettext_lazy("target column", "Target year")),
    ("value", pgettext_lazy("target column", "Value")),
    ("direction", pgettext_lazy("target column", "Direction")),
    ("document", pgettext_lazy("target column", "Source")),
]


def decorate_target(target: Target) -> Target:
    """Display values computed once in Python (template filters cost more per row)."""
    target.direction_label = DIRECTIONS.get(target.direction, target.direction)
    target.metric_label = target.metric[:1].upper() + target.metric[1:]
    target.value_text = target_value_text(target)
    target.value_html = mark_english(target.value_text)  # the figure is the corpus's, in its words
    target.baseline_text = ""
    if target.baseline_year or target.baseline_value is not None:
        value = f" ({target.baseline_value.normalize():f})" if target.baseline_value is not None else ""
        target.baseline_text = f"{target.baseline_year or ''}{value}".strip()
    # A target of a rule no longer (or not yet) in force says so where it is listed.
    target.rule_in_force = target.provision.document.validity().in_force
    return target


@dataclass
class SortColumn:
    key: str
    label: str
    direction: str  # "ascending", "descending" or ""
    url: str


def sort_columns(values: dict) -> list[SortColumn]:
    """Column headers for the targets table: each links to sorting by it (again: the other way)."""
    current = values.get("sort") or ""
    columns = []
    for key, label in TARGET_COLUMNS:
        direction = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        new_sort = f"-{key}" if direction == "ascending" else key
        url = target_list_url(industry=values.get("industry"), document=values.get("document"), sort=new_sort)
        columns.append(SortColumn(key, label, direction, url))
    return columns


def target_filter_options(drafts: bool = False) -> tuple[list[Industry], list[Document]]:
    """The industries and documents the targets can be filtered by."""
    industries = list(Industry.objects.all())
    documents = list(Document.objects.visible(drafts).order_by("short_title").only("slug", "short_title"))
    return industries, documents


def chosen_targets(
    values: dict, industries: list[Industry], documents: list[Document], drafts: bool = False
) -> tuple[Industry | None, Document | None, list[Target]]:
    """(industry, document, targets) for validated filter values, from the options of target_filter_options."""
    industry = next((item for item in industries if item.slug == values["industry"]), None)
    document = next((item for item in documents if item.slug == values["document"]), None)
    queryset = (
        Target.objects.visible(drafts)
        .select_related("provision__document")
        .prefetch_related("provision__document__events__by")
    )
    if industry is not None:
        industry_tree(list(industries))
        ids = [industry.pk, *(item.pk for item in descendants(industry))]
        queryset = queryset.filter(provision__in=Provision.objects.filter(industries__in=ids).values("pk"))
    if document is not None:
        queryset = queryset.filter(provision__document=document)
    tie_break = ("provision__document__slug", "provision__position", "position")
    sort = values["sort"]
    if sort:
        field_name = sort.lstrip("-")
        descending = sort.startswith("-")
        ordering = [
            F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
            for name in TARGET_SORTS[field_name]
        ]
        queryset = queryset.order_by(*ordering, *tie_break)
    else:
        queryset = queryset.order_by(*tie_break)
    targets = list(queryset)
    for target in targets:
        target.url = provision_url(target.provision.document.slug, target.provision.eid)
        decorate_target(target)
    return industry, document, targets


def target_list_page(values: dict, industries: list[Industry], documents: list[Document], drafts: bool = False) -> dict:
    industry, document, targets = chosen_targets(values, industries, documents, drafts)
    return {
        "values": values,
        "industry": industry,
        "document": document,
        "industry_options": indented(industries),
        "document_options": documents,
        "columns": sort_columns(values),
        "targets": targets,
        "chart": target_chart(targets),
    }
