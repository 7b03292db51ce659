"""The home page: what Rulebook holds, the featured plan with its headline targets, topics and industries."""

from __future__ import annotations

from django.db.models import Count, Q

from regulations.models import Document, GlossaryTerm, Industry, Provision, Publication, Relation, Target, Topic
from regulations.site.pages.documents import sort_documents
from regulations.site.pages.targets import decorate_target

FEATURED_SLUG = "industrial-carbon-peaking-2022"


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
