"""Optimistic locking of the revisioned models: no lost updates, whether an edit comes from the admin or the API.

Every save of a `Revisioned` model raises its `revision` by one. An edit says which revision it
started from; `check_revision` reads the row's current revision with SELECT … FOR UPDATE (inside
the caller's transaction, so nobody can save the row between the check and the caller's save; that row
only, so saves of other rows, a document's other provisions too, never wait for it) and,
if someone saved it in between, describes the conflict as plain data: who saved it and when (the
history records after the edit's revision), their change notes, and what changed meanwhile.

How a conflict is shown is the caller's business: the admin's form mixin (regulations.admin.locking)
merges what it can into the form and explains the rest; the API (regulations.api.serializers.base)
answers 409 with the changed fields.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import models, router, transaction

from regulations.history import versions

# Kept up to date by code from other fields, never by editors: not a change anyone made.
DERIVED_FIELDS = frozenset({"depth"})


def history_manager(model):
    return getattr(model, model._meta.simple_history_manager_attribute)


def lockable_fields(model) -> list[models.Field]:
    """The fields an edit can change and the history records (not the pk, the revision or timestamps)."""
    recorded = {field.attname for field in history_manager(model).model._meta.fields}
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.attname in recorded and field.name not in DERIVED_FIELDS
    ]


@dataclass(frozen=True)
class FieldChange:
    """A field someone else changed after the edit's revision: its value then and now (a foreign key as its id)."""

    field: models.Field
    before: Any
    after: Any


@dataclass
class Conflict:
    """An edit started from revision `loaded` (None: it did not say) of a row now at revision `current`."""

    row: models.Model
    loaded: int | None
    current: int
    # The history records saved after the loaded revision, oldest first; when there are none
    # (the edit named no revision, or its revision was never recorded), the latest record alone.
    edits: list
    loaded_record: Any  # the history record of the loaded revision, if there is one

    @property
    def last_edit(self):
        return self.edits[-1] if self.edits else None

    @property
    def changed_by(self):
        """Who saved last (None for an import or a script), if the history knows."""
        return self.last_edit.history_user if self.last_edit is not None else None

    @property
    def changed_at(self):
        return self.last_edit.history_date if self.last_edit is not None else None

    @property
    def editors(self) -> list:
        """Everyone who saved meanwhile, in the order of their first save (None for an import or a script)."""
        users = []
        for edit in self.edits:
            if edit.history_user not in users:
                users.append(edit.history_user)
        return users

    @property
    def change_notes(self) -> list[str]:
        return [edit.history_change_reason for edit in self.edits if edit.history_change_reason]

    def changed_fields(self) -> list[str]:
        """The names the history gives the fields and links that differ between the loaded and the current version."""
        last = self.last_edit
        if self.loaded_record is None or last is None or last.revision != self.current:
            return []
        return versions.changed_fields(self.loaded_record, last)

    @cached_property
    def field_changes(self) -> list[FieldChange] | None:
        """The lockable fields that differ between the loaded version and the row now; None without a loaded version."""
        if self.loaded_record is None:
            return None
        changes = []
        for field in lockable_fields(type(self.row)):
            before, after = getattr(self.loaded_record, field.attname), getattr(self.row, field.attname)
            if before != after:
                changes.append(FieldChange(field, before, after))
        return changes


def locked_revision(model, pk, using=None) -> int | None:
    """The row's revision, its row locked for the rest of the transaction (when there is one); None if it is gone."""
    using = using or router.db_for_write(model)
    # Unordered: a model ordered by a relation (a provision by its document) would join that table, and
    # PostgreSQL's FOR UPDATE locks the joined rows too, so every save of a document's provisions would
    # wait for the others until they commit.
    queryset = model._default_manager.using(using).filter(pk=pk).order_by()
    if not transaction.get_autocommit(using):
        queryset = queryset.select_for_update()
    return queryset.values_list("revision", flat=True).first()


def check_revision(instance, loaded: int | None, *, required: bool = True) -> Conflict | None:
    """Lock the instance's row and compare its revision with `loaded`, the one the edit started from.

    No conflict: `instance.revision` is set to the current revision, so the save goes on counting from
    it (also right for a revert, whose instance carries an old version's number). An edit that names
    no revision is a conflict when `required` (it cannot be checked), else it is let through.
    A row deleted meanwhile raises the model's DoesNotExist.
    """
    model = type(instance)
    current = locked_revision(model, instance.pk)
    if current is None:
        raise model.DoesNotExist(f"{model._meta.verbose_name} {instance.pk} was deleted.")
    if loaded == current or (loaded is None and not required):
        instance.revision = current
        return None
    return _conflict(model, instance.pk, loaded, current)


def _conflict(model, pk, loaded, current) -> Conflict:
    history = history_manager(model).filter(**{model._meta.pk.attname: pk}).select_related("history_user")
    edits, loaded_record = [], None
    if loaded is not None:
        edits = list(history.filter(revision__gt=loaded).order_by("history_date", "history_id"))
        loaded_record = history.filter(revision=loaded).order_by("-history_date", "-history_id").first()
    if not edits:
        latest = history.order_by("-history_date", "-history_id").first()
        edits = [latest] if latest is not None else []
    row = model._default_manager.get(pk=pk)
    return Conflict(row=row, loaded=loaded, current=current, edits=edits, loaded_record=loaded_record)
