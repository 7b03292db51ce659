"""The targets table (with its chart) and its CSV download, both filtered and sorted by the same GET form."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from regulations.site import exports, page_cache
from regulations.site.forms import TargetFilterForm
from regulations.site.pages.targets import chosen_targets, target_filter_options, target_list_page
from regulations.site.views.errors import problem
from regulations.site.views.shared import as_attachment, reads_drafts


@page_cache.cached_page(lambda: [page_cache.TARGETS], reads=None)
def target_list(request):
    drafts = reads_drafts(request)
    industries, documents = target_filter_options(drafts)
    values, notes = TargetFilterForm(request.GET, industries, documents).usable_data()
    context = target_list_page(values, industries, documents, drafts)
    return render(
        request,
        "regulations/target_list.html",
        {"section": "targets", "notes": notes, "csv_query": request.GET.urlencode(), **context},
    )


def target_export_csv(request):
    # Exports leave Rulebook: drafts never go into them, whoever asks.
    industries, documents = target_filter_options(drafts=False)
    form = TargetFilterForm(request.GET, industries, documents)
    unusable = form.unusable_values()
    if unusable:
        # A download is not looked at before it is used: a filter it could not apply would silently
        # hand over every target as if they were the ones asked for.
        return problem(
            request,
            gettext("The download was not made"),
            " ".join(
                [
                    *(
                        gettext("There is no %(filter)s “%(value)s”.") % {"filter": label, "value": raw}
                        for label, raw in unusable
                    ),
                    gettext("Choose the filters on the targets page and download from there."),
                ]
            ),
        )
    values, _notes = form.usable_data()
    _industry, _document, targets = chosen_targets(values, industries, documents, drafts=False)
    text = exports.targets_csv(targets, request.build_absolute_uri)
    return as_attachment(HttpResponse(text, content_type="text/csv; charset=utf-8"), "targets.csv")
