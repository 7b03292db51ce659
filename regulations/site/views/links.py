"""The link checker page: paste a memo (or links), get each Rulebook address back as ok / changed / moved / …"""

from django.shortcuts import render

from regulations.history.linkcheck import check_for_request
from regulations.history.quoted_addresses import MAX_TEXT, find_addresses
from regulations.site.forms import LinkCheckForm
from regulations.site.pages.links import link_check_report


def link_check(request):
    # A short check can be shared as a GET address, so GET with text checks too.
    data = request.POST if request.method == "POST" else request.GET
    submitted = request.method == "POST" or "text" in request.GET or "memo_date" in request.GET
    form = LinkCheckForm(data if submitted else None)
    context = {"section": "links", "form": form, "text": "", "memo_date_value": "", "max_text": MAX_TEXT}
    if not submitted:
        return render(request, "regulations/linkcheck.html", context)
    context["text"] = str(data.get("text", ""))
    context["memo_date_value"] = str(data.get("memo_date", ""))[:40]
    if not form.is_valid():
        context["errors"] = [error for errors in form.errors.values() for error in errors]
        return render(request, "regulations/linkcheck.html", context, status=400)
    text, memo_date = form.cleaned_data["text"], form.cleaned_data["memo_date"]
    addresses = find_addresses(text)
    results = check_for_request(request, addresses, memo_date)
    context.update(link_check_report(text, memo_date, addresses, results))
    return render(request, "regulations/linkcheck.html", context)
