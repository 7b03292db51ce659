"""The admin's side of optimistic locking (regulations.history.locking): a form that refuses an outdated edit
and keeps both people's work.

A change form carries, in a hidden field, the revision the editor loaded. Its `clean()` checks it
inside the admin's transaction; on a conflict the form is refused and re-rendered:

* the error names who saved meanwhile and when, and lists field by field what changed: the
  historical record at the editor's revision against the current row, long texts as a redline
  (templates/admin/regulations/edit_conflict.html);
* the form keeps everything the editor typed. Fields the editor had not touched but the other
  person changed are brought up to date in the form (and listed as such), so saving the reviewed
  form keeps both edits; fields both changed keep the editor's version;
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
from django.db import models
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_lazy

from regulations.history.locking import Conflict, check_revision, lockable_fields
from regulations.text.redline import redline_html

REVISION_FIELD = "loaded_revision"
CONFLICT_TEMPLATE = "admin/regulations/edit_conflict.html"
LONG_TEXT = 120  # characters: longer values are shown as a redline

MERGED = "merged"  # they changed it, the editor did not: the form now holds their value
BOTH = "both"  # both changed it: the form keeps the editor's value
THEIRS = "theirs"  # they changed it and it is not on this form
DIFFERS = "differs"  # not in the history (links, or no record of the loaded version): form and row differ

NOTES = {
    MERGED: gettext_lazy("you had not changed this; the form now shows the new value"),
    BOTH: gettext_lazy("you changed this too; the form keeps your version, which replaces theirs if you save"),
    THEIRS: gettext_lazy("not on this form; it stays as it is now"),
    DIFFERS: gettext_lazy("the current version differs from your form; saving keeps your form's version"),
}


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden input that no label points at: the admin's fieldsets print a (hidden) label for every field, and a
    label's `for` must name a visible control in valid HTML."""

    def id_for_label(self, id_):
        return ""


class RevisionField(forms.IntegerField):
    """The revision the editor loaded. Never counts as a change of the form's data."""

    widget = UnlabelledHiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def has_changed(self, initial, data):
        return False


@dataclass
class ConflictItem:
    """One field of the conflict message: its two values as an editor reads them (long texts: as they are)."""

    label: str
    old: Any
    new: Any
    status: str
    long: bool = False

    @property
    def note(self) -> str:
        return NOTES[self.status]

    @property
    def redline(self):
        return redline_html(self.old, self.new)


def user_label(user) -> str:
    if user is None:
        return gettext("an import or a script (no user)")
    return user.get_full_name() or user.get_username()


def when_label(moment) -> str:
    return date_format(localtime(moment), "DATETIME_FORMAT") if moment else gettext("an unknown time")


def display_value(field, value) -> str:
    """A model field's raw value (FK as its id) as an editor would read it."""
    if value is None or value == "" or value == [] or value == {}:
        return gettext("(empty)")
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else gettext("#%(id)s (deleted)") % {"id": value}
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
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

    loaded_revision = RevisionField(label=gettext_lazy("Loaded revision"))

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

    def check_revision(self):
        instance = self.instance
        if instance.pk is None or (self.lock_only_changed and not self.has_changed()):
            return
        try:
            conflict = check_revision(instance, self.cleaned_data.get(REVISION_FIELD))
        except type(instance).DoesNotExist:  # deleted meanwhile: the admin says so on its own
            return
        if conflict is None:
            return
        items = self._merge(conflict)
        self._set_data(REVISION_FIELD, str(conflict.current))
        self.__dict__.pop("changed_data", None)
        raise ValidationError(self._conflict_message(conflict, items), code="edit_conflict")

    # -- merging what the other editor changed into the form ---------------------------------

    def _merge(self, conflict: Conflict) -> list[ConflictItem]:
        """Take over the fields only the other editor changed; list every field that differs."""
        row = conflict.row
        items = []
        if conflict.field_changes is None:
            # Nothing to compare with: list what differs between the current row and the form.
            for field in lockable_fields(type(row)):
                formfield = self._editable_formfield(field)
                new = getattr(row, field.attname)
                if formfield is not None and self._form_differs(formfield, new, field.name):
                    items.append(self._item(field, new, self._submitted_model_value(field), DIFFERS))
        for change in conflict.field_changes or []:
            field, old, new = change.field, change.before, change.after
            formfield = self._editable_formfield(field)
            if formfield is None:
                items.append(self._item(field, old, new, THEIRS))
            elif not self._form_differs(formfield, new, field.name):
                items.append(self._item(field, old, new, MERGED))  # the same change on both sides
            elif self._form_differs(formfield, old, field.name) or not self._can_set(formfield):
                items.append(self._item(field, old, new, BOTH))
            else:
                self._set_value(field.name, formfield, new)
                items.append(self._item(field, old, new, MERGED))
        for field in row._meta.many_to_many:
            formfield = self._editable_formfield(field)
            if formfield is None:
                continue
            current = list(getattr(row, field.name).values_list("pk", flat=True))
            if self._form_differs(formfield, current, field.name):
                submitted = self._submitted_model_value(field)
                items.append(
                    ConflictItem(
                        self._label(field),
                        ", ".join(str(obj) for obj in getattr(row, field.name).all()) or gettext("(none)"),
                        ", ".join(str(obj) for obj in submitted) if submitted else gettext("(none)"),
                        DIFFERS,
                    )
                )
        return items

    def _editable_formfield(self, field):
        formfield = self.fields.get(field.name)
        return formfield if formfield is not None and not formfield.disabled else None

    def _item(self, field, old, new, status) -> ConflictItem:
        if _is_long(field, old, new) and isinstance(old, str | None) and isinstance(new, str | None):
            return ConflictItem(self._label(field), old or "", new or "", status, long=True)
        return ConflictItem(self._label(field), display_value(field, old), display_value(field, new), status)

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

    def _conflict_message(self, conflict: Conflict, items: list[ConflictItem]):
        editors = []
        for user in conflict.editors:
            label = user_label(user)
            if label not in editors:
                editors.append(label)
        context = {
            "subject": self._subject(conflict.row),
            "conflict": conflict,
            "edit_count": len(conflict.edits),
            "editors": editors,
            "last_editor": user_label(conflict.changed_by),
            "last_when": when_label(conflict.changed_at),
            "notes": conflict.change_notes,
            "items": items,
            "merged": any(item.status == MERGED for item in items),
        }
        return render_to_string(CONFLICT_TEMPLATE, context)

    def _subject(self, row) -> str:
        name = row._meta.verbose_name
        if self.lock_only_changed:
            return gettext("the %(name)s “%(title)s”") % {"name": name, "title": Truncator(str(row)).chars(80)}
        return gettext("this %(name)s") % {"name": name}
