"""The glossary page."""

from django.shortcuts import render

from regulations.site.pages.glossary import glossary_page
from regulations.site.views.shared import reads_drafts


def glossary(request):
    return render(request, "regulations/glossary.html", {"section": "glossary", **glossary_page(reads_drafts(request))})
