"""The link checker page's report: the results, counts that link to the first row of each outcome, and moves."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from regulations.history.link_results import OUTCOME_LABELS, OUTCOMES, LinkResult, counts
from regulations.history.quoted_addresses import AddressList

SHARE_LINK_LIMIT = 2_000  # characters of a sharing address's query: what browsers and proxies all keep


def link_check_report(memo_date: datetime.date | None, addresses: AddressList, results: list[LinkResult]) -> dict:
    tally = counts(results)
    for outcome in OUTCOMES:
        first = next((result for result in results if result.outcome == outcome), None)
        if first is not None:
            first.anchor = f"results-{outcome}"
    share_url = ""
    if addresses:
        pairs = [("address", address) for address in dict.fromkeys(result.address for result in results)]
        if memo_date:
            pairs.append(("memo_date", memo_date.isoformat()))
        query = urlencode(pairs)
        share_url = "?" + query if len(query) <= SHARE_LINK_LIMIT else ""
    return {
        "checked": True,
        "results": results,
        "summary": [(outcome, OUTCOME_LABELS[outcome], tally[outcome]) for outcome in OUTCOMES if tally[outcome]],
        "moved": [result for result in results if result.outcome == "moved"],
        "memo_date": memo_date,
        "notes": [addresses.note] if addresses.dropped else [],
        "share_url": share_url,
    }
