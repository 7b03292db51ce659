"""The names of the keys of a document's or provision's free-form `details`, as the pages head them.

The keys are the corpus files' own (legal_basis, status_facts…); a key not listed here is shown in words.
"""

from django.utils.translation import gettext_lazy

DETAIL_LABELS = {
    "doc": gettext_lazy("Document"),
    "doc_number": gettext_lazy("Document number"),
    "title_zh": gettext_lazy("Chinese title"),
    "title_en": gettext_lazy("English title"),
    "addressees_zh": gettext_lazy("Addressees"),
    "as_of": gettext_lazy("As of"),
    "zh": gettext_lazy("Chinese"),
    "en": gettext_lazy("English"),
    "abbr": gettext_lazy("Abbreviation"),
    "url": gettext_lazy("Address"),
    "addressees_note": gettext_lazy("Note on the addressees"),
    "amended_by": gettext_lazy("Amended by"),
    "approved_by": gettext_lazy("Approved by"),
    "comparison_note": gettext_lazy("Note on the comparison"),
    "corrigenda": gettext_lazy("Corrigenda"),
    "date": gettext_lazy("Date"),
    "dates": gettext_lazy("Dates"),
    "effective": gettext_lazy("In effect"),
    "implementing_documents": gettext_lazy("Implementing documents"),
    "implementing_rules": gettext_lazy("Implementing rules"),
    "instrument": gettext_lazy("Instrument"),
    "issued": gettext_lazy("Issued"),
    "issuers": gettext_lazy("Issuers"),
    "issuers_note": gettext_lazy("Note on the issuers"),
    "legal_basis": gettext_lazy("Legal basis"),
    "note": gettext_lazy("Note"),
    "notice_title_note": gettext_lazy("Note on the notice's title"),
    "official_source_note": gettext_lazy("Note on the official source"),
    "previous_edition": gettext_lazy("Previous edition"),
    "principles": gettext_lazy("Principles"),
    "published": gettext_lazy("Published"),
    "relation": gettext_lazy("Relation"),
    "sources": gettext_lazy("Sources"),
    "status_facts": gettext_lazy("Facts on the status"),
    "structure": gettext_lazy("Structure"),
    "structure_note": gettext_lazy("Note on the structure"),
    "supersedes": gettext_lazy("Supersedes"),
    "verification": gettext_lazy("Verification"),
    "version": gettext_lazy("Version"),
    "versions": gettext_lazy("Versions"),
}


def label_for(key) -> str:
    """A details key as a heading in the interface language; an unlisted one in words (“legal_basis”: Legal basis)."""
    key = str(key)
    if key in DETAIL_LABELS:
        return DETAIL_LABELS[key]
    return key.replace("_", " ").strip().capitalize()
