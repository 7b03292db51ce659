"""What the search page says in the reader's language: the parser's notes, the facets' titles, the kinds of hit
and where a hit matched. The parser, the results and the backends stay free of Django's translation machinery
(import-linter contracts); they answer with codes and field names, which are worded here."""

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from search.notes import Note
from search.results import MatchedIn

FACET_TITLES = {
    "kind": pgettext_lazy("search facet", "Kind"),
    "industry": pgettext_lazy("search facet", "Industry"),
    "document": pgettext_lazy("search facet", "Document"),
    "topic": pgettext_lazy("search facet", "Topic"),
    "status": pgettext_lazy("search facet", "Status"),
    "jurisdiction": pgettext_lazy("search facet", "Jurisdiction"),
    "year": pgettext_lazy("search facet", "Year"),
}
KIND_LABELS = {
    "provision": gettext_lazy("Provision"),
    "document": gettext_lazy("Document"),
    "glossary": gettext_lazy("Glossary term"),
    "annotation": gettext_lazy("Annotation"),
}

# The notes' words (search.notes.NOTE_CODES); %(value)s is what the note is about.
NOTE_WORDS = {
    "removed_control_characters": gettext_lazy("removed control characters"),
    "shortened": gettext_lazy("used the first %(value)s characters"),
    "lone_sign": gettext_lazy("ignored a lone “%(value)s”"),
    "closed_quote": gettext_lazy("closed an unbalanced quote"),
    "misplaced_or": gettext_lazy("ignored a misplaced OR"),
    "empty_filter": gettext_lazy("ignored the empty filter “%(value)s:”"),
    "excluded_filter": gettext_lazy("cannot exclude with a filter, searched “%(value)s” instead"),
    "not_a_filter": gettext_lazy("“%(value)s:” is not a filter; searched it as words"),
    "ignored_brackets": gettext_lazy("ignored brackets"),
    "inner_star": gettext_lazy("a * only works at the end of a word"),
    "ignored_word": gettext_lazy("ignored “%(value)s”"),
    "short_prefix": gettext_lazy("“%(value)s*” is too short for a prefix search; searched the word"),
    "too_many_words": gettext_lazy("used the first %(value)s words"),
    "only_excluded": gettext_lazy("a search needs at least one word that is not excluded"),
    "timed_out": gettext_lazy("the search took too long; try more specific words or a filter"),
    "timed_out_partial": gettext_lazy("the search took too long; these are the best results found in time"),
}
# Where a hit matched (search.results.MatchedIn: a text field, or the document number a query named).
MATCHED_IN_WORDS = {
    "num": pgettext_lazy("matched in", "number"),
    "heading": pgettext_lazy("matched in", "heading"),
    "glossary": pgettext_lazy("matched in", "key terms"),
    "title": pgettext_lazy("matched in", "document title"),
    "body": pgettext_lazy("matched in", "text"),
    "meta": pgettext_lazy("matched in", "industry or topic"),
    "document_number": pgettext_lazy("matched in", "document number"),
}


def note_text(note: Note) -> str:
    return str(NOTE_WORDS[note.code]) % {"value": note.value}


def matched_in_text(matched: MatchedIn) -> str:
    if matched.field == "synonym":
        return gettext("glossary synonym “%(synonym)s”") % {"synonym": matched.synonym}
    return str(MATCHED_IN_WORDS[matched.field])
