"""The admin: the consultants' editor of the corpus.

Edits made here live in the database; `manage.py export_regulations` writes them back to the
corpus files. Model clean() methods and the forms in regulations.forms turn what the database
would refuse (a cycle in a provision tree, a parent in another document…) into field errors.

The five models with history (Document, Provision, Target, Relation, Annotation) use
simple-history's admin: a history page per object, with reverting. Their forms carry an optional
change note, kept as the history record's change reason, and the revision the editor loaded, so
that an edit made on an outdated page is refused rather than silently undoing someone else's
(regulations.locking). Markdown fields have a preview, rendered by the endpoint below exactly as
the pages render them.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.urls import path
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.timezone import localtime
from simple_history.admin import SimpleHistoryAdmin

from regulations.admin.forms import (
    CHANGE_NOTE_LENGTH,
    AnnotationAdminForm,
    AnnotationInlineForm,
    CompactSelect,
    DocumentAdminForm,
    GlossaryTermAdminForm,
    IndustryAdminForm,
    ProvisionAdminForm,
    ProvisionAnnotationFormSet,
    ProvisionInlineForm,
    ProvisionInlineFormSet,
    RelationAdminForm,
    RelationInlineForm,
    TargetAdminForm,
    TargetInlineForm,
    outline_label,
)
from regulations.history.locking import REVISION_FIELD
from regulations.models import (
    Annotation,
    Authority,
    Document,
    DocumentDate,
    DocumentIssuer,
    GlossaryTerm,
    Industry,
    Provision,
    Publication,
    Relation,
    RelationType,
    Target,
    Topic,
)
from regulations.text.rendering import render_markdown

admin.site.site_header = "Rulebook editor"
admin.site.site_title = "Rulebook editor"
admin.site.index_title = "Corpus"

INDENT_EM = 1.5


def indented(depth: int, text: str):
    return format_html('<span style="padding-left: {}em">{}</span>', depth * INDENT_EM, text)


# -- history, change notes, optimistic locking, Markdown preview ----------------------------

CHANGE_NOTE = "change_note"
PREVIEW_MAX_CHARS = 200_000
MARKDOWN_MODELS = ("document", "provision", "annotation")
PREVIEW_JS = ["js/admin-preview.js"]


def with_tracking_fields(fieldsets, *, lock: bool, note: bool):
    """The fieldsets, with the hidden loaded revision and the change note when the user may save."""
    result = []
    for name, options in fieldsets:
        fields = [field for field in options.get("fields", []) if field not in (REVISION_FIELD, CHANGE_NOTE)]
        result.append((name, {**options, "fields": fields}))
    if lock and result:
        result[0][1]["fields"].append(REVISION_FIELD)
    if note:
        result.append(("Change note", {"fields": [CHANGE_NOTE]}))
    return result


def can_preview_markdown(user) -> bool:
    return bool(
        user.is_active
        and user.is_staff
        and any(
            user.has_perm(f"regulations.{action}_{model}") for action in ("add", "change") for model in MARKDOWN_MODELS
        )
    )


class ProvisionLabels:
    """Provision choices load their document: a provision's label (and so each selected option) names it."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Provision and "queryset" not in kwargs:
            kwargs["queryset"] = Provision.objects.select_related("document")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TrackedAdmin(ProvisionLabels, SimpleHistoryAdmin):
    """A model with history and revisions: change notes, locking, publication actions, reverting."""

    history_list_display = ["revision"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            may_save = self.has_add_permission(request)
        else:
            may_save = self.has_change_permission(request, obj)
        return with_tracking_fields(fieldsets, lock=may_save and obj is not None, note=may_save)

    def change_reason(self, request, obj, form) -> str | None:
        note = (form.cleaned_data.get(CHANGE_NOTE) or "").strip() if CHANGE_NOTE in form.fields else ""
        reverted_from = getattr(obj, "_history", None)
        if not note and reverted_from is not None:
            note = (
                f"Reverted to revision {reverted_from.revision} "
                f"of {date_format(localtime(reverted_from.history_date), 'DATETIME_FORMAT')}"
            )
        return note[:CHANGE_NOTE_LENGTH] or None

    def save_model(self, request, obj, form, change):
        obj._change_reason = self.change_reason(request, obj, form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = getattr(form.instance, "_change_reason", None)
        for row in formset.forms:
            if reason:
                row.instance._change_reason = reason
            if isinstance(row.instance, Annotation) and row.instance.pk is None:
                row.instance.author = request.user
        super().save_formset(request, form, formset, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's revert view checks only the view permission, and builds an editable form
        # even for a user who may only view: without this, a read-only user could save any old version.
        if request.method == "POST" and (self.revert_disabled(request) or not self.has_change_permission(request)):
            raise PermissionDenied
        # The revert form saves like the change form does: in one transaction, so the lock holds.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    # -- publication ------------------------------------------------------------------------

    def _set_publication(self, request, queryset, value, reason, done):
        opts = self.model._meta
        pks = list(queryset.values_list("pk", flat=True))
        changed = 0
        with transaction.atomic(using=router.db_for_write(self.model)):
            rows = self.model._default_manager.filter(pk__in=pks).select_for_update().order_by("pk")
            for obj in rows:
                if obj.publication == value:
                    continue
                obj.publication = value
                obj._change_reason = reason
                obj._history_user = request.user
                obj.save()  # one save (and one history record) per object, never queryset.update()
                label = capfirst(opts.get_field("publication").verbose_name)
                self.log_change(request, obj, [{"changed": {"fields": [label]}}])
                changed += 1
        unchanged = len(pks) - changed
        message = f"{changed} {model_ngettext(opts, changed)} {done}."
        if unchanged:
            message += f" {unchanged} already {'was' if unchanged == 1 else 'were'}."
        self.message_user(request, message, messages.SUCCESS if changed else messages.INFO)

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._set_publication(request, queryset, Publication.PUBLISHED, "Published", "published")

    @admin.action(description="Mark selected %(verbose_name_plural)s as draft", permissions=["change"])
    def mark_selected_as_draft(self, request, queryset):
        self._set_publication(request, queryset, Publication.DRAFT, "Marked as draft", "marked as draft")


class TrackedInline(ProvisionLabels):
    """An inline of a model with revisions: each row carries the revision its editor loaded."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return with_tracking_fields(fieldsets, lock=self.has_change_permission(request, obj), note=False)


# -- reference lists ----------------------------------------------------------------------


class DocumentCountAdmin(admin.ModelAdmin):
    """Lists how many documents each entry is linked to (authorities issue them, topics group them)."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("documents", distinct=True))

    @admin.display(description="documents", ordering="document_count")
    def document_count(self, obj):
        return obj.document_count


@admin.register(Authority)
class AuthorityAdmin(DocumentCountAdmin):
    list_display = ["abbreviation", "name_en", "name_zh", "short_name_zh", "slug", "document_count"]
    search_fields = ["slug", "abbreviation", "name_en", "name_zh", "short_name_zh"]
    ordering = ["abbreviation", "name_zh"]
    prepopulated_fields = {"slug": ["abbreviation"]}


@admin.register(Topic)
class TopicAdmin(DocumentCountAdmin):
    list_display = ["name_en", "name_zh", "slug", "position", "document_count"]
    list_editable = ["position"]
    search_fields = ["slug", "name_en", "name_zh", "description"]
    ordering = ["position", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(RelationType)
class RelationTypeAdmin(admin.ModelAdmin):
    list_display = ["slug", "verb", "reverse_verb", "symmetric", "position"]
    list_editable = ["position"]
    list_filter = ["symmetric"]
    search_fields = ["slug", "verb", "reverse_verb"]
    ordering = ["position"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    form = IndustryAdminForm
    list_display = ["outline", "name_zh", "slug", "parent", "gbt4754_verified", "isic_verified", "provision_count"]
    list_filter = ["gbt4754_verified", "isic_verified", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent__parent"]
    search_fields = ["slug", "name_en", "name_zh", "aliases", "note"]
    ordering = ["position"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "name_en", "name_zh", "parent", "position", "aliases", "note"]}),
        (
            "Classification codes",
            {
                "fields": [
                    ("gbt4754_divisions", "gbt4754_classes"),
                    ("gbt4754_verified", "gbt4754_note"),
                    ("isic_divisions", "isic_classes"),
                    ("isic_verified", "isic_note"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(provision_count=Count("provisions", distinct=True))

    @admin.display(description="industry", ordering="position")
    def outline(self, obj):
        depth, parent = 0, obj.parent
        while parent is not None and depth < 10:
            depth, parent = depth + 1, parent.parent
        return indented(depth, obj.name_en)

    @admin.display(description="provisions", ordering="provision_count")
    def provision_count(self, obj):
        return obj.provision_count


# -- documents ------------------------------------------------------------------------------


class DocumentIssuerInline(admin.TabularInline):
    model = DocumentIssuer
    fields = ["authority", "role", "position"]
    autocomplete_fields = ["authority"]
    ordering = ["position"]
    extra = 0


class DocumentDateInline(admin.TabularInline):
    model = DocumentDate
    fields = ["kind", "date", "precision", "verified"]
    ordering = ["date", "kind"]
    extra = 0


class ProvisionInline(TrackedInline, admin.TabularInline):
    """The document's provision tree, compact: full editing happens on the provision's own page."""

    model = Provision
    form = ProvisionInlineForm
    formset = ProvisionInlineFormSet
    fields = ["outline", "eid", "num", "heading_en", "kind", "position", "parent"]
    readonly_fields = ["outline"]
    ordering = ["position"]
    extra = 0
    show_change_link = True
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("parent", "kind"):
            kwargs["widget"] = CompactSelect
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="outline")
    def outline(self, obj):
        if obj.pk is None:
            return ""
        return indented(obj.depth, f"{obj.num or '·'} {obj.heading_en}")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        parent = formset.form.base_fields["parent"]
        # A parent is chosen among this document's provisions only; labels show the tree.
        parent.queryset = Provision.objects.filter(document=obj) if obj else Provision.objects.none()
        parent.choices = [("", "— top level —")] + [
            (provision.pk, outline_label(provision)) for provision in parent.queryset.order_by("position")
        ]
        return formset


class RelationInline(TrackedInline, admin.StackedInline):
    """The document's outgoing relations (those it, or one of its provisions, asserts)."""

    model = Relation
    form = RelationInlineForm
    fk_name = "source_document"
    verbose_name = "outgoing relation"
    verbose_name_plural = "outgoing relations"
    fields = [
        ("type", "source_provision"),
        ("target_document", "target_provision"),
        "note",
        ("asserted_by", "asserted_on", "position"),
    ]
    autocomplete_fields = ["type", "source_provision", "target_document", "target_provision"]
    ordering = ["position"]
    extra = 0
    show_change_link = True
    classes = ["collapse"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "type", "source_document", "source_provision__document", "target_document", "target_provision__document"
            )
        )


class AnnotationInline(TrackedInline, admin.StackedInline):
    model = Annotation
    form = AnnotationInlineForm
    fields = [
        ("kind", "visibility", "publication"),
        "title",
        "body",
        ("effective_date", "source_url"),
        ("author", "written_against_revision", "written_against_at"),
    ]
    readonly_fields = ["author", "written_against_revision", "written_against_at"]
    ordering = ["-effective_date", "-created_at"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class DocumentAnnotationInline(AnnotationInline):
    """The document's own annotations; those on one of its provisions are on the provision's page."""

    fk_name = "document"
    verbose_name = "annotation on the whole document"
    verbose_name_plural = "annotations on the whole document"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(provision__isnull=True)


class ProvisionAnnotationInline(AnnotationInline):
    fk_name = "provision"
    formset = ProvisionAnnotationFormSet


@admin.register(Document)
class DocumentAdmin(TrackedAdmin):
    form = DocumentAdminForm
    list_display = [
        "short_title", "slug", "kind", "jurisdiction", "status", "publication", "doc_number", "year", "provision_count",
    ]  # fmt: skip
    list_filter = [
        "publication", "jurisdiction", "kind", "status", "topics", "issuers", "status_verified", "doc_number_verified",
    ]  # fmt: skip
    search_fields = ["slug", "short_title", "title_en", "title_zh", "notice_title_zh", "doc_number"]
    ordering = ["slug"]
    list_select_related = ["superseded_by"]
    autocomplete_fields = ["superseded_by"]
    readonly_fields = ["revision", "updated_at"]
    filter_horizontal = ["topics"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [DocumentIssuerInline, DocumentDateInline, ProvisionInline, RelationInline, DocumentAnnotationInline]
    actions = ["publish_selected", "mark_selected_as_draft"]
    fieldsets = [
        (None, {"fields": ["slug", "short_title", "kind", "form", "level", "jurisdiction", "language", "topics"]}),
        ("Titles", {"fields": ["title_en", "title_zh", "title_note", "notice_title_en", "notice_title_zh"]}),
        ("Number", {"fields": ["doc_number", "doc_number_note", "doc_number_verified"]}),
        (
            "Status",
            {"fields": ["status", "status_detail", "status_note", "status_verified", "superseded_by", "dates_note"]},
        ),
        ("Content", {"fields": ["summary", "details", "sources"]}),
        ("Record", {"fields": ["publication", ("revision", "updated_at")]}),
    ]

    class Media:
        js = PREVIEW_JS

    def get_urls(self):
        preview = path(
            "preview-markdown/",
            self.admin_site.admin_view(self.markdown_preview_view),
            name="regulations_markdown_preview",
        )
        return [preview, *super().get_urls()]

    def markdown_preview_view(self, request):
        """POST text=… → the HTML the pages would show for it (sanitised by render_markdown)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not can_preview_markdown(request.user):
            raise PermissionDenied
        text = request.POST.get("text", "")
        if len(text) > PREVIEW_MAX_CHARS:
            return HttpResponseBadRequest("Too long to preview.", content_type="text/plain; charset=utf-8")
        response = HttpResponse(render_markdown(text), content_type="text/html; charset=utf-8")
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(provision_count=Count("provisions", distinct=True))
            .prefetch_related("dates")
        )

    @admin.display(description="year")
    def year(self, obj):
        return obj.year

    @admin.display(description="provisions", ordering="provision_count")
    def provision_count(self, obj):
        return obj.provision_count

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Provision:
            Provision.objects.recompute_depths(form.instance.pk)


@admin.register(DocumentIssuer)
class DocumentIssuerAdmin(admin.ModelAdmin):
    list_display = ["document", "authority", "role", "position"]
    list_filter = [("authority", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["document", "authority"]
    search_fields = ["document__slug", "document__short_title", "authority__abbreviation", "authority__name_en"]
    ordering = ["document__slug", "position"]
    autocomplete_fields = ["document", "authority"]


@admin.register(DocumentDate)
class DocumentDateAdmin(admin.ModelAdmin):
    list_display = ["document", "kind", "display", "precision", "verified"]
    list_filter = ["kind", "precision", "verified"]
    list_select_related = ["document"]
    search_fields = ["document__slug", "document__short_title"]
    ordering = ["date", "kind"]
    date_hierarchy = "date"
    autocomplete_fields = ["document"]

    @admin.display(description="date", ordering="date")
    def display(self, obj):
        return obj.display


# -- provisions -----------------------------------------------------------------------------


class TargetInline(TrackedInline, admin.StackedInline):
    model = Target
    form = TargetInlineForm
    ordering = ["position"]
    extra = 0
    fields = [
        ("metric", "metric_zh"),
        "scope",
        ("baseline_year", "baseline_value"),
        ("target_year", "value", "unit"),
        ("comparison", "direction"),
        "description",
        ("verified", "position"),
        "note",
    ]


@admin.register(Provision)
class ProvisionAdmin(TrackedAdmin):
    form = ProvisionAdminForm
    list_display = ["outline", "document", "eid", "kind", "status", "publication", "verified", "target_count"]
    list_display_links = ["outline"]
    list_filter = ["publication", "document", "kind", "status", "verified", "industries"]
    list_select_related = ["document"]
    search_fields = [
        "eid",
        "num",
        "heading_en",
        "heading_zh",
        "heading_official_en",
        "text",
        "document__slug",
        "document__short_title",
    ]
    ordering = ["document__slug", "position"]
    autocomplete_fields = ["document", "parent", "industries"]
    readonly_fields = ["depth", "revision", "updated_at"]
    inlines = [TargetInline, ProvisionAnnotationInline]
    actions = ["publish_selected", "mark_selected_as_draft"]
    fieldsets = [
        (
            None,
            {"fields": ["document", "parent", ("eid", "num"), ("position", "depth"), "kind", "status", "publication"]},
        ),
        (
            "Headings",
            {"fields": ["heading_en", "heading_zh", "heading_zh_note", "heading_official_en", "articles"]},
        ),
        ("Content", {"fields": ["text", "key_terms", "responsible_agencies", "industries"]}),
        ("Research", {"fields": ["verified", "note", "details", ("revision", "updated_at")]}),
    ]

    class Media:
        js = PREVIEW_JS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document").annotate(target_count=Count("targets"))

    @admin.display(description="provision", ordering="position")
    def outline(self, obj):
        return indented(obj.depth, f"{obj.num or '·'} {obj.heading_en}")

    @admin.display(description="targets", ordering="target_count")
    def target_count(self, obj):
        return obj.target_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Provision.objects.recompute_depths(obj.document_id)


@admin.register(Target)
class TargetAdmin(TrackedAdmin):
    form = TargetAdminForm
    list_display = ["metric", "provision", "baseline_year", "target_year", "value_display", "unit", "direction"]
    list_filter = ["direction", "target_year", "verified", ("provision__document", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["provision__document"]
    search_fields = ["metric", "metric_zh", "scope", "description", "provision__eid", "provision__heading_en"]
    ordering = ["provision__document__slug", "provision__position", "position"]
    autocomplete_fields = ["provision"]
    readonly_fields = ["revision"]
    fieldsets = [
        (None, {"fields": ["provision", "position"]}),
        (
            "Target",
            {
                "fields": [
                    ("metric", "metric_zh"),
                    "scope",
                    ("baseline_year", "baseline_value"),
                    ("target_year", "value", "unit"),
                    ("comparison", "direction"),
                    "description",
                ]
            },
        ),
        ("Research", {"fields": ["verified", "note", "revision"]}),
    ]

    @admin.display(description="value", ordering="value")
    def value_display(self, obj):
        return obj.value_display

    def view_on_site(self, obj):
        return obj.provision.get_absolute_url()


# -- links ----------------------------------------------------------------------------------


@admin.register(Relation)
class RelationAdmin(TrackedAdmin):
    form = RelationAdminForm
    list_display = ["__str__", "type", "source_document", "target_document", "asserted_by", "asserted_on"]
    list_filter = ["type", "asserted_by"]
    list_select_related = ["type", "source_document", "source_provision", "target_document", "target_provision"]
    search_fields = [
        "note",
        "source_document__slug",
        "source_document__short_title",
        "source_provision__eid",
        "target_document__slug",
        "target_document__short_title",
        "target_provision__eid",
    ]
    ordering = ["source_document__slug", "position"]
    autocomplete_fields = ["type", "source_document", "source_provision", "target_document", "target_provision"]
    readonly_fields = ["revision"]
    fieldsets = [
        (None, {"fields": ["type", ("source_document", "source_provision"), ("target_document", "target_provision")]}),
        ("Assertion", {"fields": ["note", ("asserted_by", "asserted_on"), "position", "revision"]}),
    ]

    def view_on_site(self, obj):
        return obj.source_label.get_absolute_url()


# -- annotations ----------------------------------------------------------------------------


@admin.register(Annotation)
class AnnotationAdmin(TrackedAdmin):
    form = AnnotationAdminForm
    list_display = [
        "title", "kind", "subject", "visibility", "publication", "effective_date", "author", "updated_at",
    ]  # fmt: skip
    list_filter = ["kind", "visibility", "publication", ("document", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["document", "provision__document", "author"]
    search_fields = ["title", "body"]
    ordering = ["-effective_date", "-created_at"]
    date_hierarchy = "effective_date"
    autocomplete_fields = ["document", "provision"]
    readonly_fields = [
        "author", "written_against_revision", "written_against_at", "revision", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["publish_selected", "mark_selected_as_draft"]
    fieldsets = [
        (None, {"fields": ["document", "provision", "kind", "title", "body", "effective_date", "source_url"]}),
        ("Audience", {"fields": ["visibility", "publication"]}),
        (
            "Record",
            {
                "fields": [
                    "author",
                    ("written_against_revision", "written_against_at"),
                    ("revision", "created_at", "updated_at"),
                ]
            },
        ),
    ]

    class Media:
        js = PREVIEW_JS

    @admin.display(description="subject")
    def subject(self, obj):
        return obj.subject

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    form = GlossaryTermAdminForm
    list_display = ["term_en", "term_zh", "slug", "position"]
    search_fields = ["slug", "term_en", "term_zh", "abbreviations", "synonyms_en", "synonyms_zh", "definition"]
    ordering = ["position", "term_en"]
    autocomplete_fields = ["see_provisions"]
    prepopulated_fields = {"slug": ["term_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "term_en", "term_zh", "position"]}),
        ("Other names", {"fields": ["abbreviations", "synonyms_en", "synonyms_zh"]}),
        ("Meaning", {"fields": ["definition", "note", "see_provisions"]}),
    ]
