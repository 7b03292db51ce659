"""The glossary page: every term, with the provisions a reader may see that use it."""

from __future__ import annotations

from django.db.models import Prefetch

from regulations.addresses import provision_url
from regulations.models import GlossaryTerm, Provision


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
