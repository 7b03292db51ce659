"""The industry tree and each industry's page."""

from django.shortcuts import render

from regulations.site import page_cache
from regulations.site.pages.industries import industry_list_page, industry_page
from regulations.site.views.shared import reads_drafts


def industry_list(request):
    context = industry_list_page(reads_drafts(request))
    return render(request, "regulations/industry_list.html", {"section": "industries", **context})


@page_cache.cached_page(lambda slug: [page_cache.industry_scope(slug)], reads=())
def industry_detail(request, slug):
    context = industry_page(slug, reads_drafts(request))
    return render(request, "regulations/industry_detail.html", {"section": "industries", **context})
