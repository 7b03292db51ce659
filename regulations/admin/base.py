"""What the admins of the models with history share: change notes, the locked revision, publication actions,
reverting; and the indented outline of a tree."""

import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from regulations.addresses import compare_url, history_url
from regulations.admin.forms import CHANGE_NOTE, CHANGE_NOTE_LENGTH
from regulations.admin.locking import REVISION_FIELD
from regulations.admin.widgets import ValidAutocompleteSelect
from regulations.history.timeline import moment_param
from regulations.history.versions import version_number
from regulations.models import Annotation, Document, Provision, Publication, Target
from regulations.text.redline import redline_html

# static/css/admin-workbench.css indents each depth by a class (the Content-Security-Policy refuses style
# attributes); deeper levels are shown at this one.
DEEPEST_OUTLINE_LEVEL = 10


def indented(depth: int, text: str):
    return format_html('<span class="outline-depth-{}">{}</span>', min(depth, DEEPEST_OUTLINE_LEVEL), text)


def with_tracking_fields(fieldsets, *, lock: bool, note: bool):
    """The fieldsets, with the hidden loaded revision and the change note when the user may save."""
    result = []
    for name, options in fieldsets:
        fields = [field for field in options.get("fields", []) if field not in (REVISION_FIELD, CHANGE_NOTE)]
        result.append((name, {**options, "fields": fields}))
    if lock and result:
        result[0][1]["fields"].append(REVISION_FIELD)
    if note:
        result.append((gettext("Change note"), {"fields": [CHANGE_NOTE]}))
    return result


class ProvisionLabels:
    """Provision choices load their document: a provision's label (and so each selected option) names it. Autocomplete
    selects are valid HTML (ValidAutocompleteSelect)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Provision and "queryset" not in kwargs:
            kwargs["queryset"] = Provision.objects.select_related("document")
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RedlineContextHelper(HistoricalRecordContextHelper):
    """The admin history shows a changed text whole, as a redline (the site's word and character diff), instead
    of django-simple-history's shortened "Indus[596 chars]…" pair."""

    def stringify_delta_change_values(self, change, old, new):
        if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > SHORT_VALUE:
            return mark_safe(""), redline_html(old, new)  # noqa: S308 (redline_html escapes the texts)
        return super().stringify_delta_change_values(change, old, new)


SHORT_VALUE = 80  # characters: a shorter value reads as old → new


def public_redline_url(record) -> str | None:
    """Where a reader sees what one recorded version changed: the redline against the version before it."""
    if record.history_type == "+":
        return None  # nothing before it to compare with
    if isinstance(record, Provision.history.model):
        number = version_number(record)
        return compare_url(record.document.slug, record.eid, **{"from": number - 1, "to": number})
    if isinstance(record, Document.history.model):
        before = record.history_date - datetime.timedelta(microseconds=1)  # moment_param names the instant after
        return compare_url(record.slug, **{"from": moment_param(before), "to": moment_param(record.history_date)})
    if isinstance(record, Target.history.model) and record.provision_id:
        provision = Provision.objects.select_related("document").filter(pk=record.provision_id).first()
        return history_url(provision.document.slug, provision.eid) if provision else None
    return None


class TrackedAdmin(ProvisionLabels, SimpleHistoryAdmin):
    """A model with history and revisions: change notes, locking, publication actions, reverting."""

    history_list_display = ["revision", "public_redline"]

    def get_historical_record_context_helper(self, request, historical_record):
        return RedlineContextHelper(self.model, historical_record)

    @admin.display(description=gettext_lazy("On the site"))
    def public_redline(self, record):
        url = public_redline_url(record)
        return format_html('<a href="{}">{}</a>', url, gettext("Redline of this version")) if url else "—"

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
                with translation.override(None):  # the log keeps the English name, as Django's own change messages
                    label = str(capfirst(opts.get_field("publication").verbose_name))
                self.log_change(request, obj, [{"changed": {"fields": [label]}}])
                changed += 1
        unchanged = len(pks) - changed
        message = done % {"count": changed, "items": model_ngettext(opts, changed)}
        if unchanged:
            message += " " + ngettext("%(count)d already was.", "%(count)d already were.", unchanged) % {
                "count": unchanged
            }
        self.message_user(request, message, messages.SUCCESS if changed else messages.INFO)

    @admin.action(description=gettext_lazy("Publish selected %(verbose_name_plural)s"), permissions=["change"])
    def publish_selected(self, request, queryset):
        done = gettext("%(count)d %(items)s published.")
        self._set_publication(request, queryset, Publication.PUBLISHED, "Published", done)

    @admin.action(description=gettext_lazy("Mark selected %(verbose_name_plural)s as draft"), permissions=["change"])
    def mark_selected_as_draft(self, request, queryset):
        done = gettext("%(count)d %(items)s marked as draft.")
        self._set_publication(request, queryset, Publication.DRAFT, "Marked as draft", done)


class TrackedInline(ProvisionLabels):
    """An inline of a model with revisions: each row carries the revision its editor loaded."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return with_tracking_fields(fieldsets, lock=self.has_change_permission(request, obj), note=False)
