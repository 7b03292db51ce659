"""The link checker page's report: the results, counts that link to the first row of each outcome, and moves."""

from __future__ import annotations

import datetime

from regulations.addresses import query_string
from regulations.history.link_results import OUTCOME_LABELS, OUTCOMES, LinkResult, counts
from regulations.history.quoted_addresses import AddressList

SHARE_LINK_LIMIT = 1_500  # a check this short can be shared as a GET address


def link_check_report(
    text: str, memo_date: datetime.date | None, addresses: AddressList, results: list[LinkResult]
) -> dict:
    tally = counts(results)
    for outcome in OUTCOMES:
        first = next((result for result in results if result.outcome == outcome), None)
        if first is not None:
            first.anchor = f"results-{outcome}"
    share_url = ""
    if len(text) <= SHARE_LINK_LIMIT:
        share_url = query_string({"text": text, "memo_date": memo_date.isoformat() if memo_date else None})
    return {
        "checked": True,
        "results": results,
        "summary": [(outcome, OUTCOME_LABELS[outcome], tally[outcome]) for outcome in OUTCOMES if tally[outcome]],
        "moved": [result for result in results if result.outcome == "moved"],
        "memo_date": memo_date,
        "notes": [addresses.note] if addresses.dropped else [],
        "share_url": share_url,
    }
