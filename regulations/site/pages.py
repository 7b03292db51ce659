"""Query logic for the browse pages.

Each function runs a fixed number of queries and returns plain structures (lists, dicts,
small dataclasses) that templates only loop over: trees are built in Python from one query
ordered by position, and relations are turned into "views from this side" carrying the verb
to print and the address of the other end.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import Count, F, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.urls import get_script_prefix, get_urlconf, reverse

from regulations.history.timeline import decorate_annotations
from regulations.models import (
    Annotation,
    Document,
    DocumentDate,
    GlossaryTerm,
    Industry,
    Provision,
    Publication,
    Relation,
    Target,
    Topic,
)
from regulations.text.cjk import has_cjk
from regulations.text.figures import target_value_text
from regulations.text.rendering import mark_chinese

FEATURED_SLUG = "industrial-carbon-peaking-2022"
TREE_FIELDS = (
    "document_id", "parent_id", "eid", "num", "kind", "heading_en", "heading_zh", "position", "depth", "status",
    "publication",
)  # fmt: skip
INDUSTRY_LINK_FIELDS = ("slug", "name_en", "name_zh", "position", "parent_id")
# Labels looked up once here: get_FOO_display() rebuilds the choices dict on every call.
PROVISION_KINDS = dict(Provision.Kind.choices)
PROVISION_STATUSES = dict(Provision.Status.choices)
DIRECTIONS = dict(Target.Direction.choices)


# -- addresses ---------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _document_url(slug: str, prefix: str, urlconf) -> str:
    return reverse("regulations:document-detail", args=[slug])


def document_url(slug: str) -> str:
    """reverse() for a document, memoised (pages link to the same few documents many times)."""
    return _document_url(slug, get_script_prefix(), get_urlconf())


def provision_url(slug: str, eid: str) -> str:
    # The provision pattern is the document's address followed by "<eid>/" (see regulations/urls.py).
    return f"{document_url(slug)}{eid}/"


@dataclass(frozen=True)
class Agency:
    abbr: str = ""
    zh: str = ""
    en: str = ""
    role: str = ""


def agencies(provision: Provision) -> list[Agency]:
    """responsible_agencies entries with every key present (missing template lookups are slow)."""
    result = []
    for entry in provision.responsible_agencies or []:
        if isinstance(entry, dict):
            result.append(Agency(*(str(entry.get(key) or "") for key in ("abbr", "zh", "en", "role"))))
        elif entry:
            result.append(Agency(zh=str(entry)) if has_cjk(entry) else Agency(en=str(entry)))
    return result


# -- relations seen from one side -----------------------------------------------------------


@dataclass
class RelationView:
    """A relation as seen from one of its ends: “<this> <verb> <other>”."""

    relation: Relation
    outgoing: bool
    verb: str
    this_document: Document
    this_provision: Provision | None
    other_document: Document
    other_provision: Provision | None

    @property
    def other_url(self) -> str:
        if self.other_provision is not None:
            return provision_url(self.other_document.slug, self.other_provision.eid)
        return document_url(self.other_document.slug)

    @property
    def this_url(self) -> str:
        if self.this_provision is not None:
            return provision_url(self.this_document.slug, self.this_provision.eid)
        return document_url(self.this_document.slug)

    @property
    def note(self) -> str:
        return self.relation.note

    @property
    def type_slug(self) -> str:
        return self.relation.type.slug


def outgoing_view(relation: Relation) -> RelationView:
    return RelationView(
        relation,
        True,
        relation.type.verb,
        relation.source_document,
        relation.source_provision,
        relation.target_document,
        relation.target_provision,
    )


def incoming_view(relation: Relation) -> RelationView:
    return RelationView(
        relation,
        False,
        relation.type.reverse_verb,
        relation.target_document,
        relation.target_provision,
        relation.source_document,
        relation.source_provision,
    )


def views_for_document(relations, document: Document) -> list[RelationView]:
    """Every relation touching the document, once per end that lies in it."""
    views = []
    for relation in relations:
        if relation.source_document_id == document.pk:
            views.append(outgoing_view(relation))
        if relation.target_document_id == document.pk:
            views.append(incoming_view(relation))
    return views


def views_for_provisions(relations, provision_ids: set[int]) -> list[RelationView]:
    views = []
    for relation in relations:
        if relation.source_provision_id in provision_ids:
            views.append(outgoing_view(relation))
        if relation.target_provision_id in provision_ids:
            views.append(incoming_view(relation))
    return views


def _relation_order(view: RelationView):
    return (
        not view.outgoing,
        view.relation.type.position,
        view.other_document.slug,
        view.other_provision.position if view.other_provision else -1,
    )


@dataclass
class RelatedGroup:
    document: Document
    views: list[RelationView] = field(default_factory=list)

    @property
    def url(self):
        return document_url(self.document.slug)


def group_by_other_document(views: list[RelationView]) -> list[RelatedGroup]:
    groups: dict[int, RelatedGroup] = {}
    for view in sorted(views, key=_relation_order):
        groups.setdefault(view.other_document.pk, RelatedGroup(view.other_document)).views.append(view)
    return sorted(groups.values(), key=lambda group: (group.document.short_title or group.document.title_en).lower())


# -- what a reader may see -------------------------------------------------------------------


def without_hidden_subtrees(provisions: list[Provision], drafts: bool) -> list[Provision]:
    """Drafts and everything nested in them, from a document-ordered list (parents come first)."""
    if drafts:
        return provisions
    hidden: set[int] = set()
    shown = []
    for provision in provisions:
        if provision.publication == Publication.DRAFT or provision.parent_id in hidden:
            hidden.add(provision.pk)
        else:
            shown.append(provision)
    return shown


# -- provision trees -----------------------------------------------------------------------


def attach_tree(document: Document, provisions: list[Provision]) -> list[Provision]:
    """Give each provision (in document order) .child_nodes, .url and table-of-contents markers.

    Returns the roots. `toc_closes` is how many nested lists close after a node whose
    children are done; `toc_opens` says a nested list starts after it.
    """
    by_id = {provision.pk: provision for provision in provisions}
    roots = []
    base_url = document_url(document.slug)
    for provision in provisions:
        provision.document = document  # already loaded: no query for provision.document
        provision.child_nodes = []
        provision.num_is_zh = has_cjk(provision.num)
        provision.kind_label = PROVISION_KINDS.get(provision.kind, provision.kind)
        provision.status_label = PROVISION_STATUSES.get(provision.status, "")
        provision.url = f"{base_url}{provision.eid}/"
        provision.anchor_url = f"{base_url}#{provision.eid}"
    for provision in provisions:
        parent = by_id.get(provision.parent_id)
        if parent is None:
            roots.append(provision)
        else:
            parent.child_nodes.append(provision)
            provision.parent = parent
    for index, provision in enumerate(provisions):
        next_depth = provisions[index + 1].depth if index + 1 < len(provisions) else 0
        provision.heading_level = min(6, 3 + provision.depth)
        provision.subheading_level = min(6, 4 + provision.depth)
        provision.toc_opens = next_depth > provision.depth
        provision.toc_closes = range(max(0, provision.depth - next_depth))
    return roots


# -- targets -------------------------------------------------------------------------------


def decorate_target(target: Target) -> Target:
    """Display values computed once in Python (template filters cost more per row)."""
    target.direction_label = DIRECTIONS.get(target.direction, target.direction)
    target.metric_label = target.metric[:1].upper() + target.metric[1:]
    target.value_text = target_value_text(target)
    target.value_html = mark_chinese(target.value_text)
    target.baseline_text = ""
    if target.baseline_year or target.baseline_value is not None:
        value = f" ({target.baseline_value.normalize():f})" if target.baseline_value is not None else ""
        target.baseline_text = f"{target.baseline_year or ''}{value}".strip()
    return target


# -- home ----------------------------------------------------------------------------------


def home_page(drafts: bool = False) -> dict:
    counts = {
        "documents": Document.objects.visible(drafts).count(),
        "provisions": Provision.objects.visible(drafts).count(),
        "targets": Target.objects.visible(drafts).count(),
        "relations": Relation.objects.visible(drafts).count(),
        "industries": Industry.objects.count(),
        "glossary": GlossaryTerm.objects.count(),
    }
    documents = list(Document.objects.visible(drafts).for_browsing())
    sort_documents(documents)
    featured = next((document for document in documents if document.slug == FEATURED_SLUG), None)
    headline_targets = []
    if featured is not None:
        headline_provision = (
            Provision.objects.visible(drafts)
            .filter(document=featured, targets__isnull=False)
            .order_by("position")
            .first()
        )
        if headline_provision is not None:
            headline_provision.document = featured
            headline_targets = list(headline_provision.targets.all())
            for target in headline_targets:
                target.provision = headline_provision
                decorate_target(target)
    published_only = None if drafts else Q(documents__publication=Publication.PUBLISHED)
    topics = list(Topic.objects.annotate(document_count=Count("documents", filter=published_only)))
    industries = list(Industry.objects.filter(parent__isnull=True))
    return {
        "counts": counts,
        "featured": featured,
        "headline_targets": headline_targets,
        "documents": documents,
        "topics": topics,
        "industries": industries,
    }


# -- documents -----------------------------------------------------------------------------


def sort_documents(documents: list[Document]) -> None:
    """Newest first by the earliest of signing/issuing/publication/adoption; then by title."""

    def key(document):
        dated = [d.date for d in document.dates.all() if d.kind in DocumentDate.DOCUMENT_DATES]
        first = min(dated) if dated else None
        document.first_date = next((d for d in document.dates.all() if d.date == first), None) if first else None
        return (-(first.toordinal() if first else 0), document.title_en)

    documents.sort(key=key)


@dataclass
class FacetOption:
    value: str
    label: str
    label_zh: str
    count: int
    selected: bool
    url: str


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]
    clear_url: str | None


def _query_string(params: dict) -> str:
    clean = {key: value for key, value in params.items() if value}
    return "?" + urlencode(clean) if clean else ""


def document_list_page(filters: dict, topics: list[Topic], drafts: bool = False) -> dict:
    """filters: validated {'topic': slug|'', 'status': value|'', 'jurisdiction': value|''}."""
    documents = list(Document.objects.visible(drafts).for_browsing())
    sort_documents(documents)
    values = {
        "topic": lambda document: {topic.slug for topic in document.topics.all()},
        "status": lambda document: {document.status},
        "jurisdiction": lambda document: {document.jurisdiction},
    }

    def matches(document, skip=None):
        return all(
            not wanted or wanted in values[name](document)
            for name, wanted in filters.items()
            if name != skip and name in values
        )

    base = reverse("regulations:document-list")
    choices = {
        "topic": [(topic.slug, topic.name_en, topic.name_zh) for topic in topics],
        "status": [(value, label, "") for value, label in Document.Status.choices],
        "jurisdiction": [(value, label, "") for value, label in Document.Jurisdiction.choices],
    }
    labels = {"topic": "Topic", "status": "Status", "jurisdiction": "Jurisdiction"}
    facets = []
    for name in ("topic", "status", "jurisdiction"):
        counts = Counter()
        for document in documents:
            if matches(document, skip=name):
                counts.update(values[name](document))
        options = []
        for value, label, label_zh in choices[name]:
            selected = filters.get(name) == value
            params = {**filters, name: "" if selected else value}
            options.append(FacetOption(value, label, label_zh, counts[value], selected, base + _query_string(params)))
        clear_url = base + _query_string({**filters, name: ""}) if filters.get(name) else None
        facets.append(Facet(name, labels[name], options, clear_url))
    shown = [document for document in documents if matches(document)]
    active = []
    for facet in facets:
        for option in facet.options:
            if option.selected:
                active.append((facet.label, option.label, facet.clear_url))
    return {"documents": shown, "total": len(documents), "facets": facets, "active_filters": active}


def document_page(slug: str, drafts: bool = False) -> dict:
    document = Document.objects.visible(drafts).for_detail().filter(slug=slug).first()
    if document is None:
        raise Http404(f"No document “{slug}”.")
    provisions = without_hidden_subtrees(list(document.provisions.order_by("position")), drafts)
    roots = attach_tree(document, provisions)
    by_id = {provision.pk: provision for provision in provisions}
    # Per-provision lists are fetched with one query each and grouped here: Django's prefetch would
    # clone a queryset per provision, which costs more than the rest of the page on a long document.
    for provision in provisions:
        provision.industry_list, provision.target_list, provision.relation_views = [], [], []
        provision.agencies = agencies(provision)
    links = list(
        Provision.industries.through.objects.filter(provision__document=document)
        .order_by("provision_id", "industry__position")
        .values_list("provision_id", "industry_id")
    )
    industries = Industry.objects.filter(pk__in={industry_id for _, industry_id in links}).only(*INDUSTRY_LINK_FIELDS)
    industries = {industry.pk: industry for industry in industries}
    for industry in industries.values():
        industry.url = reverse("regulations:industry-detail", args=[industry.slug])
    for provision_id, industry_id in links:
        if provision_id in by_id:
            by_id[provision_id].industry_list.append(industries[industry_id])
    for target in Target.objects.filter(provision__document=document).order_by("provision_id", "position"):
        if target.provision_id not in by_id:
            continue
        target.provision = by_id[target.provision_id]
        decorate_target(target)
        target.provision.target_list.append(target)
    relations = list(
        Relation.objects.visible(drafts).touching_document(document).with_light_ends().order_by("position", "pk")
    )
    relations = [r for r in relations if _ends_shown(r, document, by_id)]
    views = views_for_document(relations, document)
    document_views = []
    for view in sorted(views, key=_relation_order):
        if view.this_provision is not None and view.this_provision.pk in by_id:
            by_id[view.this_provision.pk].relation_views.append(view)
        else:
            document_views.append(view)
    target_count = sum(len(provision.target_list) for provision in provisions)
    return {
        "document": document,
        "provisions": provisions,
        "roots": roots,
        "related_groups": group_by_other_document(views),
        "document_relations": document_views,
        "target_count": target_count,
        "document_titles": dict(Document.objects.visible(drafts).values_list("slug", "short_title")),
        "annotations": annotations_for(document, provisions, drafts),
    }


def _ends_shown(relation: Relation, document: Document, shown: dict) -> bool:
    """A relation from or to a provision of this document hidden with its draft parent is hidden too."""
    for document_id, provision_id in (
        (relation.source_document_id, relation.source_provision_id),
        (relation.target_document_id, relation.target_provision_id),
    ):
        if document_id == document.pk and provision_id is not None and provision_id not in shown:
            return False
    return True


def annotations_for(document: Document, provisions: list[Provision], drafts: bool) -> list[Annotation]:
    """The document's own annotations; each shown provision gets `.annotation_list` with its own."""
    by_id = {provision.pk: provision for provision in provisions}
    for provision in provisions:
        provision.annotation_list = []
    own = []
    rows = Annotation.objects.visible(drafts).filter(document=document).select_related("author")
    for annotation in decorate_annotations(list(rows), drafts=drafts):
        if annotation.provision_id is None:
            own.append(annotation)
        elif annotation.provision_id in by_id:
            annotation.provision = by_id[annotation.provision_id]
            by_id[annotation.provision_id].annotation_list.append(annotation)
    return own


def provision_page(slug: str, eid: str, drafts: bool = False) -> dict:
    document = Document.objects.visible(drafts).for_detail().filter(slug=slug).first()
    if document is None:
        raise Http404(f"No document “{slug}”.")
    # The tree (for ancestors, children, previous/next) needs only headings; the page's provision in full.
    provisions = without_hidden_subtrees(list(document.provisions.order_by("position").only(*TREE_FIELDS)), drafts)
    index = next((i for i, provision in enumerate(provisions) if provision.eid == eid), None)
    if index is None:
        raise Http404(f"“{document.short_title}” has no provision “{eid}”.")
    provisions[index] = document.provisions.get(pk=provisions[index].pk)
    attach_tree(document, provisions)
    provision = provisions[index]
    provision.agencies = agencies(provision)
    ancestors = []
    parent = provision.parent if provision.parent_id else None
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent if parent.parent_id else None
    prefetch_related_objects([provision], "industries", "targets", "glossary_terms")
    provision.industry_list = list(provision.industries.all())
    for industry in provision.industry_list:
        industry.url = reverse("regulations:industry-detail", args=[industry.slug])
    provision.target_list = list(provision.targets.all())
    for target in provision.target_list:
        target.provision = provision
        decorate_target(target)
    relations = list(
        Relation.objects.visible(drafts)
        .filter(Q(source_provision=provision) | Q(target_provision=provision))
        .with_light_ends()
        .order_by("position", "pk")
    )
    whole = list(
        Relation.objects.visible(drafts)
        .filter(
            Q(source_document=document, source_provision__isnull=True)
            | Q(target_document=document, target_provision__isnull=True)
        )
        .with_light_ends()
        .order_by("position", "pk")
    )
    views = sorted(views_for_provisions(relations, {provision.pk}), key=_relation_order)
    whole_views = sorted(views_for_document(whole, document), key=_relation_order)
    whole_views = [view for view in whole_views if view.this_provision is None]
    return {
        "document": document,
        "provision": provision,
        "ancestors": ancestors,
        "children": provision.child_nodes,
        "targets": provision.target_list,
        "glossary_terms": list(provision.glossary_terms.all()),
        "annotations": _provision_annotations(provision, drafts),
        "relation_views": views,
        "whole_document_views": whole_views,
        "previous": provisions[index - 1] if index > 0 else None,
        "next": provisions[index + 1] if index + 1 < len(provisions) else None,
    }


def _provision_annotations(provision: Provision, drafts: bool) -> list[Annotation]:
    rows = list(Annotation.objects.visible(drafts).filter(provision=provision).select_related("author"))
    for annotation in rows:
        annotation.provision = provision
    return decorate_annotations(rows, drafts=drafts)


# -- industries ------------------------------------------------------------------------------


def industry_tree(industries: list[Industry]) -> list[Industry]:
    by_id = {industry.pk: industry for industry in industries}
    roots = []
    for industry in industries:
        industry.child_nodes = []
    for industry in industries:
        parent = by_id.get(industry.parent_id)
        if parent is None:
            roots.append(industry)
        else:
            parent.child_nodes.append(industry)
    return roots


def descendants(industry: Industry) -> list[Industry]:
    found, stack = [], list(industry.child_nodes)
    while stack:
        current = stack.pop(0)
        found.append(current)
        stack.extend(current.child_nodes)
    return found


def industry_list_page(drafts: bool = False) -> dict:
    published_only = None
    if not drafts:
        published_only = Q(provisions__publication=Publication.PUBLISHED) & Q(
            provisions__document__publication=Publication.PUBLISHED
        )
    industries = list(Industry.objects.annotate(provision_count=Count("provisions", filter=published_only)))
    return {"rows": indented(industries)}


@dataclass
class KindGroup:
    label: str
    provisions: list[Provision]


@dataclass
class DocumentGroup:
    document: Document
    kinds: list[KindGroup]

    @property
    def count(self):
        return sum(len(group.provisions) for group in self.kinds)


def industry_page(slug: str, drafts: bool = False) -> dict:
    industries = list(Industry.objects.all())
    by_slug = {industry.slug: industry for industry in industries}
    industry = by_slug.get(slug)
    if industry is None:
        raise Http404(f"No industry “{slug}”.")
    industry_tree(industries)
    by_id = {item.pk: item for item in industries}
    ancestors = []
    parent = by_id.get(industry.parent_id)
    while parent is not None:
        ancestors.insert(0, parent)
        parent = by_id.get(parent.parent_id)
    below = descendants(industry)
    ids = [industry.pk, *(item.pk for item in below)]
    provisions = list(
        Provision.objects.visible(drafts)
        .filter(pk__in=Provision.objects.filter(industries__in=ids).values("pk"))
        .select_related("document")
        .prefetch_related("industries", "targets")
        .order_by("document__slug", "position")
    )
    groups: dict[int, DocumentGroup] = {}
    for provision in provisions:
        provision.url = provision_url(provision.document.slug, provision.eid)
        provision.matched_industries = [item for item in provision.industries.all() if item.pk in ids]
        group = groups.setdefault(provision.document_id, DocumentGroup(provision.document, []))
        label = PROVISION_KINDS.get(provision.kind, provision.kind)
        kind_group = next((kg for kg in group.kinds if kg.label == label), None)
        if kind_group is None:
            kind_group = KindGroup(label, [])
            group.kinds.append(kind_group)
        kind_group.provisions.append(provision)
    relations = list(
        Relation.objects.visible(drafts)
        .filter(Q(source_provision__in=provisions) | Q(target_provision__in=provisions))
        .with_light_ends()
        .order_by("position", "pk")
    )
    views = views_for_provisions(relations, {provision.pk for provision in provisions})
    return {
        "industry": industry,
        "ancestors": ancestors,
        "descendants": below,
        "children": industry.child_nodes,
        "document_groups": sorted(groups.values(), key=lambda g: g.document.short_title.lower()),
        "provision_count": len(provisions),
        "related_groups": group_by_other_document(views),
    }


# -- targets -----------------------------------------------------------------------------------

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
    ("metric", "Metric"),
    ("scope", "Scope"),
    ("baseline_year", "Baseline"),
    ("target_year", "Target year"),
    ("value", "Value"),
    ("direction", "Direction"),
    ("document", "Source"),
]


@dataclass
class SortColumn:
    key: str
    label: str
    direction: str  # "ascending", "descending" or ""
    url: str


def sort_columns(values: dict) -> list[SortColumn]:
    """Column headers for the targets table: each links to sorting by it (again: the other way)."""
    base = reverse("regulations:target-list")
    current = values.get("sort") or ""
    columns = []
    for key, label in TARGET_COLUMNS:
        direction = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        new_sort = f"-{key}" if direction == "ascending" else key
        params = {"industry": values.get("industry"), "document": values.get("document"), "sort": new_sort}
        columns.append(SortColumn(key, label, direction, base + _query_string(params)))
    return columns


def indented(industries: list[Industry]) -> list[tuple[Industry, int]]:
    """Industries in tree order with their depth, e.g. for an indented <select>."""
    result = []

    def walk(nodes, depth):
        for node in nodes:
            node.indent = "\u00a0\u00a0" * depth + ("– " if depth else "")
            result.append((node, depth))
            walk(node.child_nodes, depth + 1)

    walk(industry_tree(industries), 0)
    return result


def target_list_page(
    sort: str, industry: Industry | None, document: Document | None, industries=(), drafts: bool = False
) -> dict:
    """industry, if given, must be one of `industries` (all of them, so that descendants are found)."""
    queryset = Target.objects.visible(drafts).select_related("provision__document")
    if industry is not None:
        industry_tree(list(industries))
        ids = [industry.pk, *(item.pk for item in descendants(industry))]
        queryset = queryset.filter(provision__in=Provision.objects.filter(industries__in=ids).values("pk"))
    if document is not None:
        queryset = queryset.filter(provision__document=document)
    tie_break = ("provision__document__slug", "provision__position", "position")
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
    return {"targets": targets, "chart": target_chart(targets)}


@dataclass
class ChartDot:
    x: float
    y: float
    target: Target
    quantified: bool


@dataclass
class ChartRow:
    label: str
    y: float
    count: int
    dots: list[ChartDot]
    count_x: float


@dataclass
class Chart:
    width: int
    height: int
    rows: list[ChartRow]
    label_width: int
    top: int
    total: int


def target_chart(targets: list[Target]) -> Chart | None:
    """A dot strip per target year (one dot per target), laid out for an inline SVG."""
    if not targets:
        return None
    by_year: dict[int | None, list[Target]] = defaultdict(list)
    for target in targets:
        by_year[target.target_year].append(target)
    years = sorted(year for year in by_year if year is not None) + ([None] if None in by_year else [])
    label_width, top, row_height, step = 76, 12, 26, 13
    widest = max(len(items) for items in by_year.values())
    rows = []
    for index, year in enumerate(years):
        items = sorted(by_year[year], key=lambda t: (t.provision.document.slug, t.provision.position, t.position))
        y = top + index * row_height + row_height / 2
        dots = [
            ChartDot(label_width + 10 + i * step, y, target, target.value is not None) for i, target in enumerate(items)
        ]
        rows.append(
            ChartRow(
                str(year) if year is not None else "No year",
                y,
                len(items),
                dots,
                label_width + 10 + len(items) * step + 4,
            )
        )
    width = label_width + 10 + widest * step + 40
    height = top * 2 + len(years) * row_height
    return Chart(max(width, 320), height, rows, label_width, top, len(targets))


# -- glossary ---------------------------------------------------------------------------------


def glossary_page(drafts: bool = False) -> dict:
    terms = list(
        GlossaryTerm.objects.prefetch_related(
            Prefetch(
                "see_provisions",
                queryset=Provision.objects.visible(drafts)
                .select_related("document")
                .order_by("document__slug", "position"),
            )
        )
    )
    for term in terms:
        for provision in term.see_provisions.all():
            provision.url = provision_url(provision.document.slug, provision.eid)
    return {"terms": terms}
