"""The home page."""

from django.shortcuts import render

from regulations.site.pages.home import home_page
from regulations.site.views.shared import reads_drafts


def home(request):
    return render(request, "regulations/home.html", {"section": "home", **home_page(reads_drafts(request))})
