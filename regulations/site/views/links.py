"""The link checker page: paste a memo (or links), get each Rulebook address back as ok / changed / moved / …"""

from django.shortcuts import render

from regulations.history.linkcheck import check_for_request
from regulations.history.quoted_addresses import MAX_TEXT, find_addresses
from regulations.site.forms import LinkCheckForm
from regulations.site.pages.links import link_check_report


def link_check(request):
    # A check is shared as a GET address that holds only the addresses (?address=…&memo_date=…): a memo's text
    # never goes into a URL, where it would land in browser histories, server logs and referrers. A memo is
    # POSTed. (GET ?text= links made before are still answered.)
    if request.method == "POST":
        data = request.POST
    else:
        data = request.GET.copy()
        if "address" in request.GET:
            data["text"] = "\n".join(request.GET.getlist("address"))
    submitted = request.method == "POST" or any(name in request.GET for name in ("text", "address", "memo_date"))
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
    context.update(link_check_report(memo_date, addresses, results))
    return render(request, "regulations/linkcheck.html", context)
