"""The industry tree and each industry's page."""

from django.shortcuts import render

from regulations.site.pages.industries import industry_list_page, industry_page
from regulations.site.views.shared import reads_drafts


def industry_list(request):
    context = industry_list_page(reads_drafts(request))
    return render(request, "regulations/industry_list.html", {"section": "industries", **context})


def industry_detail(request, slug):
    context = industry_page(slug, reads_drafts(request))
    return render(request, "regulations/industry_detail.html", {"section": "industries", **context})
