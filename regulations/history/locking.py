"""Optimistic locking for the admin forms of the revisioned models: no lost updates.

Every save of a `Revisioned` model raises its `revision` by one. An admin form carries, in a hidden
field, the revision the editor loaded. When the form comes back, `clean()` reads the row's current
revision with SELECT … FOR UPDATE (inside the admin's transaction, so nobody can save the row
between this check and the admin's save) and, if someone saved it in between, refuses the form:

* the error names who saved it and when (from the history records after the editor's revision),
  and lists field by field what changed meanwhile: the historical record at the editor's revision
  against the current row, long texts as a redline;
* the form is re-rendered with everything the editor typed. Fields the editor had not touched but
  the other person changed are brought up to date in the form (and listed as such), so saving the
  reviewed form keeps both edits; fields both changed keep the editor's version;
* the hidden revision is set to the current one, so that re-submitting, after reviewing, saves
  over the other edit deliberately. The other edit stays in the history either way.

Inline rows (targets on the provision page, provisions on the document page, annotations,
relations) use the same form base with `lock_only_changed`: a row the editor did not change is
not saved by the admin, so it cannot overwrite anything and is not checked.

Many-to-many links (industries, topics) are not in the history; when the form's links differ
from the current ones they are listed, but who changed them cannot be said.
"""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import localtime

from regulations.text.redline import redline_html

REVISION_FIELD = "loaded_revision"
LONG_TEXT = 120  # characters: longer values are shown as a redline (or before/after blocks)

MERGED = "merged"  # they changed it, the editor did not: the form now holds their value
BOTH = "both"  # both changed it: the form keeps the editor's value
THEIRS = "theirs"  # they changed it and it is not on this form
DIFFERS = "differs"  # not in the history (links, or no record of the loaded version): form and row differ

NOTES = {
    MERGED: "you had not changed this; the form now shows the new value",
    BOTH: "you changed this too; the form keeps your version, which replaces theirs if you save",
    THEIRS: "not on this form; it stays as it is now",
    DIFFERS: "the current version differs from your form; saving keeps your form's version",
}


class RevisionField(forms.IntegerField):
    """The revision the editor loaded. Never counts as a change of the form's data."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def has_changed(self, initial, data):
        return False


@dataclass
class FieldChange:
    name: str
    label: str
    old: Any
    new: Any
    status: str
    long: bool = False


def history_manager(model):
    return getattr(model, model._meta.simple_history_manager_attribute)


def _tracked_fields(model, ignored=()):
    """Editable concrete fields that the history records (not the pk, revision or timestamps)."""
    recorded = {field.attname for field in history_manager(model).model._meta.fields}
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.attname in recorded and field.name not in ignored
    ]


def current_revision(model, pk, using=None):
    """The row's revision, locked for the rest of the transaction (when there is one)."""
    using = using or router.db_for_write(model)
    queryset = model._default_manager.using(using).filter(pk=pk)
    if not transaction.get_autocommit(using):
        queryset = queryset.select_for_update()
    return queryset.values_list("revision", flat=True).first()


def user_label(user) -> str:
    if user is None:
        return "an import or a script (no user)"
    return user.get_full_name() or user.get_username()


def when_label(moment) -> str:
    return date_format(localtime(moment), "DATETIME_FORMAT") if moment else "an unknown time"


def display_value(field, value) -> str:
    """A model field's raw value (FK as its id) as an editor would read it."""
    if value is None or value == "" or value == [] or value == {}:
        return "(empty)"
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value} (deleted)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.datetime):
        return when_label(value)
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def _is_long(field, old, new) -> bool:
    if isinstance(field, models.TextField) and not field.choices:
        return True
    return any(isinstance(value, str) and len(value) > LONG_TEXT for value in (old, new))


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class RevisionLockMixin(forms.ModelForm):
    """Base for the admin ModelForms of `Revisioned` models (a ModelForm without a model of its own)."""

    loaded_revision = RevisionField()

    # Derived fields (kept up to date by code, not by editors) left out of the list of changes.
    lock_ignored_fields: tuple[str, ...] = ()
    # Inline rows: only a row the editor changed is saved, so only such a row is checked.
    lock_only_changed = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk is not None and REVISION_FIELD not in self.initial:
            if getattr(instance, "_history", None) is not None:
                # simple-history's revert form edits an old version; the lock is on the current row.
                revision = type(instance)._default_manager.filter(pk=instance.pk).values_list("revision", flat=True)
                self.initial[REVISION_FIELD] = revision.first()
            else:
                self.initial[REVISION_FIELD] = instance.revision

    def clean(self):
        cleaned_data = super().clean()
        try:
            self.check_revision()
        except ValidationError as error:
            self.add_error(None, error)  # added, not raised: the form's other checks still run
        return cleaned_data

    # -- the check --------------------------------------------------------------------------

    def check_revision(self):
        instance = self.instance
        if instance.pk is None:
            return
        if self.lock_only_changed and not self.has_changed():
            return
        model = type(instance)
        current = current_revision(model, instance.pk)
        if current is None:  # deleted meanwhile: the admin says so on its own
            return
        loaded = self.cleaned_data.get(REVISION_FIELD)
        if loaded == current:
            # Also right for a revert, whose instance carries the old version's revision number:
            # the saved row becomes current + 1, so revisions never repeat.
            instance.revision = current
            return
        row = model._default_manager.get(pk=instance.pk)
        edits = self._edits_since(model, instance.pk, loaded)
        changes = self._changes(model, instance.pk, loaded, row)
        self._set_data(REVISION_FIELD, str(current))
        self.__dict__.pop("changed_data", None)
        raise ValidationError(self._conflict_message(row, loaded, current, edits, changes), code="edit_conflict")

    @staticmethod
    def _edits_since(model, pk, loaded):
        history = history_manager(model).filter(**{model._meta.pk.attname: pk}).select_related("history_user")
        records = []
        if loaded is not None:
            records = list(history.filter(revision__gt=loaded).order_by("history_date", "history_id"))
        if not records:
            latest = history.order_by("-history_date", "-history_id").first()
            records = [latest] if latest is not None else []
        return records

    def _changes(self, model, pk, loaded, row) -> list[FieldChange]:
        old_record = None
        if loaded is not None:
            old_record = (
                history_manager(model)
                .filter(**{model._meta.pk.attname: pk, "revision": loaded})
                .order_by("-history_date", "-history_id")
                .first()
            )
        changes = []
        for field in _tracked_fields(model, self.lock_ignored_fields):
            new = getattr(row, field.attname)
            formfield = self.fields.get(field.name)
            on_form = formfield is not None and not formfield.disabled
            if old_record is None:
                # Nothing to compare with: list what differs between the current row and the form.
                if on_form and self._form_differs(formfield, new, field.name):
                    submitted = self._submitted_model_value(field)
                    changes.append(self._change(field, new, submitted, DIFFERS))
                continue
            old = getattr(old_record, field.attname)
            if old == new:
                continue
            if not on_form:
                changes.append(self._change(field, old, new, THEIRS))
            elif not self._form_differs(formfield, new, field.name):
                changes.append(self._change(field, old, new, MERGED))  # the same change on both sides
            elif self._form_differs(formfield, old, field.name) or not self._can_set(formfield):
                changes.append(self._change(field, old, new, BOTH))
            else:
                self._set_value(field.name, formfield, new)
                changes.append(self._change(field, old, new, MERGED))
        for field in model._meta.many_to_many:
            formfield = self.fields.get(field.name)
            if formfield is None or formfield.disabled:
                continue
            current = list(getattr(row, field.name).values_list("pk", flat=True))
            if self._form_differs(formfield, current, field.name):
                submitted = self._submitted_model_value(field)
                changes.append(
                    FieldChange(
                        field.name,
                        self._label(field),
                        ", ".join(str(obj) for obj in getattr(row, field.name).all()) or "(none)",
                        ", ".join(str(obj) for obj in submitted) if submitted else "(none)",
                        DIFFERS,
                    )
                )
        return changes

    def _change(self, field, old, new, status) -> FieldChange:
        if _is_long(field, old, new) and isinstance(old, str | None) and isinstance(new, str | None):
            return FieldChange(field.name, self._label(field), old or "", new or "", status, long=True)
        return FieldChange(field.name, self._label(field), display_value(field, old), display_value(field, new), status)

    def _label(self, field) -> str:
        formfield = self.fields.get(field.name)
        label = formfield.label if formfield is not None and formfield.label else field.verbose_name
        return str(label)[:1].upper() + str(label)[1:]

    # -- the form's data ----------------------------------------------------------------------

    def _form_differs(self, formfield, model_value, name) -> bool:
        """Whether what the form holds for `name` differs from a model value (FK as id)."""
        data = self[name].data
        if not formfield.has_changed(model_value, data):
            return False
        if isinstance(model_value, str) and isinstance(data, str):
            # Browsers send text areas back with CRLF line ends; that is not an edit.
            return _normalised(model_value) != _normalised(data)
        return True

    def _submitted_model_value(self, field):
        """What the editor submitted for a model field, as a model value where it cleaned."""
        if field.name in self.cleaned_data:
            value = self.cleaned_data[field.name]
            if field.many_to_many:
                return list(value or [])
            if field.is_relation:
                return value.pk if value is not None else None
            return value
        return self[field.name].data

    @staticmethod
    def _can_set(formfield) -> bool:
        widget = getattr(formfield.widget, "widget", formfield.widget)  # the admin wraps related widgets
        return not isinstance(widget, forms.MultiWidget | forms.SelectMultiple | forms.FileInput)

    def _set_data(self, name, value):
        if not getattr(self, "_data_copied", False):
            self.data = self.data.copy()  # a request's QueryDict is immutable
            self._data_copied = True
        key = self.add_prefix(name)
        if value is None:
            self.data.pop(key, None)
        else:
            self.data[key] = value

    def _set_value(self, name, formfield, value):
        """Put a model value into the form's data, as the widget would have posted it."""
        if isinstance(formfield, forms.BooleanField):
            self._set_data(name, "on" if value else None)
            return
        prepared = formfield.prepare_value(value)
        if prepared is None:
            prepared = ""
        elif isinstance(prepared, datetime.date):
            prepared = prepared.isoformat()
        self._set_data(name, str(prepared))

    # -- the message ------------------------------------------------------------------------

    def _conflict_message(self, row, loaded, current, edits, changes) -> SafeString:
        subject = self._subject(row)
        if loaded is None:
            head = format_html(
                "<strong>Not saved: this form did not say which version of {} it was opened on, "
                "so it could not be checked against later changes.</strong>",
                subject,
            )
        elif not edits:  # no history of the row at all
            head = format_html(
                "<strong>Not saved: {} was saved again while you were editing it</strong> "
                "(you opened revision {}; it is now at revision {}).",
                subject,
                loaded,
                current,
            )
        elif len(edits) == 1:
            head = format_html(
                "<strong>Not saved: {} was changed by {} on {} while you were editing it</strong> "
                "(you opened revision {}; it is now at revision {}).",
                subject,
                user_label(edits[0].history_user),
                when_label(edits[0].history_date),
                loaded,
                current,
            )
        else:
            users = []
            for edit in edits:
                label = user_label(edit.history_user)
                if label not in users:
                    users.append(label)
            head = format_html(
                "<strong>Not saved: {} was saved {} times while you were editing it, by {}; "
                "last by {} on {}</strong> (you opened revision {}; it is now at revision {}).",
                subject,
                len(edits),
                ", ".join(users),
                user_label(edits[-1].history_user),
                when_label(edits[-1].history_date),
                loaded,
                current,
            )
        reasons = [edit.history_change_reason for edit in edits if edit.history_change_reason]
        note = format_html(" Their change note: “{}”.", "”, “".join(reasons)) if reasons else ""
        if changes:
            items = format_html_join("", "{}", ((self._change_html(change),) for change in changes))
            listing = format_html('<p>What changed meanwhile:</p><ul class="edit-conflict-changes">{}</ul>', items)
        else:
            listing = format_html("<p>{}</p>", "No field on this form differs from the current version.")
        merged = any(change.status == MERGED for change in changes)
        advice = format_html(
            "<p>Nothing you typed has been lost: the form below holds your version{}. Review it and save "
            "again to replace the current version, or reload the page to start again from the current "
            "version. The other version stays in the history either way.</p>",
            ", with the fields you had not touched brought up to date" if merged else "",
        )
        return format_html('<div class="edit-conflict"><p>{}{}</p>{}{}</div>', head, note, listing, advice)

    def _subject(self, row) -> str:
        name = row._meta.verbose_name
        if self.lock_only_changed:
            return f"the {name} “{Truncator(str(row)).chars(80)}”"
        return f"this {name}"

    @staticmethod
    def _change_html(change: FieldChange) -> SafeString:
        note = NOTES[change.status]
        if change.status == DIFFERS and not change.long:
            return format_html(
                '<li class="edit-conflict-{}"><strong>{}</strong>: now {}; your form: {} <em>({})</em></li>',
                change.status,
                change.label,
                change.old,
                change.new,
                note,
            )
        if not change.long:
            return format_html(
                '<li class="edit-conflict-{}"><strong>{}</strong>: {} → {} <em>({})</em></li>',
                change.status,
                change.label,
                change.old,
                change.new,
                note,
            )
        body = format_html('<div class="redline">{}</div>', redline_html(change.old, change.new))
        return format_html(
            '<li class="edit-conflict-{}"><strong>{}</strong> <em>({})</em>{}</li>',
            change.status,
            change.label,
            note,
            body,
        )
