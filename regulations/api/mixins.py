"""What the API's views share: drafts for staff only, Last-Modified on detail answers, one transaction per write."""

import datetime
from functools import cached_property

from django.db import transaction
from django.utils.http import http_date
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from regulations.models import Document, Provision, status_events
from regulations.permissions import can_read_internal


# Every write (create, update, partial_update, destroy) is one transaction: the revision check's row
# lock (regulations.history.locking) holds until the save, a moved subtree's depths (Provision.save)
# are never seen half done, a refused write leaves nothing behind, and the search index is updated
# once, when the transaction commits. DRF's partial_update is update(partial=True), so it runs in
# update's transaction (wrapping it too would add a savepoint to every PATCH). No docstring: the schema
# would show it on every view.
class AtomicWriteViewSetMixin:
    def create(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().destroy(request, *args, **kwargs)


class DraftsForStaff:
    """Anonymous readers and clients without the internal permission see published content only."""

    @cached_property  # a view serves one request: asked once, not by each queryset and serializer
    def drafts(self) -> bool:
        return can_read_internal(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "drafts": self.drafts}

    def documents(self):
        return Document.objects.visible(self.drafts)

    def provisions(self):
        return Provision.objects.visible(self.drafts)

    def serialized_provisions(self, of_document: Document | None = None):
        """Provisions with what ProvisionSerializer reads, fetched up front (a target's provision is the row
        it is fetched for: Django sets it). ``of_document``: that document's only, read through its own
        manager, so that each has that very document (Django sets it too) instead of a join reading it again."""
        if of_document is None:
            provisions = self.provisions().select_related("document")
        else:
            provisions = of_document.provisions.visible(self.drafts)
        return provisions.select_related("parent").prefetch_related(
            "industries", status_events("document__events"), "targets"
        )


def status_day(request) -> datetime.date | None:
    """?on=YYYY-MM-DD: the day statuses are given for (None: today)."""
    value = request.query_params.get("on", "").strip() if request is not None else ""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {"on": f"“{value[:40]}” is not a day; write it as YYYY-MM-DD, e.g. 2025-06-01."}
        ) from None


class StatusOnDay:
    """Answers give each rule's legal status today, or on the day asked for with ?on=."""

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "day": status_day(self.request)}


class LastModifiedMixin:
    """Detail answers carry Last-Modified; ConditionalGetMiddleware adds the ETag and the 304s."""

    def last_modified(self, instance):
        return getattr(instance, "updated_at", None)

    def retrieve(self, request, *args, **kwargs):
        # DRF's retrieve, keeping the object it loaded instead of loading it a second time.
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        modified = self.last_modified(instance)
        if modified is not None:
            response["Last-Modified"] = http_date(modified.timestamp())
        return response
